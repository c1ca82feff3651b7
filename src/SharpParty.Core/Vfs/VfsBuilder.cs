using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using SharpParty.Core.Config;

namespace SharpParty.Core.Vfs;

/// <summary>Volume specs + accounts + groups → a <see cref="VfsTree"/>, with every grant expanded per user.</summary>
internal static class VfsBuilder
{
    public static bool TryBuild(IReadOnlyList<VolumeSpec> specs, IReadOnlyDictionary<string, string> accounts,
        IReadOnlyDictionary<string, IReadOnlyList<string>> groups, string workingDir, string? globalHist, bool allowDots,
        bool unsafeSymlinks, List<string> warnings, out VfsTree? tree, out string error, IReadOnlyCollection<string>? globalFlags = null)
    {
        tree = null;
        error = "";
        var vols = new List<Volume>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!seen.Add(spec.VPath))
            {
                error = $"volume /{spec.VPath} is mounted twice";
                return false;
            }
            var full = Path.GetFullPath(spec.Source, workingDir);
            if (!Directory.Exists(full))
            {
                error = $"volume /{spec.VPath}: folder '{spec.Source}' does not exist";
                return false;
            }
            var real = SymlinkGuard.RealPath(full) ?? full;
            var everyone = Perm.None;
            var users = new Dictionary<string, Perm>(StringComparer.Ordinal);
            foreach (var g in spec.Grants)
            {
                foreach (var u in g.Users)
                {
                    if (u == Identity.Anonymous)
                    {
                        everyone |= g.Perms;
                    }
                    else if (u.StartsWith('@'))
                    {
                        if (!groups.TryGetValue(u[1..], out var members))
                        {
                            warnings.Add($"volume /{spec.VPath}: unknown group {u}");
                            continue;
                        }
                        foreach (var m in members)
                        {
                            users[m] = users.GetValueOrDefault(m) | g.Perms;
                        }
                    }
                    else
                    {
                        if (!accounts.ContainsKey(u))
                        {
                            warnings.Add($"volume /{spec.VPath}: unknown user {u}");
                        }
                        users[u] = users.GetValueOrDefault(u) | g.Perms;
                    }
                }
            }
            var flags = new Dictionary<string, string>(spec.Flags, StringComparer.Ordinal);
            if (allowDots && !flags.ContainsKey("-dots"))
            {
                flags.TryAdd("dots", "");
            }
            if (unsafeSymlinks)
            {
                flags.TryAdd("unsafe_symlinks", "");
            }
            // global options that copyparty also takes as volume flags (--xdev is volflag xdev on every volume)
            foreach (var g in globalFlags ?? [])
            {
                flags.TryAdd(g, "");
            }
            // "-flag" unsets a global flag for this volume
            foreach (var k in flags.Keys.Where(k => k.StartsWith('-')).ToList())
            {
                flags.Remove(k);
                flags.Remove(k[1..]);
            }
            var hist = flags.TryGetValue("hist", out var h) && h.Length > 0 && h != "-"
                ? Path.GetFullPath(h, workingDir)
                : globalHist is not null
                    ? Path.Combine(Path.GetFullPath(globalHist, workingDir), HistName(spec.VPath, real))
                    : Path.Combine(real, ".hist");
            vols.Add(new Volume(spec.VPath, real, flags.ToFrozenDictionary(StringComparer.Ordinal), everyone,
                users.ToFrozenDictionary(StringComparer.Ordinal), hist));
        }
        tree = new VfsTree(vols, unsafeSymlinks);
        return true;
    }

    /// <summary>A folder name under <c>--hist</c> that is stable per volume and readable ("music-1a2b3c4d").</summary>
    private static string HistName(string vpath, string real)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(real)))[..8];
        var name = vpath.Length == 0 ? "root" : vpath.Replace('/', '-');
        return name + "-" + hash;
    }
}
