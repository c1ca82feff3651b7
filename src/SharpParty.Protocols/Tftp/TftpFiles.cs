using System.Text.RegularExpressions;
using SharpParty.Core.Config;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;

namespace SharpParty.Protocols.Tftp;

/// <summary>Why a request cannot be served: the ERROR packet's code and one-line message.</summary>
internal readonly record struct TftpFailure(TftpError Code, string Message);

/// <summary>What a read sends: a file, or a folder listing; <see cref="Size"/> for tsize when known.</summary>
internal sealed class ReadSource(Stream stream, long? size, string vpath) : IDisposable
{
    public Stream Stream { get; } = stream;

    public long? Size { get; } = size;

    public string VPath { get; } = vpath;

    public void Dispose() => Stream.Dispose();
}

/// <summary>Where a write goes: a temp file next to the target (hidden from every listing and download), renamed when the
/// last block is in.</summary>
internal sealed class WriteTarget(FileStream stream, string tempPath, string finalPath, bool overwrite, VfsPath path) : IDisposable
{
    /// <summary>The target as the resolver saw it (volume and path in it, for the index).</summary>
    public VfsPath Path { get; } = path;

    public FileStream Stream { get; } = stream;

    public string TempPath { get; } = tempPath;

    public string FinalPath { get; } = finalPath;

    /// <summary>The client may replace an existing file (it has <c>d</c>, as copyparty's tftpd asks).</summary>
    public bool Overwrite { get; } = overwrite;

    public string VPath => Path.VPath;

    public void Dispose() => Stream.Dispose();
}

