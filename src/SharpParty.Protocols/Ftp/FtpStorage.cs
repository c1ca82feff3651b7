using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Config;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Search;
using SharpParty.Web.Up2k;
using SharpParty.Web.Upload;

namespace SharpParty.Protocols.Ftp;

/// <summary>Where an upload's bytes go: the file being written, from which offset, and what becomes of it at the end.</summary>
internal sealed record UploadPlan(string? Refusal, SafeFileHandle? Handle = null, long Offset = 0, string WorkPath = "", bool InPlace = false)
{
    public static UploadPlan Refuse(string reply) => new(reply);
}

/// <summary>
/// Uploads over FTP, by the same rules as HTTP: <c>w</c> to write; an existing file is replaced only with <c>d</c> or
/// within <c>--ftp-wt</c> seconds of its last change, never with <c>--ftp-no-ow</c>/<c>--no-del</c> (copyparty's rules);
/// the volume's upload limits apply. A new file is received into a hidden partial file (named after the user and the
/// target, so never served or listed) and renamed into place when the client ends the data connection cleanly; an
/// interrupted one keeps its partial file, whose size SIZE reports, so <c>REST n</c> + <c>STOR</c> continues it: new in
/// SharpParty (copyparty's FTP uploads cannot resume). Finished uploads are recorded like PUTs (index, unpost).
/// </summary>
internal sealed class FtpStorage(UploadLedger ledger, UploadLimiter limiter, IndexSet indexes, FtpPartials partials, TimeProvider time)
{
    public IndexSet Indexes => indexes;

