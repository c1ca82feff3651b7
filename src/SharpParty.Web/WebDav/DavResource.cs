using SharpParty.Core.Storage;
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

    /// <summary>From a statx result (see <see cref="FastStat"/>): a folder of many members is described without a
    /// FileSystemInfo per member.</summary>
    public static DavResource FromStat(string vpath, string fs, Volume? v, string rel, in StatInfo st) =>
        new(vpath, fs, v, rel, st.IsDir, st.IsDir ? 0 : st.Size, MTimeOf(st), CTimeOf(st));

    /// <summary>The mtime of a statx result, to the 100 ns a DateTime holds.</summary>
    public static DateTime MTimeOf(in StatInfo st) => DateTime.UnixEpoch.AddTicks(st.MTime * TimeSpan.TicksPerSecond + st.MTimeNsec / 100);

    /// <summary>The creation time of a statx result, never later than its mtime (as <see cref="From"/>).</summary>
    public static DateTime CTimeOf(in StatInfo st)
    {
        var mtime = MTimeOf(st);
        var created = DateTime.UnixEpoch.AddTicks(st.Created * TimeSpan.TicksPerSecond);
        return created > mtime ? mtime : created;
    }

    public static DavResource From(string vpath, FileSystemInfo fi, Volume? v, string rel)
    {
        var isDir = fi is DirectoryInfo;
        var created = fi.CreationTimeUtc;
        var mtime = fi.LastWriteTimeUtc;
        return new DavResource(vpath, fi.FullName, v, rel, isDir, isDir ? 0 : ((FileInfo)fi).Length, mtime, created > mtime ? mtime : created);
    }
}
