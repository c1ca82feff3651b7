using System.Collections.Frozen;

namespace SharpParty.Core.Vfs;

internal enum VfsError
{
    None,
    /// <summary>Malformed or traversing path: 400.</summary>
    BadPath,
    /// <summary>No volume here, or a hidden path: 404.</summary>
    NotFound,
    /// <summary>The user lacks the permission: 403 (404 with --vague-403).</summary>
    Forbidden,
    /// <summary>A symlink leads outside the volumes: treated as not found.</summary>
    SymlinkEscape,
}

/// <summary>Where a virtual path landed: a volume and the path inside it, or a virtual folder above some mounts.</summary>
internal readonly record struct VfsPath(Volume? Volume, string VPath, string Rel, string? FsPath, Perm Perms, bool HasDotSegment)
{
    public bool IsVirtual => Volume is null;

    public bool Can(Perm p) => (Perms & p) == p;
}

internal readonly record struct VfsResult(VfsError Error, string Reason, VfsPath Path)
{
    public bool Ok => Error == VfsError.None;

    public static VfsResult Fail(VfsError e, string reason) => new(e, reason, default);
}

/// <summary>
/// THE resolver: every protocol turns a client's path into a filesystem path here, and only here. It applies
/// volumes and shadowing (the longest mount wins), permissions (user, <c>*</c>, groups), the dotfile rule
/// and the symlink policy.
/// </summary>
internal sealed class VfsTree
{
    private readonly FrozenDictionary<string, Volume> _byVPath;
    private readonly FrozenDictionary<string, string[]> _childMounts;
    private readonly Volume[] _volumes;