/// <summary>
/// TFTP's side of the one Vfs resolver: anonymous (<c>*</c>) only, as copyparty's tftpd. Read needs <c>r</c>, write needs
/// <c>w</c> (and <c>d</c> to replace a file); dotfiles need <c>.</c>; symlinks follow the volumes' policy.
/// </summary>
internal static class TftpFiles
{
    public static bool TryOpenRead(ServerOptions o, string name, TransferMode mode, out ReadSource? source, out TftpFailure fail)
    {
        source = null;
        // the dotfile rule is applied below, after the listing names (".ls") had their chance
        if (!TryResolve(o, name, out var t, out fail, checkDots: false))
        {
            return false;
        }
        var hiddenDot = t.HasDotSegment && !t.Can(Perm.Dots);
        if (!t.Can(Perm.Read))
        {
            fail = new(TftpError.AccessViolation, "no read access here");
            return false;
        }
        if (hiddenDot && !IsListingName(o, t.VPath, out _))
        {
            fail = new(TftpError.FileNotFound, "file not found");
            return false;
        }
        if (!hiddenDot && t.FsPath is not null && File.Exists(t.FsPath))
        {
            FileStream fs;
            try
            {
                // sequential: the kernel reads ahead; 64 KiB so a 512-byte block is not one read(2) each
                fs = new FileStream(t.FsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fail = new(TftpError.AccessViolation, "cannot open the file");
                return false;
            }
            source = mode == TransferMode.NetAscii
                ? new ReadSource(new NetAsciiReader(fs), null, t.VPath)
                : new ReadSource(fs, fs.Length, t.VPath);
            return true;
        }
        if (!hiddenDot && (t.IsVirtual || Directory.Exists(t.FsPath)))
        {
            if (o.Tftp.NoFolderListing)
            {
                fail = new(TftpError.AccessViolation, "that is a folder");
                return false;
            }
            source = Listing(o, t);
            return true;
        }
        // copyparty: a missing file whose name matches --tftp-lsf (".ls", "dir", "ls.txt"…) is the folder's listing
        if (!o.Tftp.NoFolderListing && IsListingName(o, t.VPath, out var slash))
        {
            var parent = o.Vfs.ResolveNormalized(slash < 0 ? "" : t.VPath[..slash], Identity.Anonymous);
            if (parent.Ok && parent.Path.Can(Perm.Read) && !(parent.Path.HasDotSegment && !parent.Path.Can(Perm.Dots)) && (parent.Path.IsVirtual || Directory.Exists(parent.Path.FsPath)))
            {
                source = Listing(o, parent.Path);
                return true;
            }
        }
        fail = new(TftpError.FileNotFound, "file not found");
        return false;
    }

    public static bool TryOpenWrite(ServerOptions o, string name, long declaredSize, out WriteTarget? target, out TftpFailure fail)
    {
        target = null;
        if (!TryResolve(o, name, out var t, out fail))
        {
            return false;
        }
        if (!t.Can(Perm.Write))
        {
            fail = new(TftpError.AccessViolation, "no write access here");
            return false;
        }
        if (t.IsVirtual || t.Rel.Length == 0 || t.FsPath is null || Directory.Exists(t.FsPath))
        {
            fail = new(TftpError.AccessViolation, "that is a folder");
            return false;
        }
        var folder = Path.GetDirectoryName(t.FsPath)!;
        if (!Directory.Exists(folder))
        {
            fail = new(TftpError.FileNotFound, "no such folder");
            return false;
        }
        var overwrite = t.Can(Perm.Delete);
        if (File.Exists(t.FsPath) && !overwrite)
        {
            // as copyparty: replacing a file needs delete permission
            fail = new(TftpError.FileExists, "file exists (replacing it needs delete permission)");
            return false;
        }
        if (declaredSize > 0 && FreeSpace(folder) is { } free && declaredSize > free)
        {
            fail = new(TftpError.DiskFull, "not enough free space for tsize");
            return false;
        }
        var temp = Path.Join(folder, TempNames.New());
        try
        {
            var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            target = new WriteTarget(fs, temp, t.FsPath, overwrite, t);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            fail = SharpParty.Web.Upload.UploadSink.IsDiskFull(e)
                ? new(TftpError.DiskFull, "disk full")
                : new(TftpError.AccessViolation, "cannot create the file");
            return false;
        }
    }

    /// <summary>Moves a finished upload into place; the ERROR to send when that fails.</summary>
    public static TftpFailure? Place(WriteTarget w)
    {
        return FilePlacer.Place(w.TempPath, w.FinalPath, w.Overwrite) switch
        {
            PlaceResult.Placed => null,
            PlaceResult.Exists => new(TftpError.FileExists, "file exists"),
            PlaceResult.Conflict => new(TftpError.AccessViolation, "the target became a folder or its folder is gone"),
            _ => new(TftpError.AccessViolation, "could not move the upload into place"),
        };
    }

    private static bool IsListingName(ServerOptions o, string vpath, out int slash)
    {
        slash = vpath.LastIndexOf('/');
        var fileName = slash < 0 ? vpath : vpath[(slash + 1)..];
        return Regex.IsMatch(fileName, "^(?:" + o.Tftp.ListingPattern + ")$", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
    }

    private static bool TryResolve(ServerOptions o, string name, out VfsPath t, out TftpFailure fail, bool checkDots = true)
    {
        t = default;
        fail = default;
        // Windows clients send backslashes (copyparty turns them into slashes too); the resolver rejects "..", NUL and
        // look-alike slashes, and applies volumes, permissions and the symlink policy
        var res = o.Vfs.Resolve(name.Replace('\\', '/'), Identity.Anonymous);
        if (!res.Ok)
        {
            fail = res.Error switch
            {
                VfsError.BadPath => new(TftpError.AccessViolation, "bad path: " + res.Reason),
                VfsError.Forbidden => new(TftpError.AccessViolation, "access denied"),
                _ => new(TftpError.FileNotFound, "file not found"),
            };
            return false;
        }
        t = res.Path;
        if (checkDots && t.HasDotSegment && !t.Can(Perm.Dots))
        {
            // dotfiles are hidden from anyone without '.', for reading and writing alike (as HTTP)
            fail = new(TftpError.FileNotFound, "file not found");
            return false;
        }
        return true;
    }

    private static ReadSource Listing(ServerOptions o, VfsPath folder)
    {
        var text = TftpListing.Render(o.Vfs, folder);
        return new ReadSource(new MemoryStream(text, writable: false), text.Length, folder.VPath);
    }

    private static long? FreeSpace(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
