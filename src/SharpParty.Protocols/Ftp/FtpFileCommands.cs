using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Browse;
using SharpParty.Web.Files;

namespace SharpParty.Protocols.Ftp;

/// <summary>Commands on single files and folders answered on the control connection: SIZE, MDTM, MFMT, MLST, DELE,
/// RMD, MKD, RNFR/RNTO, XSHA512. Same permissions as HTTP: r to look, w to create, d to delete, m to move away.</summary>
internal sealed class FtpFileCommands(FtpSession session)
{
    private ControlChannel Control => session.Control;

    /// <summary>A path that exists and may be seen; null after replying 550/553.</summary>
    private async Task<VfsPath?> ExistingAsync(string arg)
    {
        var r = session.Resolve(arg);
        if (!r.Ok || !FtpSession.IsVisible(r.Path) || (!r.Path.IsVirtual && !Path.Exists(r.Path.FsPath)))
        {
            await Control.ReplyAsync(FtpSession.NotFound(r));
            return null;
        }
        return r.Path;
    }

    public async Task SizeAsync(string arg)
    {
        var r = session.Resolve(arg);
        if (r.Ok && !r.Path.IsVirtual && r.Path.Can(Perm.Write) && !Path.Exists(r.Path.FsPath)
            && FtpStorage.PartialSize(session.User!, r.Path.FsPath!) is var partial and >= 0)
        {
            // an interrupted upload of this user's: its size is where REST + STOR continues
            await Control.ReplyAsync("213 " + partial.ToString(CultureInfo.InvariantCulture));
            return;
        }
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (!t.Can(Perm.Read))
        {
            await Control.ReplyAsync(session.Denied("read"));
            return;
        }
        await Control.ReplyAsync(t.IsVirtual || Directory.Exists(t.FsPath) ? "550 That is a folder, not a file."
            : "213 " + new FileInfo(t.FsPath!).Length.ToString(CultureInfo.InvariantCulture));
    }

    public async Task MdtmAsync(string arg)
    {
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (!t.Can(Perm.Read) || t.IsVirtual)
        {
            await Control.ReplyAsync(t.IsVirtual ? "550 No such file." : session.Denied("read"));
            return;
        }
        await Control.ReplyAsync("213 " + FtpListing.Timestamp(new DateTimeOffset(File.GetLastWriteTimeUtc(t.FsPath!)).ToUnixTimeSeconds()));
    }

    /// <summary>draft-somers-ftp-mfxx: MFMT YYYYMMDDHHMMSS path sets the modification time; needs w (as copyparty's utime).</summary>
    public async Task MfmtAsync(string arg)
    {
        var sp = arg.IndexOf(' ', StringComparison.Ordinal);
        if (sp < 0 || !FtpListing.TryParseTimestamp(arg[..sp], out var when))
        {
            await Control.ReplyAsync("501 Usage: MFMT YYYYMMDDHHMMSS path");
            return;
        }
        var path = arg[(sp + 1)..];
        if (await ExistingAsync(path) is not { } t)
        {
            return;
        }
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await Control.ReplyAsync(session.Denied("write"));
            return;
        }
        try
        {
            if (Directory.Exists(t.FsPath))
            {
                Directory.SetLastWriteTimeUtc(t.FsPath!, when);
            }
            else
            {
                File.SetLastWriteTimeUtc(t.FsPath!, when);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync("550 Could not set the time.");
            return;
        }
        await Control.ReplyAsync($"213 Modify={when.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}; {path}");
    }

    public async Task MlstAsync(string arg)
    {
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (!t.Can(Perm.Read) && !t.IsVirtual)
        {
            await Control.ReplyAsync(session.Denied("read"));
            return;
        }
        var sb = new StringBuilder();
        var isDir = t.IsVirtual || Directory.Exists(t.FsPath);
        var mtime = t.IsVirtual ? 0 : new DateTimeOffset(isDir ? Directory.GetLastWriteTimeUtc(t.FsPath!) : File.GetLastWriteTimeUtc(t.FsPath!)).ToUnixTimeSeconds();
        var size = isDir ? 0 : new FileInfo(t.FsPath!).Length;
        // RFC 3659 §7.2: the fact line starts with a space and is sent between 250- and 250
        FtpListing.AppendFacts(sb, new DirEntry(FtpPaths.Name(t.VPath), isDir, size, mtime), isDir ? "dir" : "file", t.Perms, "/" + t.VPath);
        await Control.ReplyAsync($"250-Listing /{t.VPath}\n {sb.ToString().TrimEnd()}\n250 End");
    }

