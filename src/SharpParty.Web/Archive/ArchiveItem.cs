using SharpParty.Core.Vfs;
using SharpParty.Web.Browse;

namespace SharpParty.Web.Archive;

/// <summary>One entry of an archive: its name inside the archive ("top/sub/a.txt", folders end in '/'), the file to
/// read, its size and mtime as listed.</summary>
internal readonly record struct ArchiveItem(string Name, string? FsPath, bool IsDir, long Size, long MTime);

/// <summary>
/// Walks what an archive holds, depth first, one folder listing in memory at a time. Every folder is resolved again
/// through the Vfs (a sub-volume has its own permissions: one the user cannot read is left out, as copyparty stops at
/// unreadable sub-volumes); entries come from <see cref="DirectoryLister"/>, so upload temp files, the state folder,
/// symlinks leading outside the volumes and (unless allowed and asked for) dotfiles never get in.
/// </summary>
internal static class ArchiveWalker
{
    /// <param name="top">the folder the URL named</param>
    /// <param name="prefix">the archive's top folder ("name/"), or "" for a selection (its entries sit at the root)</param>
    /// <param name="selection">names directly inside <paramref name="top"/> to include (act=zip's files=), or null for all</param>
    public static IEnumerable<ArchiveItem> Walk(VfsTree vfs, VfsPath top, string user, bool dots, string prefix, IReadOnlySet<string>? selection)
    {
        var stack = new Stack<(VfsPath Folder, string Prefix, IReadOnlySet<string>? Only)>();
        stack.Push((top, prefix, selection));
        while (stack.Count > 0)
        {
            var (folder, pre, only) = stack.Pop();
            if (pre.Length > 0)
            {
                // folders are entries too, so empty ones survive the trip (copyparty leaves folders out)
                yield return new ArchiveItem(pre, null, true, 0, MTimeOf(folder.FsPath));
            }
            var subfolders = new List<(VfsPath, string)>();
            var files = new List<ArchiveItem>();
            using (var list = DirectoryLister.List(vfs, folder, dots, user))
            {
                foreach (var e in list.Items)
                {
                    if (only is not null && !only.Contains(e.Name))
                    {
                        continue;
                    }
                    var childV = folder.VPath.Length == 0 ? e.Name : folder.VPath + "/" + e.Name;
                    if (e.IsDir)
                    {
                        var r = vfs.ResolveNormalized(childV, user);
                        if (!r.Ok || !r.Path.Can(Perm.Read))
                        {
                            continue; // an unreadable sub-volume, the state folder (dot names are already filtered)
                        }
                        subfolders.Add((r.Path, pre + e.Name + "/"));
                    }
                    else if (folder.FsPath is not null && folder.Can(Perm.Read))
                    {
                        files.Add(new ArchiveItem(pre + e.Name, Path.Join(folder.FsPath, e.Name), false, e.Size, e.MTime));
                    }
                }
            }
            files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var f in files)
            {
                yield return f;
            }
            // sorted, and pushed in reverse so that they come out in order
            subfolders.Sort((a, b) => string.CompareOrdinal(a.Item2, b.Item2));
            for (var i = subfolders.Count - 1; i >= 0; i--)
            {
                stack.Push((subfolders[i].Item1, subfolders[i].Item2, null));
            }
        }
    }

    private static long MTimeOf(string? fsPath)
    {
        if (fsPath is null)
        {
            return DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }
        try
        {
            return new DateTimeOffset(Directory.GetLastWriteTimeUtc(fsPath)).ToUnixTimeSeconds();
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
