using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using SharpParty.Core.Config;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Auth;
using SharpParty.Web.Files;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Upload;

/// <summary>
/// multipart/form-data POSTs: <c>act=bput</c> (files in field <c>f</c>; a first file field implies it), <c>act=mkdir</c>,
/// <c>act=new_md</c>, <c>act=login</c>, <c>act=logout</c>. Sections are streamed: a file part goes straight to its temp file.
/// </summary>
internal sealed partial class MultipartHandler(IpHasher ipHash, UploadLimiter limiter, SharpParty.Web.Up2k.UploadLedger ledger, TimeProvider time, Authenticator auth, SharpParty.Web.Markdown.TextSaver textSaver, ILogger<MultipartHandler> log)
{
    /// <summary>A form field that is not a file is small: 64 KiB is plenty for names, passwords and messages.</summary>
    private const int MaxFieldBytes = 64 * 1024;

    /// <summary>A form with more parts than this is refused (copyparty has no cap; one request, bounded work).</summary>
    private const int MaxParts = 10_000;

    private sealed record Uploaded(string Name, string OrigName, string VPath, long Size, byte[] Sha);

    public async Task HandleAsync(RequestContext rc)
    {
        var ct = MediaTypeHeaderValue.TryParse(rc.Request.ContentType, out var mt) ? mt : null;
        var boundary = HeaderUtilities.RemoveQuotes(ct?.Boundary ?? default).ToString();
        if (boundary.Length is 0 or > 200)
        {
            await Reply.Error(rc, 400, "multipart body without a valid boundary");
            return;
        }
        var reader = new MultipartReader(boundary, rc.Request.Body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = null };
        string? act = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var uploaded = new List<Uploaded>();
        var emptyParts = 0;
        var started = time.GetTimestamp();
        try
        {
            for (var parts = 0; ; parts++)
            {
                var section = await reader.ReadNextSectionAsync(rc.Http.RequestAborted);
                if (section is null)
                {
                    break;
                }
                if (parts >= MaxParts)
                {
                    await Reply.Error(rc, 413, "too many parts in this form");
                    return;
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd) || cd.Name.Length == 0)
                {
                    await Reply.Error(rc, 400, "multipart section without a form-data name");
                    return;
                }
                var field = HeaderUtilities.RemoveQuotes(cd.Name).ToString();
                var isFile = cd.FileName.HasValue || cd.FileNameStar.HasValue;
                if (act == "tput" && field == "body")
                {
                    // the editor's save: the text is streamed to its temp file, not read into a form field
                    await textSaver.SaveAsync(rc, fields.GetValueOrDefault("lastmod"), section.Body);
                    return;
                }
                if (isFile)
                {
                    act ??= "bput";
                    if (act != "bput" || field != "f")
                    {
                        await section.Body.CopyToAsync(Stream.Null, rc.Http.RequestAborted);
                        continue;
                    }
                    var fn = (cd.FileNameStar.HasValue ? cd.FileNameStar : HeaderUtilities.RemoveQuotes(cd.FileName)).ToString();
                    if (fn.Length == 0)
                    {
                        // a file input left empty by the browser
                        await section.Body.CopyToAsync(Stream.Null, rc.Http.RequestAborted);
                        emptyParts++;
                        continue;
                    }
                    var up = await ReceiveFileAsync(rc, section.Body, fn, fields.ContainsKey("replace") || rc.Query.Has("replace"));
                    if (up is null)
                    {
                        return; // reply already sent
                    }
                    if (up.Size == 0)
                    {
                        emptyParts++;
                    }
                    uploaded.Add(up);
                    continue;
                }
                var value = await ReadFieldAsync(section.Body, rc.Http.RequestAborted);
                if (value is null)
                {
                    await Reply.Error(rc, 413, $"form field '{field}' is too long");
                    return;
                }
                if (field == "act")
                {
                    act ??= value;
                }
                else
                {
                    fields[field] = value;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            await Reply.Error(rc, 400, "bad multipart body: " + OneLine(e.Message));
            return;
        }

        switch (act)
        {
            case "bput":
                if (uploaded.Count == 0)
                {
                    await Reply.Error(rc, 400, emptyParts > 0 ? "empty files in post" : "no files in post");
                    return;
                }
                await ReplyUploadedAsync(rc, uploaded, time.GetElapsedTime(started));
                return;
            case "mkdir":
                await FileOps.MkdirAsync(rc, fields.GetValueOrDefault("name"));
                return;
            case "new_md":
                await NewDocument.CreateAsync(rc, fields.GetValueOrDefault("name"));
                return;
            case "login":
                await auth.LoginAsync(rc, fields.GetValueOrDefault("cppwd") ?? fields.GetValueOrDefault("pw") ?? "");
                return;
            case "logout":
                await auth.LogoutAsync(rc);
                return;
            case "zip":
                await Archive.ArchiveHandler.SendAsync(rc, fields.GetValueOrDefault("files") ?? "");
                return;
            case "tput":
                await Reply.Error(rc, 400, "expected body, got nothing");
                return;
            case null:
                await Reply.Error(rc, 400, "no act in this form");
                return;
            default:
                await Reply.Error(rc, 400, $"unsupported act '{OneLine(act)}'");
                return;
        }
    }

    private async Task<Uploaded?> ReceiveFileAsync(RequestContext rc, Stream body, string rawName, bool replace)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return null;
        }
        if (t.FsPath is null || !Directory.Exists(t.FsPath))
        {
            await Reply.Error(rc, 404, "upload folder does not exist");
            return null;
        }
        if (!UploadNames.TrySanitize(rawName, out var name, out var err))
        {
            await Reply.Error(rc, 400, err);
            return null;
        }
        if (name.StartsWith('.') && !t.Can(Perm.Dots) && rc.Options.NoDotRen)
        {
            await Reply.Forbidden(rc, "uploading dotfiles is disabled (--no-dot-ren)");
            return null;
        }
        // overwriting needs the delete permission (copyparty: ?replace needs d)
        var overwrite = replace && t.Can(Perm.Delete);
        var adm = limiter.Admit(t.Volume!, t.Rel, t.FsPath, rc.Ip, -1);
        if (!adm.Ok)
        {
            await Reply.Error(rc, adm.Status, adm.Message);
            return null;
        }
        var (file, rerr) = await UploadSink.ReceiveAsync(body, adm.FolderFs, null, rc.Http.RequestAborted);
        if (file is null)
        {
            await PutHandler.ReplyReceiveError(rc, rerr);
            return null;
        }
        if (!UploadRules.For(t.Volume!).SizeOk(file.Size, out var sizeError))
        {
            UploadSink.TryDelete(file.TempPath);
            await Reply.Error(rc, 400, sizeError);
            return null;
        }
        limiter.Record(t.Volume!, rc.Ip, file.Size);
        var final = UploadPlacement.Place(rc, file, adm.FolderFs, name, overwrite, ipHash, time);
        if (final is null)
        {
            await Reply.Error(rc, 409, "could not place the upload (a folder has that name)");
            return null;
        }
        ledger.Record(t.Volume!, adm.FolderRel, final, file.Size, rc.User, rc.Ip.ToString());
        var vdir = adm.FolderRel == t.Rel ? t.VPath : (t.Volume!.VPath.Length == 0 ? adm.FolderRel : t.Volume.VPath + "/" + adm.FolderRel);
        var vpath = vdir.Length == 0 ? final : vdir + "/" + final;
        LogUpload(log, rc.User, file.Size, "/" + vpath);
        return new Uploaded(final, name, vpath, file.Size, file.Sha512);
    }

    private static async Task ReplyUploadedAsync(RequestContext rc, List<Uploaded> ups, TimeSpan took)
    {
        var total = ups.Sum(u => u.Size);
        if (PutHandler.WantsUrl(rc))
        {
            await Reply.Text(rc, 201, string.Concat(ups.Select(u => rc.Origin + "/" + UrlPath.Quote(u.VPath) + "\n")), "text/html; charset=utf-8");
            return;
        }
        var mbps = took.TotalSeconds > 0 ? Math.Round(total / 1048576.0 / took.TotalSeconds, 3) : 0;
        if (rc.Query.Has("j"))
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("status", "OK");
                w.WriteNumber("sz", total);
                w.WriteNumber("mbps", mbps);
                w.WriteStartArray("files");
                foreach (var u in ups)
                {
                    w.WriteStartObject();
                    w.WriteString("url", rc.Origin + "/" + UrlPath.Quote(u.VPath));
                    w.WriteString("sha512", Convert.ToHexStringLower(u.Sha)[..56]);
                    w.WriteString("sha_b64", PutHandler.ShaB64(u.Sha));
                    w.WriteNumber("sz", u.Size);
                    w.WriteString("fn", u.Name);
                    w.WriteString("fn_orig", u.OrigName);
                    w.WriteString("path", "/" + UrlPath.Quote(u.VPath));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            await Reply.Text(rc, 201, Encoding.UTF8.GetString(ms.ToArray()), "application/json");
            return;
        }
        var sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>upload ok</title>")
            .Append("<link rel=\"stylesheet\" href=\"/.cpr/browser.css\"></head><body><h2>OK: ").Append(ups.Count)
            .Append(" file(s), ").Append(total).Append(" bytes</h2><ul>");
        foreach (var u in ups)
        {
            sb.Append("<li><a href=\"/").Append(WebUtility.HtmlEncode(UrlPath.Quote(u.VPath))).Append("\">")
                .Append(WebUtility.HtmlEncode(u.Name)).Append("</a> ").Append(u.Size).Append(" bytes</li>");
        }
        sb.Append("</ul><p><a href=\"./\">back to the folder</a></p></body></html>\n");
        await Reply.Text(rc, 201, sb.ToString(), "text/html; charset=utf-8");
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buf = new byte[MaxFieldBytes + 1];
        var n = 0;
        while (n < buf.Length)
        {
            var r = await body.ReadAsync(buf.AsMemory(n), ct);
            if (r == 0)
            {
                break;
            }
            n += r;
        }
        if (n > MaxFieldBytes)
        {
            return null;
        }
        return Encoding.UTF8.GetString(buf, 0, n);
    }

    internal static string OneLine(string s)
    {
        var line = s.ReplaceLineEndings(" ");
        return line.Length > 200 ? line[..200] : line;
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "upload by {User}: {Size} bytes -> {VPath}")]
    private static partial void LogUpload(ILogger logger, string user, long size, string vpath);
}
