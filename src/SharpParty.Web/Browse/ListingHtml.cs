using System.Globalization;
using System.Net;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Hosting;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Browse;

/// <summary>
/// The folder page rendered by the server: works with JavaScript off (breadcrumbs, a table sorted by <c>?sort=</c>
/// links, an upload form and a mkdir form where the user may write, a login form).
/// </summary>
internal static class ListingHtml
{
    public static Task WriteAsync(RequestContext rc, ArraySegment<DirEntry> entries)
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
        // folders first, as every file manager does
        var list = ordered.Where(e => e.IsDir).Concat(ordered.Where(e => !e.IsDir));
        var title = "/" + t.VPath;
        var sb = new StringBuilder(4096 + (entries.Count * 200));
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(H(title)).Append("</title>")
            // with JavaScript on, the server's table is never laid out (10,000 rows cost more to lay out than to fetch
            // as JSON); should the module not start within 4 s, the class goes and the table shows after all
            .Append("<script>document.documentElement.classList.add('js');setTimeout(function(){if(!window.sp)document.documentElement.classList.remove('js')},4000)</script>")
            .Append("<link rel=\"stylesheet\" href=\"/.cpr/browser.css\">")
            // progressive enhancement: the module takes over this page; without JavaScript the page below is the UI
            .Append("<link rel=\"icon\" href=\"").Append(StaticAssets.VersionedPrefix).Append("favicon.svg\">")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StaticAssets.VersionedPrefix).Append("css/app.css\">")
            .Append("<link rel=\"modulepreload\" href=\"").Append(StaticAssets.VersionedPrefix).Append("js/app.js\">")
            .Append("<script type=\"module\" async src=\"").Append(StaticAssets.VersionedPrefix).Append("js/app.js\"></script>")
            .Append("</head>\n<body data-srv=\"").Append(H(rc.Options.ServerName)).Append("\" data-assets=\"")
            .Append(StaticAssets.VersionedPrefix).Append("\">\n<nav class=\"crumbs\">");
        sb.Append("<a href=\"/\">").Append(H(rc.Options.ServerName)).Append("</a>");
        var acc = "/";
        if (t.VPath.Length > 0)
        {
            foreach (var seg in t.VPath.Split('/'))
            {
                acc += UrlPath.Quote(seg) + "/";
                sb.Append(" / <a href=\"").Append(H(acc)).Append("\">").Append(H(seg)).Append("</a>");
            }
        }
        sb.Append("</nav>\n");
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
            sb.Append("<tr><td><a href=\"../\">../</a></td><td></td><td></td><td></td></tr>\n");
        }
        foreach (var e in list)
        {
            var href = UrlPath.Quote(e.Name) + (e.IsDir ? "/" : "");
            sb.Append("<tr><td><a href=\"").Append(H(href)).Append("\">").Append(H(e.Name)).Append(e.IsDir ? "/" : "").Append("</a></td><td>")
                .Append(e.IsDir ? "" : e.Size.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(e.IsDir ? "---" : H(ListingJson.Extension(e.Name))).Append("</td><td>")
                .Append(DateTimeOffset.FromUnixTimeSeconds(e.MTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                .Append("</td></tr>\n");
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
        return Reply.Text(rc, 200, sb.ToString(), "text/html; charset=utf-8");
    }

    private static void Header(StringBuilder sb, string key, string label, string current, bool desc)
    {
        var next = key == current && !desc ? "-" + key : key;
        var arrow = key == current ? (desc ? " ▼" : " ▲") : "";
        sb.Append("<th><a href=\"?sort=").Append(next).Append("\">").Append(label).Append(arrow).Append("</a></th>");
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
