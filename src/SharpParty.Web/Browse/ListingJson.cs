using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Browse;

/// <summary>What the index adds to a listing: recursive folder sizes and file counts (unless <c>nodirsz</c>), and for admins
/// the upload time and address of each file.</summary>
internal sealed record ListingIndexInfo(Dictionary<string, (long Size, long Files)>? FolderTotals, Dictionary<string, (long UpAt, string? Ip)>? Uploads,
    Dictionary<string, Dictionary<string, object>>? Tags = null, IReadOnlyList<string>? TagOrder = null, Search.ScanStatus? Scan = null);

/// <summary><c>?ls</c>: copyparty's listing JSON (reference §3.3), written straight into the response pipe.</summary>
internal static class ListingJson
{
    /// <summary>Hand the pipe about 256 KiB at a time: fewer, larger socket writes than flushing per N entries.</summary>
    private const int FlushAt = 256 * 1024;

    private static readonly JsonEncodedText PLead = JsonEncodedText.Encode("lead");
    private static readonly JsonEncodedText PHref = JsonEncodedText.Encode("href");
    private static readonly JsonEncodedText PSz = JsonEncodedText.Encode("sz");
    private static readonly JsonEncodedText PExt = JsonEncodedText.Encode("ext");
    private static readonly JsonEncodedText PTs = JsonEncodedText.Encode("ts");

