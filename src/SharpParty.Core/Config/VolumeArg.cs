using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>
/// Parses copyparty's <c>-v SRC:DST:PERMS[,user…]:…:c,flag[=val],…</c> (reference §1.2, §4.1).
/// </summary>
internal static class VolumeArg
{
    public static bool TryParse(string arg, out VolumeSpec? spec, out string error)
    {
        spec = null;
        error = "";
        var parts = arg.Split(':');
        if (parts.Length < 2)
        {
            error = $"-v {arg}: expected SRC:DST[:PERMS…] (at least one colon)";
            return false;
        }
        var src = parts[0];
        if (src.Length == 0)
        {
            error = $"-v {arg}: the filesystem path (SRC) is empty";
            return false;
        }
        if (!TryNormalizeVPath(parts[1], out var vpath, out error))
        {
            error = $"-v {arg}: {error}";
            return false;
        }
        var grants = new List<AccessGrant>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length == 0)
            {
                continue;
            }
            if (p.StartsWith("c,", StringComparison.Ordinal) || p == "c")
            {
                string? last = null;
                foreach (var f in p.Split(',').Skip(1))
                {
                    // values that hold commas (maxn=250,600, rotn=100,3): a part that starts with a digit cannot be a
                    // flag name, so it continues the value before it (copyparty takes everything after the '=')
                    if (last is not null && f.Length > 0 && char.IsAsciiDigit(f[0]))
                    {
                        flags[last] += "," + f;
                        continue;
                    }
                    if (!TryAddFlag(flags, f, out error))
                    {
                        error = $"-v {arg}: {error}";
                        return false;
                    }
                    last = f.Contains('=', StringComparison.Ordinal) ? f[..f.IndexOf('=', StringComparison.Ordinal)].Trim() : null;
                }
                continue;
            }
            if (!TryParseGrant(p, out var grant, out error))
            {
                error = $"-v {arg}: {error}";
                return false;
            }
            grants.Add(grant!);
        }
        spec = new VolumeSpec(src, vpath, grants, flags);
        return true;
    }

    /// <summary>Parses <c>PERMS[,user,…]</c>; no users means everyone (<c>*</c>).</summary>
    public static bool TryParseGrant(string text, out AccessGrant? grant, out string error)
    {
        grant = null;
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (!PermLetters.TryParse(items[0], out var perm, out var bad))
        {
            error = items[0].Length == 0
                ? "empty permission set"
                : $"unknown permission '{bad}' in '{items[0]}' (valid: r w m d g G h a . A)";
            return false;
        }
        var users = items.Skip(1).Where(u => u.Length > 0).ToList();
        if (users.Count == 0)
        {
            users.Add("*");
        }
        grant = new AccessGrant(perm, users);
        error = "";
        return true;
    }

    /// <summary>Adds <c>name</c> or <c>name=value</c>; a leading <c>-</c> unsets a global flag for this volume.</summary>
    public static bool TryAddFlag(Dictionary<string, string> flags, string flag, out string error)
    {
        error = "";
        flag = flag.Trim();
        if (flag.Length == 0)
        {
            return true;
        }
        var eq = flag.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? flag : flag[..eq];
        var value = eq < 0 ? "" : flag[(eq + 1)..];
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')))
        {
            error = $"bad volume flag '{flag}'";
            return false;
        }
        flags[name] = value;
        return true;
    }

    /// <summary>"/a/b/" and "a/b" become "a/b"; "", "/" become "" (the root). Rejects dot segments and control characters.</summary>
    public static bool TryNormalizeVPath(string raw, out string vpath, out string error)
    {
        vpath = "";
        error = "";
        var segs = raw.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var s in segs)
        {
            if (s is "." or ".." || s.Any(char.IsControl))
            {
                error = $"bad volume URL path '{raw}'";
                return false;
            }
        }
        vpath = string.Join('/', segs);
        return true;
    }
}
