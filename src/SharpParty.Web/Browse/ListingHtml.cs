using System.Globalization;
using System.Net;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Hosting;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Browse;

/// <summary>
/// The folder pages rendered by the server. The page a browser gets is the web UI's shell with the folder's listing in it
/// as JSON; copyparty's simplified page (<c>?b</c>, <c>?b=u</c>) is the whole UI without JavaScript: breadcrumbs, a table
/// sorted by <c>?sort=</c> links, an upload form and a mkdir form where the user may write, a login form. A browser
/// with scripting off is sent from the first to the second (a <c>noscript</c> refresh, and a link for text browsers and
/// for a page whose module has not started after 4 s).
/// </summary>
/// <remarks>
/// copyparty puts the table into every page. We did too, inside a <c>noscript</c>, and for 10,000 files that was 1.1 MB
/// of the 1.9 MB page, which Chromium spent 120-200 ms parsing before the module could run although it never shows it
/// (measured: bench/WebUiBench navtiming). Now the listing is in the page once.
/// </remarks>
internal static class ListingHtml
{
    /// <summary>Where a browser without JavaScript goes: the simplified page with the upload form.</summary>
    private const string Basic = "?b=u";

    /// <param name="idx">what the index adds, for the embedded <c>?ls</c> JSON</param>
    /// <param name="dots">whether dotfiles are listed (the module asks again if its own setting differs)</param>
    public static async Task WriteAsync(RequestContext rc, ArraySegment<DirEntry> entries, ListingIndexInfo? idx, bool dots)
    {
        var t = rc.Target;
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = "text/html; charset=utf-8";
        if (rc.IsHead)
        {
            return;
        }
        if (entries.Array is { } items)
        {
            Array.Sort(items, entries.Offset, entries.Count, NaturalOrder.Instance);
        }
        StaticAssets.StartPacking(); // the modules this page names are asked for next
        var sb = new StringBuilder(4096);
        Head(sb, "/" + t.VPath);
        // with JavaScript on, the server's page is hidden (html.js) and the module draws the listing; should the module
        // not start within 4 s (a slow link, a blocked script), the page shows its link to the simplified page, and a
        // module that arrives later still takes over
        sb.Append("<script>document.documentElement.classList.add('js');setTimeout(function(){if(!window.sp)")
            .Append("document.documentElement.classList.remove('js')},4000)</script>")
            .Append("<noscript><meta http-equiv=\"refresh\" content=\"0; url=").Append(Basic).Append("\"></noscript>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StaticAssets.VersionedPrefix).Append("css/app.css\">");
        foreach (var m in StaticAssets.EntryModules)
        {
            sb.Append("<link rel=\"modulepreload\" href=\"").Append(StaticAssets.VersionedPrefix).Append(m).Append("\">");
        }
        // the folder's ?ls JSON for the module, from this same directory read: without it the module would ask for
        // ?ls once it starts, a second round trip and a second read of the folder. Before the module's script element,
        // so it is parsed by the time the module runs.
        sb.Append("<script type=\"application/json\" id=\"ls0\" data-dots=\"").Append(dots ? '1' : '0').Append("\">");
        await SendAsync(rc, sb);
        rc.SentInParts += await ListingJson.WriteForPageAsync(rc, entries, idx);
        sb.Append("</script>")
            .Append("<script type=\"module\" async src=\"").Append(StaticAssets.VersionedPrefix).Append("js/app.js\"></script>")
            .Append("</head>\n<body data-srv=\"").Append(H(rc.Options.ServerName)).Append("\" data-assets=\"")
            .Append(StaticAssets.VersionedPrefix).Append("\">\n");
        Crumbs(sb, rc, "");
        sb.Append("<p><a href=\"").Append(Basic).Append("\">this folder without JavaScript</a></p>\n</body></html>\n");
        await SendAsync(rc, sb);
    }

