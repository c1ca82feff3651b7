using System.Buffers;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Storage;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;
using SharpParty.Web.Search;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Up2k;

/// <summary>What a handshake found (decided under the registry lock; acted on outside it).</summary>
internal enum HandshakeOutcome
{
    /// <summary>Reply with the job's missing chunks (new upload, resume, or already complete here).</summary>
    Reply,
    /// <summary>The same content is being uploaded elsewhere: 422, the client checks again later.</summary>
    PartialElsewhere,
    /// <summary><c>nodupe</c>: 409.</summary>
    DupeRejected,
    /// <summary>The content is complete elsewhere: copy or link it here.</summary>
    Dupe,
    Error,
}

/// <summary>
/// The up2k handshake (spec §2.4-2.6): a JSON POST to the destination folder. Answers with the chunks still needed:
/// all of them for a new upload, the missing ones when resuming, none when the content is already there (here, or
/// elsewhere: then it is copied or linked on the server and the client sends nothing).
/// </summary>
internal sealed partial class HandshakeHandler(RegistrySet registries, FileSearch search, UploadReservation reservation, UploadLimiter limiter,
    IndexSet indexes, SearchHandler querySearch, TimeProvider time, ILogger<HandshakeHandler> log)
{
    /// <summary>copyparty's cap on a JSON body.</summary>
    private const int MaxJson = 1 << 20;

    public async Task HandleAsync(RequestContext rc)
    {
        if (rc.Request.ContentLength is not { } len)
        {
            await Reply.Error(rc, 411, "you must supply a content-length for JSON POST");
            return;
        }
        if (len > MaxJson)
        {
            await Reply.Error(rc, 413, "json 2big");
            return;
        }
        var buf = ArrayPool<byte>.Shared.Rent((int)Math.Max(len, 1));
        try
        {
            var got = await ReadExactlyAsync(rc, buf, (int)len);
            if (got < len)
            {
                await Reply.Error(rc, 422, "client disconnected while posting JSON");
                return;
            }
            // POST ?srch with {"q": ...}: a search by query rather than by content (copyparty routes both through here)
            if (rc.Query.Has("srch") && await querySearch.TryHandleAsync(rc, buf.AsMemory(0, (int)len)))
            {
                return;
            }
            if (!HandshakeRequest.TryParse(buf.AsSpan(0, (int)len), rc.Query.Has("srch"), out var req, out var status, out var error))
            {
                await Reply.Error(rc, status, error);
                return;
            }
            if (req!.Search)
            {
                await search.HandleAsync(rc, req);
                return;
            }
            await HandshakeAsync(rc, req);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private static async Task<int> ReadExactlyAsync(RequestContext rc, byte[] buf, int len)
    {
        var got = 0;
        while (got < len)
        {
            var n = await rc.Request.Body.ReadAsync(buf.AsMemory(got, len - got), rc.Http.RequestAborted);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        return got;
    }

    private async Task HandshakeAsync(RequestContext rc, HandshakeRequest req)
    {
        var t = rc.Target;
        if (t.Volume is not { } vol || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\" or below \"/{t.Volume?.VPath ?? t.VPath}\"");
            return;
        }
        if (req.Name.Contains('/', StringComparison.Ordinal))
        {
            // as copyparty: only very old clients sent paths here
            await Reply.Error(rc, 400, "your client is old; press CTRL-SHIFT-R and try again");
            return;
        }
        if (!UploadNames.TrySanitize(req.Name, out var name, out var nameError))
        {
            await Reply.Error(rc, 400, nameError);
            return;
        }
        var folder = t.FsPath!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Reply.Error(rc, UploadSink.IsDiskFull(e) ? 507 : 400, File.Exists(folder) ? "some file got your folder name" : "cannot create the upload folder");
            return;
        }
        var opts = rc.Options.Up2k.For(vol);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var lmod = req.Lmod ?? now;
        var dwark = req.Hashes.Length == 0
            ? Up2kHash.MetaWark(opts.WarkSalt, req.Size, lmod, t.Rel, name)
            : Up2kHash.Wark(opts.WarkSalt, req.Size, req.Hashes);
        var wark = opts.NoClone ? Up2kHash.MetaWark(opts.WarkSalt, req.Size, lmod, t.Rel, name) : dwark;
        var reg = registries.For(vol);
        var rules = UploadRules.For(vol);
        var life = rules.Lifetime > 0 ? (req.Life > 0 ? Math.Min(req.Life, rules.Lifetime) : rules.Lifetime) : 0;
        var ticket = new UploadTicket(rc, req, vol, folder, t.Rel, name, wark, dwark, lmod, now, opts, life);

        var (outcome, job, status, error) = Decide(reg, ticket);
        // a dupe source that no longer matches is forgotten and the decision made again (bounded: each round drops one)
        for (var round = 0; outcome == HandshakeOutcome.Dupe; round++)
        {
            (outcome, job, status, error) = round < 8
                ? await MakeDupeAsync(reg, ticket, job!)
                : (HandshakeOutcome.Error, null, 503, "too many stale copies of this file in the index; please try again after a rescan");
        }
        switch (outcome)
        {
            case HandshakeOutcome.PartialElsewhere:
                // u2c and up2k.js match on this text and check again later (spec §2.13)
                await Reply.Error(rc, 422, "partial upload exists at a different location; please resume uploading here instead:\n/"
                    + UrlPath.Quote(VPathOf(vol, job!)) + " ");
                return;
            case HandshakeOutcome.DupeRejected:
                await Reply.Error(rc, 409, "upload rejected, file already exists:\n/" + UrlPath.Quote(VPathOf(vol, job!)) + " ");
                return;
            case HandshakeOutcome.Error:
                await Reply.Error(rc, status, error!);
                return;
        }
        List<string> need;
        lock (reg.Gate)
        {
            need = [.. job!.Need];
        }
        if (need.Count == 0 && req.Umod && lmod != job.Lmod && t.Can(Perm.Write | Perm.Delete))
        {
            // u2c --touch: the content is there; only its mtime changes
            TrySetMtime(Path.Combine(vol.RealPath, job.Folder, job.Name), lmod);
        }
        if (need.Count == job.Hashes.Length && need.Count > 0)
        {
            LogNewUpload(log, rc.User, job.Size, need.Count, "/" + VPathOf(vol, job));
        }
        rc.Note = need.Count == 0 ? "complete" : $"{need.Count} chunks needed";
        var folderVPath = vol.VPath.Length == 0 ? job.Folder : job.Folder.Length == 0 ? vol.VPath : vol.VPath + "/" + job.Folder;
        await HandshakeReply.WriteAsync(rc, job, need, folderVPath, req.Umod && need.Count == 0 ? lmod : job.Lmod);
    }

    private (HandshakeOutcome, UploadJob?, int, string?) Decide(UploadRegistry reg, UploadTicket tk)
    {
        lock (reg.Gate)
        {
            var existing = StillValid(reg, reg.Find(tk.Wark)) ?? FromIndex(tk);
            if (existing is not null)
            {
                var samePlace = (existing.Folder == tk.FolderRel || existing.ClientFolder == tk.FolderRel)
                    && (existing.Name == tk.Name || existing.ClientName == tk.Name);
                if (samePlace)
                {
                    // resume (or a final check after the last chunk): the client may have changed its address
                    existing.Poked = tk.Now;
                    existing.Ip = tk.Rc.Ip.ToString();
                    return (HandshakeOutcome.Reply, existing, 0, null);
                }
                if (!existing.Done)
                {
                    return (HandshakeOutcome.PartialElsewhere, existing, 0, null);
                }
                return tk.Options.NoDupe ? (HandshakeOutcome.DupeRejected, existing, 0, null) : (HandshakeOutcome.Dupe, existing, 0, null);
            }
            var adm = limiter.Admit(tk.Volume, tk.FolderRel, tk.Folder, tk.Rc.Ip, tk.Req.Size);
            if (!adm.Ok)
            {
                return (HandshakeOutcome.Error, null, adm.Status, adm.Message);
            }
            var (job, status, error) = reservation.CreateJob(reg, tk with { Folder = adm.FolderFs, FolderRel = adm.FolderRel });
            if (job is null)
            {
                return (HandshakeOutcome.Error, null, status, error);
            }
            limiter.Record(tk.Volume, tk.Rc.Ip, tk.Req.Size);
            return (HandshakeOutcome.Reply, job, 0, null);
        }
    }

    /// <summary>
    /// The index as the dedup source (spec §2.6 step 1): files with this content anywhere in the volume, including ones
    /// that were there before the server started. Best candidate first: same folder and name, then same folder, then the
    /// longest common folder prefix (copyparty's scoring). Rows whose file is gone or resized are forgotten.
    /// </summary>
    private UploadJob? FromIndex(UploadTicket tk)
    {
        if (tk.Options.NoClone || tk.Req.Hashes.Length == 0 || indexes.For(tk.Volume) is not { } idx)
        {
            return null;
        }
        List<SharpParty.Index.FileRow> rows;
        try
        {
            rows = idx.FindByWark(tk.DataWark);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null;
        }
        foreach (var r in rows.OrderByDescending(r => Score(r, tk)))
        {
            var fi = new FileInfo(Path.Combine(tk.Volume.RealPath, r.Dir, r.Name));
            if (!fi.Exists || fi.Length != r.Size)
            {
                idx.Remove(r.Dir, r.Name);
                continue;
            }
            return new UploadJob
            {
                Wark = tk.Wark,
                DataWark = tk.DataWark,
                Folder = r.Dir,
                Name = r.Name,
                ClientName = r.Name,
                PartialName = r.Name + ".PARTIAL",
                Size = r.Size,
                Lmod = r.Mtime,
                Hashes = [],
                User = r.UpUser ?? "",
                Ip = r.UpIp ?? "",
                Started = r.UpAt,
                Done = true,
            };
        }
        return null;
    }

    private static int Score(SharpParty.Index.FileRow r, UploadTicket tk)
    {
        var sameDir = r.Dir == tk.FolderRel;
        var prefix = 0;
        while (prefix < r.Dir.Length && prefix < tk.FolderRel.Length && r.Dir[prefix] == tk.FolderRel[prefix])
        {
            prefix++;
        }
        return (sameDir ? 3210 : prefix) + (r.Name == tk.Name ? 1 : 0);
    }

    /// <summary>Call under the lock: drops a job whose files vanished or changed size (spec §2.6 step 2).</summary>
    private static UploadJob? StillValid(UploadRegistry reg, UploadJob? job)
    {
        if (job is null)
        {
            return null;
        }
        var dir = Path.Combine(reg.VolumeRoot, job.Folder);
        bool ok;
        if (job.Done)
        {
            var fi = new FileInfo(Path.Combine(dir, job.Name));
            ok = fi.Exists && fi.Length == job.Size;
        }
        else
        {
            ok = File.Exists(Path.Combine(dir, job.PartialName)) && File.Exists(Path.Combine(dir, job.Name));
        }
        if (!ok)
        {
            reg.Forget(job);
            return null;
        }
        return job;
    }

    /// <summary>
    /// Materialises content that is complete elsewhere at the requested name (spec §2.6 step 3): re-hash the source
    /// first with <c>--safe-dedup</c> >= 10 (a file edited in place must not be cloned), reserve the name, copy or link.
    /// The copy runs outside the registry lock.
    /// </summary>
    private async Task<(HandshakeOutcome, UploadJob?, int, string?)> MakeDupeAsync(UploadRegistry reg, UploadTicket tk, UploadJob source)
    {
        var src = Path.Combine(reg.VolumeRoot, source.Folder, source.Name);
        if (tk.Options.SafeDedup >= 10)
        {
            string wark2;
            try
            {
                (wark2, _, _) = await FileHasher.HashAsync(src, tk.Options.WarkSalt, 2, tk.Rc.Http.RequestAborted);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                wark2 = "";
            }
            if (source.Size > 0 && wark2 != source.DataWark)
            {
                LogDesync(log, "/" + VPathOf(tk.Volume, source));
                lock (reg.Gate)
                {
                    reg.Forget(source);
                }
                indexes.For(tk.Volume)?.Remove(source.Folder, source.Name);
                return Decide(reg, tk);
            }
        }
        var (dst, status, error) = reservation.ReserveName(tk);
        if (dst is null)
        {
            return (HandshakeOutcome.Error, null, status, error);
        }
        var result = DupeMaker.Make(src, Path.Combine(tk.Folder, dst), tk.Options.Dedup);
        if (result == DupeResult.Failed)
        {
            UploadReservation.TryDeletePlaceholder(Path.Combine(tk.Folder, dst));
            return (HandshakeOutcome.Error, null, 500, "could not copy the existing file into place; please try again");
        }
        if (result is DupeResult.Copied or DupeResult.Cloned or DupeResult.Hardlinked)
        {
            TrySetMtime(Path.Combine(tk.Folder, dst), tk.Lmod);
        }
        var job = tk.NewJob(dst, dst + ".PARTIAL", done: true);
        lock (reg.Gate)
        {
            reg.Add(job);
        }
        indexes.RecordUpload(tk.Volume, job.Folder, job.Name, job.Size, tk.Lmod, tk.DataWark, tk.Now, job.Ip, job.User);
        LogDupe(log, tk.Rc.User, result.ToString().ToLowerInvariant(), "/" + VPathOf(tk.Volume, source), "/" + VPathOf(tk.Volume, job));
        return (HandshakeOutcome.Reply, job, 0, null);
    }

    internal static string VPathOf(Volume vol, UploadJob job)
    {
        var rel = job.Folder.Length == 0 ? job.Name : job.Folder + "/" + job.Name;
        return vol.VPath.Length == 0 ? rel : vol.VPath + "/" + rel;
    }

    internal static void TrySetMtime(string path, long unixSeconds)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddSeconds(unixSeconds));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // the content is right; a wrong mtime is not worth failing the upload
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "up2k: {User} starts {Path} ({Size} bytes, {Chunks} chunks)")]
    private static partial void LogNewUpload(ILogger logger, string user, long size, int chunks, string path);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "up2k: {User} dupe ({How}) of {Source} at {Path}")]
    private static partial void LogDupe(ILogger logger, string user, string how, string source, string path);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "up2k: will not dedup from {Path}: its content changed since it was uploaded")]
    private static partial void LogDesync(ILogger logger, string path);
}

