using System.IO.Enumeration;
using SharpParty.Core.Vfs;
using SharpParty.Core.Storage;

namespace SharpParty.Web.Browse;

internal readonly record struct DirEntry(string Name, bool IsDir, long Size, long MTime);

/// <summary>
/// Reads a folder for a listing: the real entries plus the mount points below it (a mount shadows a real folder of the
/// same name), without dotfiles unless the user may and asked to see them, without our own upload temp files, and
/// without symlinks that lead outside the volumes.
/// </summary>
internal static class DirectoryLister
{
    /// <summary>The caller disposes the result (its array is rented).</summary>
    public static PooledList<DirEntry> List(VfsTree vfs, VfsPath target, bool showDots, string user)
    {
        var mounts = vfs.ChildMounts(target.VPath);
        if (target.FsPath is null || !target.Can(Perm.Read))
        {
            var onlyMounts = new PooledList<DirEntry>(mounts.Count);
            AddMounts(onlyMounts, vfs, target, mounts, showDots, user);
            return onlyMounts;
        }
        var opts = new EnumerationOptions
        {
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            RecurseSubdirectories = false,
            ReturnSpecialDirectories = false,
        };
        var links = new List<string>();
        // names first (getdents only), then one statx per name, spread over the cores
        using var names = new PooledList<string>(256);
        var e = new FileSystemEnumerable<string>(target.FsPath, (ref FileSystemEntry x) => x.FileName.ToString(), opts)
        {
            ShouldIncludePredicate = (ref FileSystemEntry x) =>
                (showDots || x.FileName[0] != '.') && !TempNames.IsTemp(x.FileName),
        };
        foreach (var n in e)
        {
            names.Add(n);
        }
        var result = new PooledList<DirEntry>(names.Count + mounts.Count);
        // stat'ed a slice at a time into one small array: a whole-folder array of 10,000 stats (48 bytes each) was a
        // large object per request, and 8 listings at once held 8 of them
        var stats = new StatInfo[Math.Min(names.Count, StatSlice)];
        for (var start = 0; start < names.Count; start += StatSlice)
        {
            var slice = new ArraySegment<string>(names.Items.Array!, start, Math.Min(StatSlice, names.Count - start));
            if (!FastStat.StatAll(target.FsPath, slice, stats))
            {
                for (var i = 0; i < slice.Count; i++)
                {
                    var fi = new FileInfo(Path.Join(target.FsPath, slice[i]));
                    var a = fi.Attributes;
                    stats[i] = (int)a == -1 ? default : new StatInfo(true, (a & FileAttributes.Directory) != 0,
                        fi.LinkTarget is not null, (a & FileAttributes.Directory) != 0 ? 0 : fi.Length,
                        new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds());
                }
            }
            for (var i = 0; i < slice.Count; i++)
            {
                var st = stats[i];
                if (!st.Ok)
                {
                    continue; // vanished between readdir and stat
                }
                if (st.IsLink)
                {
                    links.Add(slice[i]);
                    continue;
                }
                result.Add(new DirEntry(slice[i], st.IsDir, st.IsDir ? 0 : st.Size, st.MTime));
            }
        }
        foreach (var name in links)
        {
            // a symlink is listed as what it points to, and only if it stays inside the volumes
            var child = target.VPath.Length == 0 ? name : target.VPath + "/" + name;
            var r = vfs.ResolveNormalized(child, user);
            if (!r.Ok)
            {
                continue;
            }
            try
            {
                // the size and time of what the link leads to (FileInfo of the link itself gives the link's own length)
                var link = new FileInfo(r.Path.FsPath!);
                var fi = link.LinkTarget is null ? link : link.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? link;
                if (fi.Exists)
                {
                    result.Add(new DirEntry(name, false, fi.Length, new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds()));
                }
                else if (Directory.Exists(r.Path.FsPath))
                {
                    var di = new DirectoryInfo(r.Path.FsPath!);
                    result.Add(new DirEntry(name, true, 0, new DateTimeOffset(di.LastWriteTimeUtc).ToUnixTimeSeconds()));
                }
            }
            catch (IOException)
            {
                // dangling or unreadable: not listed
            }
        }
        if (mounts.Count > 0)
        {
            result.RemoveAll(d => mounts.Contains(d.Name));
            AddMounts(result, vfs, target, mounts, showDots, user);
        }
        return result;
    }

    /// <summary>Stats per slice of a big folder (48 bytes each: under the 85 KB large-object threshold).</summary>
    private const int StatSlice = 1024;

    /// <summary>The mount points below the folder that the user may see, as folders.</summary>
    private static void AddMounts(PooledList<DirEntry> result, VfsTree vfs, VfsPath target, IReadOnlyCollection<string> mounts, bool showDots, string user)
    {
        foreach (var m in mounts)
        {
            if (!showDots && m.StartsWith('.'))
            {
                continue;
            }
            var child = target.VPath.Length == 0 ? m : target.VPath + "/" + m;
            var r = vfs.ResolveNormalized(child, user);
            if (r.Ok && (r.Path.Perms & (Perm.Read | Perm.Write | Perm.Get)) != 0)
            {
                var ts = r.Path.FsPath is not null && Directory.Exists(r.Path.FsPath)
                    ? new DateTimeOffset(Directory.GetLastWriteTimeUtc(r.Path.FsPath)).ToUnixTimeSeconds()
                    : 0;
                result.Add(new DirEntry(m, true, 0, ts));
            }
        }
    }
}