    /// <summary>copyparty's <c>?b</c>: the folder as plain HTML, no script at all.</summary>
    public static async Task WriteBasicAsync(RequestContext rc, ArraySegment<DirEntry> entries)
    {
        var t = rc.Target;
        var sort = rc.Query.Get("sort") ?? "name";
        var desc = sort.StartsWith('-');
        var key = desc ? sort[1..] : sort;
        IEnumerable<DirEntry> ordered = key switch
        {
            "size" => entries.OrderBy(e => e.Size),
            "date" => entries.OrderBy(e => e.MTime),
            "ext" => entries.OrderBy(e => ListingJson.Extension(e.Name), StringComparer.OrdinalIgnoreCase),
            _ => entries.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase),
        };
        if (desc)
        {
            ordered = ordered.Reverse();
        }
        // folders first, as every file manager does (one sort, not one per half)
        var sorted = ordered.ToArray();
        var list = sorted.Where(e => e.IsDir).Concat(sorted.Where(e => !e.IsDir));
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = "text/html; charset=utf-8";
        if (rc.IsHead)
        {
            return;
        }
        var sb = new StringBuilder(4096 + (entries.Count * 128));
        Head(sb, "/" + t.VPath);
        sb.Append("</head>\n<body data-srv=\"").Append(H(rc.Options.ServerName)).Append("\">\n");
        Crumbs(sb, rc, Basic);
        var docs = Markdown.ListingDocs.Load(rc);
        if (docs.Prologue is { } pro)
        {
            Markdown.ListingDocs.AppendLogue(sb, pro, "prologue");
        }
        sb.Append("<table id=\"files\"><thead><tr>");
        Header(sb, "name", "name", key, desc);
        Header(sb, "size", "size", key, desc);
        Header(sb, "ext", "type", key, desc);
        Header(sb, "date", "date", key, desc);
        sb.Append("</tr></thead>\n<tbody>\n");
        if (t.VPath.Length > 0)
        {
            sb.Append("<tr><td><a href=\"../").Append(Basic).Append("\">../</a></td><td></td><td></td><td></td></tr>\n");
        }
        var partials = UploadsInProgress(sorted);
        foreach (var e in list)
        {
            var href = UrlPath.Quote(e.Name) + (e.IsDir ? "/" + Basic : "");
            var busy = partials is not null && !e.IsDir && e.Size == 0 && partials.Contains(e.Name);
            sb.Append("<tr><td><a href=\"").Append(H(href)).Append("\">").Append(H(e.Name)).Append(e.IsDir ? "/" : "").Append("</a></td><td>")
                .Append(e.IsDir ? "" : busy ? "uploading" : e.Size.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(e.IsDir ? "---" : H(ListingJson.Extension(e.Name))).Append("</td><td>")
                .Append(DateTimeOffset.FromUnixTimeSeconds(e.MTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                .Append("</td></tr>\n");
            if (sb.Length > 256 * 1024)
            {
                await SendAsync(rc, sb);
            }
        }
        sb.Append("</tbody></table>\n");
        if (docs.Epilogue is { } epi)
        {
            Markdown.ListingDocs.AppendLogue(sb, epi, "epilogue");
        }
        if (docs.Readme is { } readme)
        {
            Markdown.ListingDocs.AppendReadme(sb, readme);
        }
        if (!t.Can(Perm.Read) && !t.IsVirtual)
        {
            sb.Append("<p class=\"note\">you may upload here, but not see what is here</p>\n");
        }
        if (t.Can(Perm.Write))
        {
            sb.Append("<form class=\"up\" method=\"post\" enctype=\"multipart/form-data\" action=\"\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"bput\">")
                .Append("<input type=\"file\" name=\"f\" multiple> <button type=\"submit\">upload</button></form>\n")
                .Append("<form class=\"mkdir\" method=\"post\" enctype=\"multipart/form-data\" action=\"\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"mkdir\">")
                .Append("<input type=\"text\" name=\"name\" placeholder=\"new folder name\" required> <button type=\"submit\">mkdir</button></form>\n");
        }
        if (rc.User == Identity.Anonymous)
        {
            sb.Append("<form class=\"login\" method=\"post\" enctype=\"multipart/form-data\" action=\"\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"login\">")
                .Append("<input type=\"password\" name=\"cppwd\" placeholder=\"password\" autocomplete=\"current-password\"> <button type=\"submit\">login</button></form>\n");
        }
        else
        {
            sb.Append("<form class=\"logout\" method=\"post\" enctype=\"multipart/form-data\" action=\"\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"logout\">")
                .Append("logged in as ").Append(H(rc.User)).Append(" <button type=\"submit\">logout</button></form>\n");
        }
        sb.Append("<footer>").Append(H(ListingJson.ServerInfo(rc, " // "))).Append("</footer>\n</body></html>\n");
        await SendAsync(rc, sb);
    }

    private static void Head(StringBuilder sb, string title) =>
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(H(title)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"/.cpr/browser.css\">")
            .Append("<link rel=\"icon\" href=\"").Append(StaticAssets.VersionedPrefix).Append("favicon.svg\">");

    /// <summary>The path as links, each folder URL followed by <paramref name="query"/>.</summary>
    private static void Crumbs(StringBuilder sb, RequestContext rc, string query)
    {
        sb.Append("<nav class=\"crumbs\"><a href=\"/").Append(query).Append("\">").Append(H(rc.Options.ServerName)).Append("</a>");
        var acc = "/";
        if (rc.Target.VPath.Length > 0)
        {
            foreach (var seg in rc.Target.VPath.Split('/'))
            {
                acc += UrlPath.Quote(seg) + "/";
                sb.Append(" / <a href=\"").Append(H(acc + query)).Append("\">").Append(H(seg)).Append("</a>");
            }
        }
        sb.Append("</nav>\n");
    }

    private static async Task SendAsync(RequestContext rc, StringBuilder sb)
    {
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        sb.Clear();
        rc.SentInParts = (rc.SentInParts ?? 0) + bytes.Length;
        await rc.Response.Body.WriteAsync(bytes, rc.Http.RequestAborted);
        await rc.Response.Body.FlushAsync(rc.Http.RequestAborted);
    }

    /// <summary>
    /// The names an up2k upload is writing to: it reserves NAME with an empty placeholder and writes NAME.PARTIAL
    /// (.NAME.PARTIAL with --dotpart), so a 0-byte NAME beside one is not a finished empty file. Null when there are none.
    /// </summary>
    private static HashSet<string>? UploadsInProgress(DirEntry[] entries)
    {
        HashSet<string>? names = null;
        foreach (var e in entries)
        {
            if (!e.IsDir && e.Name.EndsWith(".PARTIAL", StringComparison.Ordinal))
            {
                var baseName = e.Name[..^".PARTIAL".Length];
                names ??= new HashSet<string>(StringComparer.Ordinal);
                names.Add(baseName);
                if (baseName.StartsWith('.'))
                {
                    names.Add(baseName[1..]);
                }
            }
        }
        return names;
    }

    private static void Header(StringBuilder sb, string key, string label, string current, bool desc)
    {
        var next = key == current && !desc ? "-" + key : key;
        var arrow = key == current ? (desc ? " ▼" : " ▲") : "";
        sb.Append("<th><a href=\"").Append(Basic).Append("&amp;sort=").Append(next).Append("\">").Append(label).Append(arrow).Append("</a></th>");
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