/// <summary>One handshake's validated inputs, passed between the steps that decide and act on it.</summary>
/// <param name="Folder">filesystem path of the folder the file goes to</param>
/// <param name="FolderRel">the same folder relative to the volume root</param>
internal sealed record UploadTicket(RequestContext Rc, HandshakeRequest Req, Volume Volume, string Folder, string FolderRel, string Name, string Wark,
    string DataWark, long Lmod, long Now, Up2kOptions Options, long Life)
{
    public UploadJob NewJob(string finalName, string partialName, bool done) => new()
    {
        Wark = Wark,
        DataWark = DataWark,
        Folder = FolderRel,
        ClientFolder = Rc.Target.Rel == FolderRel ? null : Rc.Target.Rel,
        Name = finalName,
        ClientName = Name,
        PartialName = partialName,
        Size = Req.Size,
        Lmod = Lmod,
        Hashes = Req.Hashes,
        Need = done ? [] : UniqueInOrder(Req.Hashes),
        User = Rc.User,
        Ip = Rc.Ip.ToString(),
        Started = Now,
        Poked = Now,
        Life = Life,
        Done = done,
    };

    private static List<string> UniqueInOrder(string[] hashes)
    {
        // a chunk that occurs several times (zeros) is asked for once; order kept to write the file front to back
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var r = new List<string>(hashes.Length);
        foreach (var h in hashes)
        {
            if (seen.Add(h))
            {
                r.Add(h);
            }
        }
        return r;
    }
}
