using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;
using SharpParty.Web.Search;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Markdown;

/// <summary>
/// The editor's save: multipart <c>act=tput</c> with <c>lastmod</c> (ms since the epoch, or -1) and <c>body</c>, as
/// copyparty. The body is streamed to a temp file next to the target first; then, under a per-file lock, the server's
/// mtime is compared with <c>lastmod</c>: a mismatch means someone else saved meanwhile, and the reply is
/// <c>{"ok":false,"lastmod":SERVER_MS,"now":NOW_MS}</c> with nothing changed. Otherwise the previous version is copied
/// to <c>HIST/md/DIR/NAME.MTIME.EXT</c> and the temp file renamed over the target (atomic: there is never a moment
/// without the file, unlike copyparty which deletes it first), and the reply is
/// <c>{"ok":true,"lastmod":MS,"size":N,"sha512":"56 hex"}</c>. Needs read and write (copyparty's get(…, True, True));
/// files that are not <c>.md</c> also need delete.
/// </summary>
internal sealed partial class TextSaver(UploadHasher hasher, TimeProvider time, ILogger<TextSaver> log)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task SaveAsync(RequestContext rc, string? lastmodText, Stream body)
    {
        var t = rc.Target;
        if (!long.TryParse(lastmodText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cliLastmod))
        {
            await Reply.Error(rc, 400, "could not read lastmod from request");
            return;
        }
        if (t.Volume is not { } vol || t.FsPath is null || !t.Can(Perm.Read) || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return;
        }
        var name = Path.GetFileName(t.FsPath);
        if (t.Rel.Length == 0 || name.Length == 0 || Directory.Exists(t.FsPath))
        {
            await Reply.Error(rc, 400, "tput needs a file name");
            return;
        }
        if (!name.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !t.Can(Perm.Delete))
        {
            await Reply.Error(rc, 400, "only markdown pls");
            return;
        }
        var folder = Path.GetDirectoryName(t.FsPath)!;
        if (!Directory.Exists(folder))
        {
            await Reply.Error(rc, 404, "folder does not exist");
            return;
        }
        var (file, err) = await UploadSink.ReceiveAsync(body, folder, null, rc.Http.RequestAborted);
        if (file is null)
        {
            await PutHandler.ReplyReceiveError(rc, err);
            return;
        }
        if (!UploadRules.For(vol).SizeOk(file.Size, out var sizeError))
        {
            UploadSink.TryDelete(file.TempPath);
            await Reply.Error(rc, 400, sizeError);
            return;
        }
        var gate = _locks.GetOrAdd(t.FsPath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(rc.Http.RequestAborted);
        long newLastmod;
        try
        {
            var current = new FileInfo(t.FsPath);
            if (current.Exists)
            {
                var srv = current.LastWriteTimeUtc;
                var srvMs = new DateTimeOffset(srv).ToUnixTimeMilliseconds();
                if (!SameLastmod(cliLastmod, srvMs))
                {
                    UploadSink.TryDelete(file.TempPath);
                    LogConflict(log, t.VPath, cliLastmod, srvMs);
                    await WriteJson(rc, $"{{\"ok\":false,\"lastmod\":{srvMs},\"now\":{time.GetUtcNow().ToUnixTimeMilliseconds()}}}");
                    return;
                }
                KeepPrevious(vol, t.Rel, current);
            }
            File.Move(file.TempPath, t.FsPath, overwrite: true);
            newLastmod = new DateTimeOffset(File.GetLastWriteTimeUtc(t.FsPath)).ToUnixTimeMilliseconds();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            UploadSink.TryDelete(file.TempPath);
            await Reply.Error(rc, 500, "could not save the file");
            return;
        }
        finally
        {
            gate.Release();
        }
        var rel = t.Rel;
        var slash = rel.LastIndexOf('/');
        hasher.Enqueue(vol, slash < 0 ? "" : rel[..slash], name, newLastmod / 1000, rc.Ip.ToString(), rc.User);
        var sha = Convert.ToHexStringLower(file.Sha512)[..56];
        rc.Note = "saved " + file.Size + " bytes";
        await WriteJson(rc, $"{{\"ok\":true,\"lastmod\":{newLastmod},\"size\":{file.Size},\"sha512\":\"{sha}\"}}");
    }

    /// <summary>copyparty's rule: -1 (a new file, or "I don't care") or the exact ms; a filesystem that keeps whole
    /// seconds matches a client value in the same second that is not older.</summary>
    internal static bool SameLastmod(long cli, long srvMs) =>
        cli == -1 || cli == srvMs || (srvMs % 1000 == 0 && cli / 1000 == srvMs / 1000 && cli > srvMs);

    /// <summary>The version being replaced goes to <c>HIST/md/DIR/STEM.MTIME.EXT</c> (copyparty keeps it in DIR/.hist).</summary>
    private static void KeepPrevious(Volume vol, string rel, FileInfo current)
    {
        var slash = rel.LastIndexOf('/');
        var dir = Path.Combine(vol.HistPath, "md", slash < 0 ? "" : rel[..slash]);
        Directory.CreateDirectory(dir);
        var name = current.Name;
        var dot = name.LastIndexOf('.');
        var (stem, ext) = dot > 0 ? (name[..dot], name[(dot + 1)..]) : (name, "md");
        var secs = (current.LastWriteTimeUtc - DateTime.UnixEpoch).TotalSeconds;
        var keep = Path.Combine(dir, $"{stem}.{secs.ToString("F3", CultureInfo.InvariantCulture)}.{ext}");
        File.Copy(current.FullName, keep, overwrite: true);
        File.SetLastWriteTimeUtc(keep, current.LastWriteTimeUtc);
    }

    private static Task WriteJson(RequestContext rc, string json) => Reply.Text(rc, 200, json, "application/json");

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "tput conflict on /{Path}: client {Client} server {Server}")]
    private static partial void LogConflict(ILogger logger, string path, long client, long server);
}