    public VfsTree(IEnumerable<Volume> volumes, bool symlinksMayEscape = false)
    {
        _volumes = volumes.OrderByDescending(v => v.VPath.Length).ToArray();
        _byVPath = _volumes.ToFrozenDictionary(v => v.VPath, StringComparer.Ordinal);
        var kids = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var v in _volumes)
        {
            if (v.VPath.Length == 0)
            {
                continue;
            }
            var p = v.VPath;
            while (true)
            {
                var slash = p.LastIndexOf('/');
                var parent = slash < 0 ? "" : p[..slash];
                var name = slash < 0 ? p : p[(slash + 1)..];
                if (!kids.TryGetValue(parent, out var set))
                {
                    kids[parent] = set = new SortedSet<string>(StringComparer.Ordinal);
                }
                set.Add(name);
                if (parent.Length == 0)
                {
                    break;
                }
                p = parent;
            }
        }
        _childMounts = kids.ToFrozenDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        SymlinksMayEscape = symlinksMayEscape;
    }

    public IReadOnlyList<Volume> Volumes => _volumes;

    /// <summary>Global <c>--unsafe-symlinks</c>: symlinks may point anywhere (copyparty's default; not ours).</summary>
    public bool SymlinksMayEscape { get; }

    public Volume? VolumeAt(string vpath) => _byVPath.GetValueOrDefault(vpath);

    /// <summary>Names of mount points (and folders leading to them) directly below a virtual path.</summary>
    public IReadOnlyList<string> ChildMounts(string vpath) => _childMounts.GetValueOrDefault(vpath) ?? [];

    /// <summary>Resolves a raw, percent-encoded URL path (HTTP, WebDAV <c>Destination:</c>).</summary>
    public VfsResult ResolveUrl(ReadOnlySpan<char> rawPath, string user)
    {
        if (!UrlPath.TryDecode(rawPath, out var decoded, out var err))
        {
            return VfsResult.Fail(VfsError.BadPath, err);
        }
        return Resolve(decoded, user);
    }

    /// <summary>Resolves a decoded path (FTP, TFTP, or after <see cref="UrlPath.TryDecode"/>).</summary>
    public VfsResult Resolve(string decodedPath, string user)
    {
        if (!UrlPath.TryNormalize(decodedPath, out var vpath, out var err))
        {
            return VfsResult.Fail(VfsError.BadPath, err);
        }
        return ResolveNormalized(vpath, user);
    }

    /// <summary>Resolves a path already in canonical form (from <see cref="UrlPath.TryNormalize"/>).</summary>
    public VfsResult ResolveNormalized(string vpath, string user)
    {
        var vol = FindVolume(vpath);
        var hasDot = HasDotSegment(vpath);
        if (vol is null)
        {
            if (!_childMounts.ContainsKey(vpath))
            {
                return VfsResult.Fail(VfsError.NotFound, "no such volume");
            }
            var perms = VirtualPerms(vpath, user);
            return new VfsResult(VfsError.None, "", new VfsPath(null, vpath, "", null, perms, hasDot));
        }
        var rel = vol.VPath.Length == 0 ? vpath : vpath.Length == vol.VPath.Length ? "" : vpath[(vol.VPath.Length + 1)..];
        if (IsHistPath(rel) || Storage.TempNames.IsTemp(rel.AsSpan(rel.LastIndexOf('/') + 1)))
        {
            return VfsResult.Fail(VfsError.NotFound, "no such file");
        }
        var p = vol.PermsFor(user);
        if ((p & Perm.Read) != 0 && vol.HasFlag("dots"))
        {
            p |= Perm.Dots;
        }
        var fs = rel.Length == 0 ? vol.RealPath : Path.Join(vol.RealPath, rel);
        if (!SymlinksMayEscape && !vol.HasFlag("unsafe_symlinks") && !SymlinkGuard.StaysInside(fs, vol, _volumes))
        {
            return VfsResult.Fail(VfsError.SymlinkEscape, "symlink leads outside the volumes");
        }
        if (vol.HasFlag("xdev") && !SymlinkGuard.OnVolumeDevice(fs, vol))
        {
            // copyparty's xdev: a bind-mount or a symlink onto another disk is not part of the volume
            return VfsResult.Fail(VfsError.SymlinkEscape, "xdev: that is on another filesystem than the volume");
        }
        return new VfsResult(VfsError.None, "", new VfsPath(vol, vpath, rel, fs, p, hasDot));
    }

    /// <summary>
    /// The path of <paramref name="name"/>, a real entry that is not a symlink, listed inside the resolved real folder
    /// <paramref name="dir"/> and not shadowed by a mount (the caller checks <see cref="ChildMounts"/>): the same answer
    /// <see cref="ResolveNormalized"/> gives, without finding the volume again or walking the path for symlinks (the
    /// folder was checked and the entry is not a link). Null for what is never served (hist folder, upload temp files).
    /// </summary>
    public static VfsPath? ChildOf(VfsPath dir, string name)
    {
        if (!IsServedChild(dir, name))
        {
            return null;
        }
        var rel = dir.Rel.Length == 0 ? name : dir.Rel + "/" + name;
        var vpath = dir.VPath.Length == 0 ? name : dir.VPath + "/" + name;
        return new VfsPath(dir.Volume, vpath, rel, Path.Join(dir.FsPath, name), dir.Perms, dir.HasDotSegment || name.StartsWith('.'));
    }

    /// <summary>Whether <see cref="ChildOf"/> gives a path for this name, without making one (a listing that writes only
    /// the name and the stat of a member needs none).</summary>
    public static bool IsServedChild(VfsPath dir, string name) =>
        dir.Volume is not null && dir.FsPath is not null && name.Length > 0 && !name.Contains('/') && name is not ("." or "..")
        && !IsHistPath(dir.Rel) && !(dir.Rel.Length == 0 && name == ".hist") && !Storage.TempNames.IsTemp(name);

    /// <summary>Folders of <paramref name="v"/> (relative, with a trailing '/') where other volumes are mounted over it:
    /// what an index of <paramref name="v"/> holds there belongs to those volumes and their permissions.</summary>
    public string[] MountsInside(Volume v) => _volumes
        .Where(o => o != v && (v.VPath.Length == 0 || o.VPath.StartsWith(v.VPath + "/", StringComparison.Ordinal)))
        .Select(o => (v.VPath.Length == 0 ? o.VPath : o.VPath[(v.VPath.Length + 1)..]) + "/").ToArray();

    /// <summary>The volume whose mount point is the longest prefix of <paramref name="vpath"/>.</summary>
    public Volume? FindVolume(string vpath)
    {
        var probe = vpath;
        while (true)
        {
            if (_byVPath.TryGetValue(probe, out var v))
            {
                return v;
            }
            if (probe.Length == 0)
            {
                return null;
            }
            var slash = probe.LastIndexOf('/');
            probe = slash < 0 ? "" : probe[..slash];
        }
    }

    /// <summary>A virtual folder may be listed when the user may read or get some volume below it.</summary>
    private Perm VirtualPerms(string vpath, string user)
    {
        var prefix = vpath.Length == 0 ? "" : vpath + "/";
        foreach (var v in _volumes)
        {
            if (v.VPath.StartsWith(prefix, StringComparison.Ordinal) && (v.PermsFor(user) & (Perm.Read | Perm.Get)) != 0)
            {
                return Perm.Read;
            }
        }
        return Perm.None;
    }

    private static bool HasDotSegment(string vpath) =>
        vpath.StartsWith('.') || vpath.Contains("/.", StringComparison.Ordinal);

    /// <summary>The default hist folder (and upload temp files, see TempNames) (<c>VOL/.hist</c>) holds databases and sessions: never served by any protocol.</summary>
    private static bool IsHistPath(string rel) =>
        rel == ".hist" || rel.StartsWith(".hist/", StringComparison.Ordinal);
}