    /// <summary>The hidden partial file of <paramref name="user"/>'s upload of <paramref name="fsPath"/>.</summary>
    public static string PartialPath(string user, string fsPath)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + Path.GetFileName(fsPath))))[..16];
        // the TempNames shape (".sp-HEX.PARTIAL"), which the resolver and the listers hide everywhere
        return Path.Combine(Path.GetDirectoryName(fsPath)!, ".sp-" + id + ".PARTIAL");
    }

    /// <summary>Bytes received so far of an interrupted upload of this file by this user, or -1.</summary>
    public static long PartialSize(string user, string fsPath)
    {
        var fi = new FileInfo(PartialPath(user, fsPath));
        return fi.Exists ? fi.Length : -1;
    }

    /// <summary>copyparty's overwrite rule for FTP: changed within --ftp-wt seconds, or the user may delete.</summary>
    public bool MayOverwrite(ServerOptions o, VfsPath t, string fsPath)
    {
        var age = time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(fsPath);
        if (age >= TimeSpan.FromSeconds(-1) && age <= TimeSpan.FromSeconds(o.Ftp.WriteGraceSeconds))
        {
            return true;
        }
        return !o.NoDel && !o.Ftp.NoOverwrite && t.Can(Perm.Delete);
    }

    public UploadPlan Plan(FtpSession s, VfsPath t, long offset, bool append)
    {
        var o = s.Options;
        if (t.IsVirtual || t.Rel.Length == 0)
        {
            return UploadPlan.Refuse("553 Cannot store a file here: give a file name inside a volume.");
        }
        if (!t.Can(Perm.Write))
        {
            return UploadPlan.Refuse(s.Denied("write"));
        }
        var final = t.FsPath!;
        var folder = Path.GetDirectoryName(final)!;
        if (!Directory.Exists(folder))
        {
            return UploadPlan.Refuse("553 The folder does not exist; create it with MKD first.");
        }
        if (Directory.Exists(final))
        {
            return UploadPlan.Refuse("553 That name is a folder.");
        }
        var adm = limiter.Admit(t.Volume!, FtpPaths.Parent(t.Rel), folder, s.Peer, -1);
        if (!adm.Ok)
        {
            return UploadPlan.Refuse("552 " + adm.Message + ".");
        }
        var partial = PartialPath(s.User!, final);
        var finalExists = File.Exists(final);
        if (finalExists && (append || (offset > 0 && !File.Exists(partial))))
        {
            // APPE to, or REST + STOR into, a finished file: changed where it is, as any FTP server does
            if (!MayOverwrite(o, t, final))
            {
                return UploadPlan.Refuse("550 The file exists and you may not change it (needs delete access).");
            }
            var len = new FileInfo(final).Length;
            var at = append ? len : offset;
            if (at > len)
            {
                return UploadPlan.Refuse($"554 REST offset {offset} is past the end of the file ({len} bytes).");
            }
            return Open(final, FileMode.Open, at, inPlace: true);
        }
        if (finalExists && !MayOverwrite(o, t, final))
        {
            return UploadPlan.Refuse("550 The file exists and you may not overwrite it (needs delete access).");
        }
        var have = PartialSize(s.User!, final);
        if (append || offset > 0)
        {
            var at = append ? Math.Max(have, 0) : offset;
            if (at > Math.Max(have, 0))
            {
                return UploadPlan.Refuse($"554 REST offset {offset} is past what was received of this file ({Math.Max(have, 0)} bytes).");
            }
            return Open(partial, FileMode.OpenOrCreate, at, inPlace: false);
        }
        return Open(partial, FileMode.Create, 0, inPlace: false);
    }

    private static UploadPlan Open(string path, FileMode mode, long offset, bool inPlace)
    {
        try
        {
            // FileShare.None is an flock on Linux: a second upload of the same file by the same user waits its turn
            var h = File.OpenHandle(path, mode, FileAccess.Write, inPlace ? FileShare.ReadWrite : FileShare.None);
            return new UploadPlan(null, h, offset, path, inPlace);
        }
        catch (IOException e) when (!UploadSink.IsDiskFull(e))
        {
            return UploadPlan.Refuse("450 Another upload of this file is in progress; try again later.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UploadPlan.Refuse(UploadSink.IsDiskFull(e) ? "452 Disk full." : "553 The server cannot write here.");
        }
    }

    /// <summary>Ends an upload that received up to <paramref name="end"/>; returns the final reply.</summary>
    public string Finish(FtpSession s, VfsPath t, UploadPlan plan, long end, string? error)
    {
        var h = plan.Handle!;
        try
        {
            if (error is null && !plan.InPlace)
            {
                RandomAccess.SetLength(h, end); // an earlier, longer attempt past this REST offset is cut off
            }
        }
        catch (IOException)
        {
            error = "451 Could not finish writing the file.";
        }
        finally
        {
            h.Dispose();
        }
        var vol = t.Volume!;
        var folderRel = FtpPaths.Parent(t.Rel);
        var name = FtpPaths.Name(t.Rel);
        if (error is not null)
        {
            if (!plan.InPlace && end == 0)
            {
                UploadSink.TryDelete(plan.WorkPath); // nothing worth resuming
            }
            else if (!plan.InPlace)
            {
                partials.Remember(vol, plan.WorkPath); // removed if nobody continues it (see FtpPartials)
            }
            return error;
        }
        var final = t.FsPath!;
        if (!plan.InPlace)
        {
            if (!UploadRules.For(vol).SizeOk(end, out var sizeError))
            {
                UploadSink.TryDelete(plan.WorkPath);
                return "552 " + sizeError + ".";
            }
            var overwrite = File.Exists(final) && MayOverwrite(s.Options, t, final);
            switch (FilePlacer.Place(plan.WorkPath, final, overwrite))
            {
                case PlaceResult.Placed:
                    break;
                case PlaceResult.Exists:
                    partials.Remember(vol, plan.WorkPath);
                    return "553 The file was created by someone else meanwhile; yours is kept for a later REST + STOR.";
                default:
                    UploadSink.TryDelete(plan.WorkPath);
                    return "451 Could not put the file in place.";
            }
        }
        var size = new FileInfo(final).Length;
        limiter.Record(vol, s.Peer, size);
        ledger.Record(vol, folderRel, name, size, s.User!, s.Peer.ToString());
        return "226 Transfer complete.";
    }
}
