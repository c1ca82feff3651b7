using System.Globalization;
using System.IO.Compression;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Archive;

/// <summary>
/// <c>GET /folder/?zip</c>, <c>?tar</c> and the multipart <c>act=zip</c> selection (reference §1.10, §3.5): the archive is
/// streamed as it is made, with no Content-Length; it needs <c>r</c> on the folder (<c>g</c> is not enough: an
/// archive lists what it holds). <c>--no-zip</c> turns it off.
/// </summary>
internal static class ArchiveHandler
{
    /// <param name="files">act=zip's newline-separated names, relative to the URL's folder; null for the whole folder</param>
    public static async Task SendAsync(RequestContext rc, string? files = null)
    {
        var t = rc.Target;
        if (rc.Options.NoZip)
        {
            await Reply.Error(rc, 400, "not enabled in server config"); // copyparty's words for --no-zip
            return;
        }
        var zipQ = rc.Query.Has("zip") ? rc.Query.Get("zip") ?? "" : null;
        var tarQ = rc.Query.Has("tar") ? rc.Query.Get("tar") ?? "" : null;
        if (zipQ is null && tarQ is null && files is not null)
        {
            zipQ = ""; // a selection posted without ?zip or ?tar: a zip
        }
        if (!ArchiveFormat.TryParse(zipQ, tarQ, out var format, out var err))
        {
            await Reply.Error(rc, 400, err);
            return;
        }
        if (t.HasDotSegment && !t.Can(Perm.Dots))
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        if (!t.Can(Perm.Read))
        {
            await Reply.Forbidden(rc, "you don't have read-access here");
            return;
        }
        if (!t.IsVirtual && (t.FsPath is null || !Directory.Exists(t.FsPath)))
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        HashSet<string>? selection = null;
        if (files is not null)
        {
            selection = ParseSelection(files);
            if (selection is null)
            {
                await Reply.Error(rc, 400, "files= must list names inside this folder, one per line");
                return;
            }
        }
        var name = ArchiveName(rc, selection);
        var r = rc.Response;
        r.StatusCode = 200;
        r.ContentType = format!.ContentType;
        r.Headers.ContentDisposition = ContentDisposition(name, format.Extension);
        // an archive is made for this request: no caching, no length (it is not known until the end)
        r.Headers.CacheControl = "no-store";
        if (rc.IsHead)
        {
            return;
        }
        var dots = t.Can(Perm.Dots) && rc.Query.Has("dots");
        // copyparty: a folder is the archive's top folder (its name without leading dots, "top" at the root);
        // a selection's entries sit at the archive's root
        var prefix = selection is not null ? "" : (TopName(t.VPath) + "/");
        var ct = rc.Http.RequestAborted;
        var items = ArchiveWalker.Walk(rc.Options.Vfs, t, rc.User, dots, prefix, selection);
        if (format.Kind == ArchiveKind.Zip)
        {
            await SendZipAsync(rc, format, items, ct);
        }
        else
        {
            await SendTarAsync(rc, format, items, ct);
        }
    }

    private static async Task SendZipAsync(RequestContext rc, ArchiveFormat format, IEnumerable<ArchiveItem> items, CancellationToken ct)
    {
        // straight into the response pipe: file bytes are read into its memory, no copy in between
        var zip = new ZipWriter(rc.Response.BodyWriter, format.Utf8, format.PreCrc);
        foreach (var it in items)
        {
            if (it.IsDir)
            {
                await zip.AddDirectoryAsync(it.Name, it.MTime, ct);
            }
            else
            {
                await zip.AddFileAsync(it.Name, it.FsPath!, it.MTime, ct);
            }
        }
        await zip.FinishAsync(ct);
        await zip.FlushAsync(ct);
    }

    private static async Task SendTarAsync(RequestContext rc, ArchiveFormat format, IEnumerable<ArchiveItem> items, CancellationToken ct)
    {
        // TarWriter writes 512-byte headers one by one: gathered into 64 KiB writes before they reach Kestrel
        await using var body = new BufferedStream(rc.Response.Body, 1 << 16);
        Stream sink = body;
        GZipStream? gz = null;
        if (format.GzipLevel is { } level)
        {
            gz = new GZipStream(body, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
            sink = gz;
        }
        await using (var tar = new TarArchiveWriter(sink, format.Pax))
        {
            foreach (var it in items)
            {
                if (it.IsDir)
                {
                    await tar.AddDirectoryAsync(it.Name, it.MTime, ct);
                }
                else
                {
                    await tar.AddFileAsync(it.Name, it.FsPath!, it.MTime, ct);
                }
            }
        }
        if (gz is not null)
        {
            await gz.DisposeAsync();
        }
        await body.FlushAsync(ct);
    }

    /// <summary>act=zip's list: one name per line, each a plain name inside the folder (copyparty's browser sends
    /// names, with a trailing '/' for folders); null when one tries to leave the folder.</summary>
    private static HashSet<string>? ParseSelection(string files)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in files.Split('\n'))
        {
            var line = raw.TrimEnd('\r').TrimEnd('/');
            if (line.Length == 0)
            {
                continue;
            }
            // the browser sends names URL-quoted at times (copyparty unquotes them too)
            if (line.Contains('%', StringComparison.Ordinal) && UrlPath.TryDecode(line, out var decoded, out _))
            {
                line = decoded;
            }
            if (line.Contains('/', StringComparison.Ordinal) || line is "." or ".." || !UrlPath.SegmentOk(line, out _))
            {
                return null;
            }
            set.Add(line);
        }
        return set;
    }

    private static string TopName(string vpath)
    {
        var last = vpath[(vpath.LastIndexOf('/') + 1)..].TrimStart('.');
        return last.Length == 0 ? "top" : last;
    }

    /// <summary>The download's name: the first selected item, else the folder, else the host (as copyparty).</summary>
    private static string ArchiveName(RequestContext rc, HashSet<string>? selection)
    {
        if (selection is { Count: > 0 })
        {
            return selection.Order(StringComparer.Ordinal).First();
        }
        var v = rc.Target.VPath;
        if (v.Length > 0)
        {
            return v[(v.LastIndexOf('/') + 1)..];
        }
        var host = rc.Request.Host.Host;
        return host.Length > 0 ? host : "top";
    }

    /// <summary>An ASCII <c>filename=</c> (letters and digits kept, the rest '_') and the exact name in
    /// <c>filename*=UTF-8''</c> (RFC 6266 / RFC 5987), as copyparty sends them.</summary>
    public static string ContentDisposition(string name, string ext)
    {
        var ascii = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            ascii.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        var star = new StringBuilder(name.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b))
            {
                star.Append((char)b);
            }
            else
            {
                star.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }
        return $"attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{star}.{ext}";
    }
}