    public async Task DeleAsync(string arg)
    {
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (session.Options.NoDel)
        {
            await Control.ReplyAsync("550 Delete is disabled on this server.");
            return;
        }
        if (t.IsVirtual || Directory.Exists(t.FsPath))
        {
            await Control.ReplyAsync("550 That is a folder; use RMD.");
            return;
        }
        if (!t.Can(Perm.Delete))
        {
            await Control.ReplyAsync(session.Denied("delete"));
            return;
        }
        try
        {
            File.Delete(t.FsPath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync("550 Could not delete the file.");
            return;
        }
        FileOps.IndexForget(session.Services.Storage.Indexes, t, isDir: false);
        await Control.ReplyAsync("250 File deleted.");
    }

    /// <summary>RMD removes an empty folder only (rmdir(2), as copyparty's FTP); a volume root or a mount's parent stays.</summary>
    public async Task RmdAsync(string arg)
    {
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (session.Options.NoDel)
        {
            await Control.ReplyAsync("550 Delete is disabled on this server.");
            return;
        }
        if (t.IsVirtual || t.Rel.Length == 0 || session.Options.Vfs.ChildMounts(t.VPath).Count > 0)
        {
            await Control.ReplyAsync("550 A volume or a folder holding one cannot be removed.");
            return;
        }
        if (!Directory.Exists(t.FsPath))
        {
            await Control.ReplyAsync("550 Not a folder.");
            return;
        }
        if (!t.Can(Perm.Delete))
        {
            await Control.ReplyAsync(session.Denied("delete"));
            return;
        }
        try
        {
            Directory.Delete(t.FsPath!, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync("550 Could not remove the folder (is it empty?).");
            return;
        }
        FileOps.IndexForget(session.Services.Storage.Indexes, t, isDir: true);
        await Control.ReplyAsync("250 Folder removed.");
    }

    public async Task MkdAsync(string arg)
    {
        var r = session.Resolve(arg);
        if (!r.Ok)
        {
            await Control.ReplyAsync(FtpSession.NotFound(r));
            return;
        }
        var t = r.Path;
        if (t.IsVirtual || t.Rel.Length == 0 || Path.Exists(t.FsPath))
        {
            await Control.ReplyAsync("550 That name exists already.");
            return;
        }
        if (!t.Can(Perm.Write))
        {
            await Control.ReplyAsync(session.Denied("write"));
            return;
        }
        if (session.Options.NoDotRen && FtpPaths.Name(t.VPath).StartsWith('.'))
        {
            await Control.ReplyAsync("550 Creating dotfolders is disabled (--no-dot-ren).");
            return;
        }
        try
        {
            Directory.CreateDirectory(t.FsPath!); // parents too, as copyparty (FileZilla expects it)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync("550 Could not create the folder.");
            return;
        }
        await Control.ReplyAsync($"257 {FtpPaths.Quote(t.VPath)} created.");
    }

    public async Task RnfrAsync(string arg)
    {
        session.RenameFrom = null;
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (session.Options.NoMv)
        {
            await Control.ReplyAsync("550 Move/rename is disabled on this server.");
            return;
        }
        if (t.IsVirtual || t.Rel.Length == 0)
        {
            await Control.ReplyAsync("550 A volume cannot be renamed.");
            return;
        }
        if (!t.Can(Perm.Move))
        {
            await Control.ReplyAsync(session.Denied("move"));
            return;
        }
        session.RenameFrom = t.VPath;
        await Control.ReplyAsync("350 Ready for RNTO.");
    }

    /// <summary>RNTO: m at the source (checked again), w at the destination, which must not exist (as a move over HTTP).</summary>
    public async Task RntoAsync(string arg)
    {
        var from = session.RenameFrom;
        session.RenameFrom = null;
        if (from is null)
        {
            await Control.ReplyAsync("503 Send RNFR first.");
            return;
        }
        var src = session.Resolve("/" + from);
        var dst = session.Resolve(arg);
        if (!src.Ok || !dst.Ok)
        {
            await Control.ReplyAsync(FtpSession.NotFound(src.Ok ? dst : src));
            return;
        }
        var s = src.Path;
        var d = dst.Path;
        if (!s.Can(Perm.Move))
        {
            await Control.ReplyAsync(session.Denied("move"));
            return;
        }
        if (d.IsVirtual || d.Rel.Length == 0 || !d.Can(Perm.Write))
        {
            await Control.ReplyAsync(session.Denied("write"));
            return;
        }
        var o = session.Options;
        if (o.NoDotRen && FtpPaths.Name(d.VPath).StartsWith('.') && !FtpPaths.Name(s.VPath).StartsWith('.'))
        {
            await Control.ReplyAsync("550 Renaming to a dotfile is disabled (--no-dot-ren).");
            return;
        }
        if (Path.Exists(d.FsPath))
        {
            await Control.ReplyAsync("553 The destination exists.");
            return;
        }
        var isDir = Directory.Exists(s.FsPath);
        if (isDir && (d.FsPath + "/").StartsWith(s.FsPath + "/", StringComparison.Ordinal))
        {
            await Control.ReplyAsync("553 A folder cannot be moved into itself.");
            return;
        }
        switch (TreeOps.Move(s.FsPath!, d.FsPath!, isDir))
        {
            case TreeResult.Ok:
                FileOps.IndexMoved(session.Services.Storage.Indexes, s, d, isDir, copy: false);
                await Control.ReplyAsync("250 Renamed.");
                return;
            case TreeResult.Exists:
                await Control.ReplyAsync("553 The destination exists.");
                return;
            case TreeResult.DiskFull:
                await Control.ReplyAsync("452 Disk full.");
                return;
            default:
                await Control.ReplyAsync("550 Could not rename that.");
                return;
        }
    }

    /// <summary>Files larger than this are not hashed on request: a hash reads the whole file (about a second per
    /// 512 MiB here), and "where cheap" is the promise (draft-bryan-ftpext-hash §3.2 lets a server refuse with 450/550).</summary>
    public const long HashCap = 512L << 20;

    /// <summary>XSHA512 path (the file's SHA-512 in hex) and HASH path (draft-bryan-ftpext-hash: "213 ALGO 0-END HEX
    /// path" with the algorithm chosen by OPTS HASH). Needs r; streamed through a pooled buffer; files over
    /// <see cref="HashCap"/> get a 550. A hash computed once is kept for the same size and time stamp.</summary>
    public async Task HashAsync(string arg, string algorithm, bool draftReply)
    {
        if (await ExistingAsync(arg) is not { } t)
        {
            return;
        }
        if (t.IsVirtual || Directory.Exists(t.FsPath) || !t.Can(Perm.Read))
        {
            await Control.ReplyAsync(t.Can(Perm.Read) ? "550 Not a file." : session.Denied("read"));
            return;
        }
        try
        {
            var fi = new FileInfo(t.FsPath!);
            if (fi.Length > HashCap)
            {
                await Control.ReplyAsync($"550 The file is larger than {HashCap >> 20} MiB; hashing it is not offered here.");
                return;
            }
            var hex = await FileHashes.GetAsync(fi, algorithm);
            await Control.ReplyAsync(draftReply ? $"213 {algorithm} 0-{fi.Length.ToString(CultureInfo.InvariantCulture)} {hex} {arg}" : "213 " + hex);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync("550 Could not read the file.");
        }
    }
}

/// <summary>Whole-file hashes for HASH/XSHA512, remembered per (path, size, mtime, algorithm) so asking twice is free.</summary>
internal static class FileHashes
{
    public static readonly string[] Algorithms = ["SHA-1", "SHA-256", "SHA-512", "MD5"];

    private const int Remembered = 1024;

    private static readonly ConcurrentDictionary<(string, long, DateTime, string), string> Known = new();

    public static async Task<string> GetAsync(FileInfo fi, string algorithm)
    {
        var key = (fi.FullName, fi.Length, fi.LastWriteTimeUtc, algorithm);
        if (Known.TryGetValue(key, out var hex))
        {
            return hex;
        }
        var name = algorithm switch
        {
            "SHA-1" => HashAlgorithmName.SHA1,
            "SHA-256" => HashAlgorithmName.SHA256,
            "MD5" => HashAlgorithmName.MD5,
            _ => HashAlgorithmName.SHA512,
        };
        var buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            using var h = File.OpenHandle(fi.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            using var hash = IncrementalHash.CreateHash(name);
            long pos = 0;
            int n;
            while ((n = await RandomAccess.ReadAsync(h, buf, pos)) > 0)
            {
                hash.AppendData(buf, 0, n);
                pos += n;
            }
            hex = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
        if (Known.Count >= Remembered)
        {
            Known.Clear(); // crude, but bounded: a client hashing many files simply hashes them again later
        }
        Known[key] = hex;
        return hex;
    }
}