    /// <summary>In an HTML page every HTML-sensitive character is escaped (<c>\u003C</c>…), so no file name can end the
    /// script element the JSON sits in; other characters stay as they are.</summary>
    private static readonly JavaScriptEncoder PageEncoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    public static async Task WriteAsync(RequestContext rc, ArraySegment<DirEntry> entries, ListingIndexInfo? idx = null)
    {
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = "application/json";
        if (rc.IsHead)
        {
            return;
        }
        await using var w = new Utf8JsonWriter(res.BodyWriter, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await WriteObjectAsync(w, rc, entries, idx);
    }

    /// <summary>The same JSON into the folder's HTML page (inside its script element), where the web UI's module reads it
    /// instead of asking again; written straight into the response like <c>?ls</c>. Returns the bytes written.</summary>
    public static async Task<long> WriteForPageAsync(RequestContext rc, ArraySegment<DirEntry> entries, ListingIndexInfo? idx)
    {
        await using var w = new Utf8JsonWriter(rc.Response.BodyWriter, new JsonWriterOptions { SkipValidation = true, Encoder = PageEncoder });
        await WriteObjectAsync(w, rc, entries, idx);
        return w.BytesCommitted;
    }

    private static async Task WriteObjectAsync(Utf8JsonWriter w, RequestContext rc, ArraySegment<DirEntry> entries, ListingIndexInfo? idx)
    {
        var t = rc.Target;
        var canRead = t.Can(Perm.Read);
        w.WriteStartObject();
        w.WriteStartArray("dirs");
        if (canRead)
        {
            foreach (var e in entries)
            {
                if (!e.IsDir)
                {
                    continue;
                }
                var href = UrlPath.Quote(e.Name) + "/";
                w.WriteStartObject();
                w.WriteString(PLead, "<a href=\"" + href + "?zip=crc\" rel=\"nofollow\">zip</a>");
                w.WriteString(PHref, href);
                var total = idx?.FolderTotals is { } ft && ft.TryGetValue(e.Name, out var tt) ? tt : ((long, long)?)null;
                w.WriteNumber(PSz, total?.Item1 ?? (idx?.FolderTotals is null ? e.Size : 0));
                w.WriteString(PExt, "---");
                w.WriteNumber(PTs, e.MTime);
                if (idx is not null)
                {
                    w.WriteStartObject("tags");
                    if (idx.FolderTotals is not null)
                    {
                        w.WriteNumber(".files", total?.Item2 ?? 0);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                if (w.BytesPending > FlushAt)
                {
                    await w.FlushAsync(rc.Http.RequestAborted);
                }
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("files");
        if (canRead)
        {
            foreach (var e in entries)
            {
                if (e.IsDir)
                {
                    continue;
                }
                w.WriteStartObject();
                w.WriteString(PLead, "-");
                w.WriteString(PHref, UrlPath.Quote(e.Name));
                w.WriteNumber(PSz, e.Size);
                w.WriteString(PExt, Extension(e.Name));
                w.WriteNumber(PTs, e.MTime);
                if (idx is not null)
                {
                    w.WriteStartObject("tags");
                    if (idx.Tags is { } all && all.TryGetValue(e.Name, out var mt))
                    {
                        foreach (var (k, v) in mt)
                        {
                            WriteTag(w, k, v);
                        }
                    }
                    if (idx.Uploads is { } ups && ups.TryGetValue(e.Name, out var up))
                    {
                        w.WriteString("up_ip", up.Ip ?? "");
                        w.WriteNumber(".up_at", up.UpAt);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                if (w.BytesPending > FlushAt)
                {
                    await w.FlushAsync(rc.Http.RequestAborted);
                }
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("taglist");
        if (idx?.FolderTotals is not null)
        {
            w.WriteStringValue(".files");
        }
        if (idx?.Tags is { Count: > 0 } present && idx.TagOrder is { } order)
        {
            // copyparty's taglist: the -mte keys that occur in this folder, in -mte order
            foreach (var k in order)
            {
                if (k != ".files" && present.Values.Any(t => t.ContainsKey(k)))
                {
                    w.WriteStringValue(k);
                }
            }
        }
        if (idx?.Uploads is not null)
        {
            w.WriteStringValue("up_ip");
            w.WriteStringValue(".up_at");
        }
        w.WriteEndArray();
        w.WriteString("srvinf", ServerInfo(rc, "</span> // <span>"));
        w.WriteString("acct", rc.User);
        w.WriteBoolean("idx", idx is not null);
        w.WriteBoolean("itag", idx?.Tags is not null);
        if (idx?.Uploads is not null)
        {
            // ours, for admins (who also get the upload times): the index scan in progress, null when none runs
            WriteScan(w, idx.Scan, DateTimeOffset.UtcNow);
        }
        w.WriteString("dsort", "href");
        w.WriteString("dcrop", "y");
        w.WriteString("dth3x", "n");
        w.WriteString("u2ts", "c");
        w.WriteNumber("lifetime", 0);
        w.WriteBoolean("frand", false);
        w.WriteString("unlist", "");
        w.WriteStartArray("perms");
        foreach (var p in PermLetters.ToLsNames(t.Perms))
        {
            w.WriteStringValue(p);
        }
        w.WriteEndArray();
        // as copyparty: the raw texts (its client renders README.md and sandboxes the logues); ours adds "readme_html",
        // README.md rendered by the server's sanitising renderer, for clients without a markdown library
        var docs = Markdown.ListingDocs.Load(rc);
        w.WriteStartArray("logues");
        w.WriteStringValue(docs.Prologue ?? "");
        w.WriteStringValue(docs.Epilogue ?? "");
        w.WriteEndArray();
        w.WriteStartArray("readmes");
        w.WriteStringValue("");
        w.WriteStringValue(docs.Readme ?? "");
        w.WriteEndArray();
        if (docs.Readme is { } readme)
        {
            w.WriteString("readme_html", Markdown.MarkdownRenderer.ToHtml(readme));
        }
        w.WriteEndObject();
        await w.FlushAsync(rc.Http.RequestAborted);
    }

    private static void WriteScan(Utf8JsonWriter w, Search.ScanStatus? s, DateTimeOffset now)
    {
        if (s is null)
        {
            w.WriteNull("scan");
            return;
        }
        w.WriteStartObject("scan");
        w.WriteString("vol", s.Volume);
        w.WriteString("phase", s.Phase);
        w.WriteNumber("files", s.FilesDone);
        w.WriteNumber("of", s.FilesToHash);
        w.WriteNumber("bytes", s.BytesDone);
        w.WriteNumber("of_bytes", s.BytesToHash);
        w.WriteNumber("s", Math.Round((now - s.Started).TotalSeconds, 1));
        w.WriteEndObject();
    }

    /// <summary>copyparty's <c>ext</c>: the extension up to 16 chars, "%" when there is none.</summary>
    public static string Extension(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1)
        {
            return "%";
        }
        var ext = name[(dot + 1)..];
        return ext.Length > 16 ? ext[..16] : ext;
    }

    /// <summary>"name // 239 GiB free of 251 GiB" for the volume's filesystem.</summary>
    public static string ServerInfo(RequestContext rc, string sep)
    {
        var path = rc.Target.FsPath;
        if (path is null)
        {
            return rc.Options.ServerName;
        }
        try
        {
            var d = new DriveInfo(path);
            return $"{rc.Options.ServerName}{sep}{Human(d.AvailableFreeSpace)} free of {Human(d.TotalSize)}";
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return rc.Options.ServerName;
        }
    }

    public static string Human(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        var i = 0;
        while (v >= 1024 && i < units.Length - 1)
        {
            v /= 1024;
            i++;
        }
        return i == 0 ? $"{bytes} B" : v >= 100 ? $"{v:0} {units[i]}" : $"{v:0.#} {units[i]}";
    }

    /// <summary>One media tag as copyparty writes it: numbers (keys starting with '.') as JSON numbers, the rest as
    /// strings. Shared by listings and search hits.</summary>
    internal static void WriteTag(Utf8JsonWriter w, string k, object v)
    {
        switch (v)
        {
            case long lv:
                w.WriteNumber(k, lv);
                break;
            case double dv:
                w.WriteNumber(k, dv);
                break;
            case string sv:
                w.WriteString(k, sv);
                break;
            default:
                w.WriteString(k, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
