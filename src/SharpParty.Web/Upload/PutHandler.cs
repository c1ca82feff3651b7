using System.Globalization;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Upload;

/// <summary>
/// <c>PUT /dir/name</c> and <c>POST ?raw</c>: 201 with copyparty's reply (size, sha_b64, 56 hex of SHA-512, URL),
/// or just the URL with <c>want=url</c>/<c>Accept: url</c>; <c>X-OC-MTime</c> from rclone sets the mtime.
/// </summary>
internal sealed partial class PutHandler(IpHasher ipHash, UploadLimiter limiter, SharpParty.Web.Up2k.UploadLedger ledger, TimeProvider time, ILogger<PutHandler> log)
{
    public async Task HandleAsync(RequestContext rc)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return;
        }
        string folder;
        string name;
        var isFolderUrl = rc.RawPath.EndsWith('/') || (t.FsPath is not null && Directory.Exists(t.FsPath));
        if (isFolderUrl)
        {
            folder = t.FsPath!;
            name = UploadNames.ForNamelessPut(time.GetUtcNow(), ipHash.For(rc.Ip));
        }
        else
        {
            folder = Path.GetDirectoryName(t.FsPath!)!;
            name = Path.GetFileName(t.FsPath!);
            if (t.Rel.Length == 0)
            {
                await Reply.Error(rc, 400, "cannot PUT to the volume root itself");
                return;
            }
        }
        // a volume for WebDAV clients (daw) follows RFC 4918 §9.7.1: no parent folder is a 409, not one made for you
        var daw = t.Volume!.HasFlag("daw");
        if (daw && !isFolderUrl && !Directory.Exists(folder))
        {
            await Reply.Error(rc, 409, "the parent folder does not exist");
            return;
        }
        try
        {
            // as copyparty (and nginx's create_full_put_path): missing parent folders are created
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Reply.Error(rc, UploadSink.IsDiskFull(e) ? 507 : 409, "cannot create the folder for this upload");
            return;
        }
        var folderRel = isFolderUrl ? t.Rel : ParentOf(t.Rel);
        var adm = limiter.Admit(t.Volume!, folderRel, folder, rc.Ip, rc.Request.ContentLength ?? -1);
        if (!adm.Ok)
        {
            await Reply.Error(rc, adm.Status, adm.Message);
            return;
        }
        var rotated = adm.FolderRel != folderRel;
        folder = adm.FolderFs;
        var (file, err) = await UploadSink.ReceiveAsync(rc.Request.Body, folder, rc.Request.ContentLength, rc.Http.RequestAborted);
        if (file is not null && !UploadRules.For(t.Volume!).SizeOk(file.Size, out var sizeError))
        {
            UploadSink.TryDelete(file.TempPath);
            await Reply.Error(rc, 400, sizeError);
            return;
        }
        if (file is null)
        {
            await ReplyReceiveError(rc, err);
            return;
        }
        // as copyparty: a PUT replaces an existing file only on a daw volume or for rclone (X-OC-MTime), and only with 'd';
        // otherwise the upload gets a new name
        var overwrite = ((daw || rc.Request.Headers.ContainsKey("X-OC-MTime")) && t.Can(Perm.Delete))
            || (!rc.Options.NoDav && IsFreshBlank(rc, folder, name));
        var final = UploadPlacement.Place(rc, file, folder, name, overwrite, ipHash, time);
        if (final is null)
        {
            await Reply.Error(rc, 409, "could not place the upload (the target is a folder, or the folder vanished)");
            return;
        }
        var finalPath = Path.Combine(folder, final);
        var ocMtime = rc.Request.Headers["X-OC-MTime"].ToString();
        limiter.Record(t.Volume!, rc.Ip, file.Size);
        ledger.Record(t.Volume!, adm.FolderRel, final, file.Size, rc.User, rc.Ip.ToString());
        var vdir = isFolderUrl ? t.VPath : ParentOf(t.VPath);
        if (rotated)
        {
            var volv = t.Volume!.VPath;
            vdir = volv.Length == 0 ? adm.FolderRel : volv + "/" + adm.FolderRel;
        }
        var url = rc.Origin + "/" + UrlPath.Quote(vdir.Length == 0 ? final : vdir + "/" + final);
        LogUpload(log, rc.User, file.Size, "/" + (vdir.Length == 0 ? final : vdir + "/" + final));
        rc.Response.Headers.Location = url;
        if (ocMtime.Length > 0 && double.TryParse(ocMtime, NumberStyles.Float, CultureInfo.InvariantCulture, out var mt) && mt is > 0 and < 1e11)
        {
            File.SetLastWriteTimeUtc(finalPath, DateTime.UnixEpoch.AddSeconds(mt));
            rc.Response.Headers["X-OC-MTime"] = "accepted";
            rc.Response.StatusCode = 201;
            rc.Response.ContentLength = 0;
            return;
        }
        if (WantsUrl(rc))
        {
            await Reply.Text(rc, 201, url + "\n", "text/html; charset=utf-8");
            return;
        }
        await Reply.Text(rc, 201, $"{file.Size}\n{ShaB64(file.Sha512)}\n{Convert.ToHexStringLower(file.Sha512)[..56]}\n{url}\n", "text/html; charset=utf-8");
    }

    /// <summary>
    /// copyparty's --blank-wt: an empty file modified within the last SEC seconds, with no upload in progress beside it,
    /// may be overwritten by anyone who may write here (Windows creates a file empty first, LOCK makes a lock-null one).
    /// </summary>
    private bool IsFreshBlank(RequestContext rc, string folder, string name)
    {
        var fi = new FileInfo(Path.Combine(folder, name));
        return fi.Exists && fi.Length == 0 && fi.LastWriteTimeUtc >= time.GetUtcNow().UtcDateTime.AddSeconds(-rc.Options.BlankWt)
            && !File.Exists(Path.Combine(folder, name + ".PARTIAL")) && !File.Exists(Path.Combine(folder, "." + name + ".PARTIAL"));
    }

    internal static bool WantsUrl(RequestContext rc) =>
        rc.Query.Get("want") == "url" || rc.Request.Headers.Accept.ToString().Contains("url", StringComparison.Ordinal);

    /// <summary>copyparty's sha_b64: base64url of the first 33 bytes of SHA-512 (44 chars, no padding).</summary>
    internal static string ShaB64(byte[] sha512) =>
        Convert.ToBase64String(sha512, 0, 33).Replace('+', '-').Replace('/', '_');

    internal static Task ReplyReceiveError(RequestContext rc, ReceiveError err) => err switch
    {
        ReceiveError.DiskFull => Reply.Error(rc, 507, "upload failed: the server's disk is full; nothing was kept"),
        ReceiveError.CannotWrite => Reply.Error(rc, 403, "the server cannot write to this folder"),
        _ => Reply.Error(rc, 400, "upload truncated: the body ended early; nothing was kept"),
    };

    internal static string ParentOf(string vpath)
    {
        var i = vpath.LastIndexOf('/');
        return i < 0 ? "" : vpath[..i];
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "upload by {User}: {Size} bytes -> {VPath}")]
    private static partial void LogUpload(ILogger logger, string user, long size, string vpath);

}
