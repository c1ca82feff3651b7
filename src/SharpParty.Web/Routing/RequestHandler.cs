using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Vfs;
using SharpParty.Web.Auth;
using SharpParty.Web.Browse;
using SharpParty.Web.Download;
using SharpParty.Web.Files;
using SharpParty.Web.Hosting;
using SharpParty.Web.Search;
using SharpParty.Web.Up2k;
using SharpParty.Web.Upload;
using SharpParty.Web.WebDav;

namespace SharpParty.Web.Routing;

/// <summary>
/// The one catch-all endpoint: raw target → query, identity, CSRF check, Vfs resolution → <see cref="HttpVerb"/> →
/// one switch to the feature handlers; then one log line.
/// </summary>
internal sealed partial class RequestHandler(
    ConfigHolder config,
    Authenticator auth,
    PutHandler put,
    MultipartHandler multipart,
    HandshakeHandler handshake,
    ChunkHandler chunks,
    BeamSender beam,
    Unpost unpost,
    IndexSet indexes,
    IndexScanService scanner,
    TagService tagService,
    StaticAssets assets,
    DavRouter dav,
    Relay.RelayEndpoint relay,
    BanList bans,
    TimeProvider time,
    SharpParty.Web.Thumbs.ThumbHandler thumbs,
    Admin.ControlPanel panel,
    ILogger<RequestHandler> log)
{
    /// <summary>A url-encoded <c>msg=</c> body or a JSON list is small; copyparty caps JSON at 1 MiB.</summary>
    private const int MaxSmallBody = 1 << 20;

    public async Task HandleAsync(HttpContext http)
    {
        var started = time.GetTimestamp();
        var options = config.Current;
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        SplitTarget(raw, out var rawPath, out var rawQuery);
        var ip = http.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        RequestContext? rc = null;
        try
        {
            if (!Query.TryParse(rawQuery, out var query, out var qerr))
            {
                rc = new RequestContext(http, options, Query.Empty, rawPath, Identity.Anonymous, ip);
                await Reply.Error(rc, 400, qerr);
                return;
            }
            if (bans.IsBanned(ip, out _))
            {
                rc = new RequestContext(http, options, query, rawPath, Identity.Anonymous, ip);
                http.Response.Headers.Connection = "close";
                await Reply.Error(rc, 403, "thank you for playing");
                return;
            }
            var who = auth.Identify(http, query, options);
            rc = new RequestContext(http, options, query, rawPath, who.User, ip);
            if (who.BadPassword)
            {
                rc.Note = "bad password";
                if (options.BanPw is { } rule && bans.Strike(ip, rule))
                {
                    LogBanned(log, ip, rule.Duration.TotalMinutes);
                }
            }
            else if (who.FromSecret && query.Has("pw") && HttpMethods.IsGet(http.Request.Method)
                && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
            {
                // a browser that followed a link with ?pw= stays logged in (copyparty sets the cookie too)
                auth.IssueCookie(rc, who.User);
            }
            http.Response.Headers.Vary = "Origin, PW, Cookie";
            if (Relay.RelayEndpoint.Wants(http, rawPath, options))
            {
                await relay.HandleAsync(rc);
                return;
            }
            if (Relay.RelayStatus.Wants(http, rawPath, options))
            {
                await relay.StatusAsync(rc);
                return;
            }
            if (rawPath.StartsWith("/.cpr/", StringComparison.Ordinal))
            {
                await assets.ServeAsync(rc, rawPath[6..]);
                return;
            }
            if (!CsrfOk(http))
            {
                await Reply.Error(rc, 403, "rejected by cors-check");
                return;
            }
            var res = options.Vfs.ResolveUrl(rawPath, rc.User);
            if (!res.Ok)
            {
                await Reply.VfsFailure(rc, res);
                return;
            }
            rc.Target = res.Path;
            await DispatchAsync(rc);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException || http.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(log, ip, rawPath);
        }
        catch (Exception e)
        {
            LogFailure(log, e, http.Request.Method, rawPath);
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.StatusCode = 500;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("internal server error; the details are in the server log\n");
            }
            else
            {
                http.Abort();
            }
        }
        finally
        {
            if (!options.Quiet && log.IsEnabled(LogLevel.Information))
            {
                var ms = time.GetElapsedTime(started).TotalMilliseconds;
                LogRequest(log, ip, rc?.User ?? "-", http.Request.Method, rawPath, http.Response.StatusCode,
                    http.Response.ContentLength ?? rc?.SentInParts ?? -1, Math.Round(ms, 1), rc?.Note ?? "");
            }
        }
    }

    private async Task DispatchAsync(RequestContext rc)
    {
        var t = rc.Target;
        // one stat for the whole request: whether it is a folder, and for files their size and mtime
        var info = t.FsPath is null ? null : new FileInfo(t.FsPath);
        var attrs = info is null ? FileAttributes.Directory : info.Attributes;
        var isFolder = (int)attrs != -1 && (attrs & FileAttributes.Directory) != 0;
        var verb = VerbClassifier.Classify(rc, isFolder);
        // dotfiles: hidden from anyone without the '.' permission, for reading and listing alike
        if (t.HasDotSegment && !t.Can(Perm.Dots) && verb is HttpVerb.GetFile or HttpVerb.Thumbnail or HttpVerb.MarkdownView or HttpVerb.MarkdownEdit or HttpVerb.Listing or HttpVerb.ListJson or HttpVerb.Tree
            or HttpVerb.Move or HttpVerb.Copy or HttpVerb.Delete or HttpVerb.PropFind or HttpVerb.PropPatch or HttpVerb.DavCopy
            or HttpVerb.DavMove or HttpVerb.Unlock)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        switch (verb)
        {
            case HttpVerb.GetFile:
                if (!await dav.ReadAllowedAsync(rc))
                {
                    return;
                }
                await GetFileAsync(rc, (int)attrs == -1 ? null : info, beam);
                return;
            case HttpVerb.Thumbnail:
                await thumbs.HandleAsync(rc, isFolder, (int)attrs == -1 || isFolder ? null : info);
                return;
            case HttpVerb.MarkdownView:
                await SharpParty.Web.Markdown.MarkdownPages.ViewAsync(rc, (int)attrs == -1 ? null : info);
                return;
            case HttpVerb.MarkdownEdit:
                await SharpParty.Web.Markdown.MarkdownPages.EditAsync(rc, (int)attrs == -1 ? null : info);
                return;
            case HttpVerb.Listing:
                await ListingAsync(rc, rc.Query.Get("ls"), indexes, tagService, scanner);
                return;
            case HttpVerb.ListJson:
                await ListingAsync(rc, rc.Query.Get("ls") is "t" or "v" ? rc.Query.Get("ls") : "j", indexes, tagService, scanner);
                return;
            case HttpVerb.Tree:
                if (!CanList(t))
                {
                    await Reply.Forbidden(rc, "you don't have read-access here");
                    return;
                }
                await TreeJson.WriteAsync(rc, rc.Options.Vfs, rc.Query.Get("tree") == ".");
                return;
            case HttpVerb.Archive:
                await Archive.ArchiveHandler.SendAsync(rc);
                return;
            case HttpVerb.Put:
                if (DavPaths.IsRefusedJunk(rc, t.VPath) && !rc.RawPath.EndsWith('/'))
                {
                    await DavPaths.RefuseJunkAsync(rc); // copyparty: macOS junk gets a 423 unless --dav-mac
                    return;
                }
                if (await dav.WriteAllowedAsync(rc, delete: false))
                {
                    await put.HandleAsync(rc);
                }
                return;
            case HttpVerb.PostRaw:
                await put.HandleAsync(rc);
                return;
            case HttpVerb.PostMultipart:
                await multipart.HandleAsync(rc);
                return;
            case HttpVerb.UnpostList:
                await unpost.ListAsync(rc);
                return;
            case HttpVerb.Up2kHandshake:
                await handshake.HandleAsync(rc);
                return;
            case HttpVerb.Up2kChunk:
                await chunks.HandleAsync(rc);
                return;
            case HttpVerb.PostMsg:
                await MessageAsync(rc);
                return;
            case HttpVerb.Move:
            case HttpVerb.Copy:
                // a WebDAV lock on the source holds against ?move= too (RFC 4918 §7: a lock protects against any writer)
                if (verb == HttpVerb.Move && !await dav.WriteAllowedAsync(rc, delete: true))
                {
                    return;
                }
                var rawDst = rc.Query.Get(verb == HttpVerb.Move ? "move" : "copy") ?? "";
                await FileOps.MoveOrCopyAsync(rc, rawDst, verb == HttpVerb.Copy, indexes);
                if (rc.Response.StatusCode == 201)
                {
                    dav.MovedOrCopied(rc, rawDst, verb == HttpVerb.Copy);
                }
                return;
            case HttpVerb.Delete:
                if (HttpMethods.IsDelete(rc.Request.Method) && !rc.Options.NoDav && !t.Can(Perm.Delete) && rc.User == Identity.Anonymous)
                {
                    // the DELETE method is a WebDAV verb too (RFC 4918 §9.6): ask an anonymous client to log in
                    await DavPaths.Denied(rc, $"you don't have delete-access in \"/{t.VPath}\"");
                    return;
                }
                if (!await dav.WriteAllowedAsync(rc, delete: true))
                {
                    return;
                }
                await FileOps.DeleteAsync(rc, indexes);
                if (rc.Response.StatusCode == 200 && !rc.Options.NoDav)
                {
                    dav.Deleted(rc);
                }
                return;
            case HttpVerb.PropFind:
            case HttpVerb.PropPatch:
            case HttpVerb.Mkcol:
            case HttpVerb.DavCopy:
            case HttpVerb.DavMove:
            case HttpVerb.Lock:
            case HttpVerb.Unlock:
                await dav.HandleAsync(rc, verb);
                return;
            case HttpVerb.DeleteBatch:
                await DeleteBatchAsync(rc, unpost, indexes, dav);
                return;
            case HttpVerb.Options:
                if (rc.Options.NoDav)
                {
                    rc.Response.Headers.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
                }
                else
                {
                    // RFC 4918 §10.1: class 1 and 2 (locking); MS-Author-Via makes Windows' client use WebDAV (copyparty)
                    rc.Response.Headers.Allow = DavRouter.Allow;
                    rc.Response.Headers["DAV"] = "1, 2";
                    rc.Response.Headers["MS-Author-Via"] = "DAV";
                }
                rc.Response.StatusCode = 204;
                return;
            case HttpVerb.ControlPanel:
                await panel.HandleAsync(rc);
                return;
            case HttpVerb.Reload:
                await ReloadAsync(rc);
                return;
            case HttpVerb.Rescan:
                if (!rc.Target.Can(Perm.Admin))
                {
                    await Reply.Forbidden(rc, "only admins may start a rescan");
                    return;
                }
                scanner.RequestScanAll();
                await Reply.Text(rc, 200, "rescan started\n");
                return;
            case HttpVerb.MethodNotAllowed:
                rc.Response.Headers.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
                await Reply.Error(rc, 405, HttpMethods.IsGet(rc.Request.Method) || HttpMethods.IsHead(rc.Request.Method)
                    ? "this needs a POST" : $"method {rc.Request.Method} is not supported");
                return;
            default:
                await Reply.Error(rc, 400, "unsupported POST (expected multipart/form-data, ?raw, ?move, ?copy or ?delete)");
                return;
        }
    }

    private static bool CanList(VfsPath t) => t.IsVirtual ? t.Can(Perm.Read) : (t.Perms & (Perm.Read | Perm.Write)) != 0;

    private static async Task GetFileAsync(RequestContext rc, FileInfo? info, BeamSender beam)
    {
        var t = rc.Target;
        if ((t.Perms & (Perm.Read | Perm.Get)) == 0)
        {
            await Reply.Forbidden(rc, "you don't have read-access here");
            return;
        }
        if (info is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        if (info.Length == 0 && await beam.TrySendAsync(rc, info))
        {
            return;
        }
        await FileSender.SendAsync(rc, info);
    }

    /// <summary>Folder requests: <paramref name="format"/> "j" JSON, "t" text, "v" ANSI, null = HTML (ANSI for curl).</summary>
    private static async Task ListingAsync(RequestContext rc, string? format, IndexSet? indexes = null, TagService? tags = null,
        IndexScanService? scanner = null)
    {
        var t = rc.Target;
        if (!t.IsVirtual && (t.FsPath is null || !Directory.Exists(t.FsPath)))
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        // 'h': a folder URL gives its index.html (copyparty: "html" permission), also to users who may list it
        if (format is null && (t.Perms & Perm.Html) != 0 && t.FsPath is not null && File.Exists(Path.Combine(t.FsPath, "index.html")))
        {
            await FileSender.SendAsync(rc, new FileInfo(Path.Combine(t.FsPath, "index.html")));
            return;
        }
        if (!CanList(t))
        {
            await Reply.Forbidden(rc, "you don't have read-access here");
            return;
        }
        if (!rc.RawPath.EndsWith('/') && format is null)
        {
            // relative links in the page need the folder URL to end in '/'
            rc.Response.StatusCode = 301;
            rc.Response.Headers.Location = rc.RawPath + "/" + rc.Request.QueryString.Value;
            return;
        }
        var showDots = t.Can(Perm.Dots) && (rc.Query.Has("dots") || (format is null && rc.Request.Cookies.ContainsKey("dots")));
        using var listing = DirectoryLister.List(rc.Options.Vfs, t, showDots, rc.User);
        var entries = listing.Items;
        if (format is null && rc.Request.Headers.UserAgent.ToString().StartsWith("curl/", StringComparison.Ordinal))
        {
            format = "v";
        }
        switch (format)
        {
            case "j":
                await ListingJson.WriteAsync(rc, entries, IndexInfo(rc, indexes, tags, scanner));
                return;
            case "t":
            case "v":
                await ListingText.WriteAsync(rc, entries, format == "v");
                return;
            default:
                if (rc.Query.Has("b"))
                {
                    await ListingHtml.WriteBasicAsync(rc, entries);
                    return;
                }
                await ListingHtml.WriteAsync(rc, entries, IndexInfo(rc, indexes, tags, scanner), showDots);
                return;
        }
    }

    /// <summary>Folder sizes (unless the volume has <c>nodirsz</c> / <c>--no-dirsz</c>) and, for admins, upload times.</summary>
    private static ListingIndexInfo? IndexInfo(RequestContext rc, IndexSet? indexes, TagService? tags, IndexScanService? scanner)
    {
        var t = rc.Target;
        if (indexes is null || t.Volume is not { } v || indexes.For(v) is not { } idx)
        {
            return null;
        }
        try
        {
            var totals = v.HasFlag("nodirsz") ? null : idx.ChildFolderTotals(t.Rel);
            var ups = t.Can(Perm.Admin) ? idx.UploadInfo(t.Rel) : null;
            var scan = ups is null ? null : scanner?.Status;
            if (indexes.PolicyFor(v).Tags && tags is not null)
            {
                return new ListingIndexInfo(totals, ups, idx.TagsIn(t.Rel), tags.ShownKeys, scan);
            }
            return new ListingIndexInfo(totals, ups, Scan: scan);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null; // the listing works without the index
        }
    }

    private async Task ReloadAsync(RequestContext rc)
    {
        if (!rc.Target.Can(Perm.Admin))
        {
            await Reply.Forbidden(rc, "only admins may reload the config");
            return;
        }
        var ok = config.TryReload(out var msg);
        LogReload(log, msg);
        await Reply.Text(rc, ok ? 200 : 400, msg + "\n");
    }

    /// <summary>url-encoded <c>msg=</c>: logged (copyparty's default --urlform print,get), then the folder page.</summary>
    private async Task MessageAsync(RequestContext rc)
    {
        var body = await ReadSmallBodyAsync(rc);
        if (body is null)
        {
            await Reply.Error(rc, 413, "message too long");
            return;
        }
        foreach (var part in body.Split('&'))
        {
            if (part.StartsWith("msg=", StringComparison.Ordinal) && UrlPath.TryDecode(part[4..].Replace('+', ' '), out var msg, out _)
                && log.IsEnabled(LogLevel.Information))
            {
                LogMessage(log, rc.Ip, rc.User, MultipartHandler.OneLine(msg));
            }
        }
        await ListingAsync(rc, null);
    }

    private static async Task DeleteBatchAsync(RequestContext rc, Unpost unpost, IndexSet indexes, DavRouter dav)
    {
        var body = await ReadSmallBodyAsync(rc);
        if (body is null)
        {
            await Reply.Error(rc, 413, "json 2big");
            return;
        }
        List<string>? paths;
        try
        {
            paths = JsonSerializer.Deserialize(body, RequestJsonContext.Default.ListString);
        }
        catch (JsonException)
        {
            await Reply.Error(rc, 422, $"you POSTed {Encoding.UTF8.GetByteCount(body)} bytes of invalid json");
            return;
        }
        if (paths is null || paths.Count == 0 || paths.Count > 100_000)
        {
            await Reply.Error(rc, 400, "expected a JSON list of paths");
            return;
        }
        if (rc.Query.Has("unpost"))
        {
            await unpost.DeleteAsync(rc, paths);
            return;
        }
        await FileOps.DeleteBatchAsync(rc, paths, indexes);
        dav.BatchDeleted(rc, paths);
    }

    private static async Task<string?> ReadSmallBodyAsync(RequestContext rc)
    {
        if (rc.Request.ContentLength > MaxSmallBody)
        {
            return null;
        }
        using var ms = new MemoryStream();
        var buf = new byte[16384];
        while (true)
        {
            var n = await rc.Request.Body.ReadAsync(buf, rc.Http.RequestAborted);
            if (n == 0)
            {
                break;
            }
            ms.Write(buf, 0, n);
            if (ms.Length > MaxSmallBody)
            {
                return null;
            }
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>
    /// copyparty's CSRF rule: a request that may change something (not GET/HEAD/OPTIONS) must carry no Origin, or the
    /// server's own origin, or a PW header (which a cross-site form cannot set).
    /// </summary>
    private static bool CsrfOk(HttpContext http)
    {
        var m = http.Request.Method;
        if (HttpMethods.IsGet(m) || HttpMethods.IsHead(m) || HttpMethods.IsOptions(m))
        {
            return true;
        }
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || http.Request.Headers.ContainsKey("PW"))
        {
            return true;
        }
        var own = $"{http.Request.Scheme}://{http.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
    }

    private static void SplitTarget(string raw, out string path, out string query)
    {
        // absolute-form targets (RFC 9112 §3.2.2) carry scheme and authority: keep only the path
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var slash = raw.IndexOf('/', raw.IndexOf("//", StringComparison.Ordinal) + 2);
            raw = slash < 0 ? "/" : raw[slash..];
        }
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        path = q < 0 ? raw : raw[..q];
        query = q < 0 ? "" : raw[(q + 1)..];
        if (path.Length == 0 || path[0] != '/')
        {
            path = "/" + path;
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "{Ip} {User} {Method} {Path} {Status} {Bytes} {Ms}ms {Note}")]
    private static partial void LogRequest(ILogger logger, IPAddress ip, string user, string method, string path, int status, long bytes, double ms, string note);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "banned {Ip} for {Minutes} minutes: too many bad passwords")]
    private static partial void LogBanned(ILogger logger, IPAddress ip, double minutes);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Ip} went away during {Path}")]
    private static partial void LogClientGone(ILogger logger, IPAddress ip, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "request failed: {Method} {Path}")]
    private static partial void LogFailure(ILogger logger, Exception e, string method, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogReload(ILogger logger, string message);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "message from {Ip} ({User}): {Text}")]
    private static partial void LogMessage(ILogger logger, IPAddress ip, string user, string text);
}
