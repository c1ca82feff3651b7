using SharpParty.Core.Vfs;

namespace SharpParty.Web.WebDav;

/// <summary>What PROPFIND reports about one resource, from one stat.</summary>
internal sealed record DavResource(string VPath, string? Fs, Volume? Volume, string Rel, bool IsDir, long Length, DateTime MTimeUtc, DateTime CTimeUtc)
{
    /// <summary>The resource a resolved path names, or null when nothing is there.</summary>
    public static DavResource? Of(VfsPath t)
    {
        if (t.IsVirtual)
        {
            return new DavResource(t.VPath, null, null, "", true, 0, DateTime.UnixEpoch, DateTime.UnixEpoch);
        }
        return Of(t.VPath, t.FsPath!, t.Volume, t.Rel);
    }

    public static DavResource? Of(string vpath, string fs, Volume? v, string rel)
    {
        FileSystemInfo fi = new FileInfo(fs);
        if (!fi.Exists)
        {
            fi = new DirectoryInfo(fs);
            if (!fi.Exists)
            {
                return null;
            }
        }
        return From(vpath, fi, v, rel);
    }

    public static DavResource From(string vpath, FileSystemInfo fi, Volume? v, string rel)
    {
        var isDir = fi is DirectoryInfo;
        var created = fi.CreationTimeUtc;
        var mtime = fi.LastWriteTimeUtc;
        return new DavResource(vpath, fi.FullName, v, rel, isDir, isDir ? 0 : ((FileInfo)fi).Length, mtime, created > mtime ? mtime : created);
    }
}
