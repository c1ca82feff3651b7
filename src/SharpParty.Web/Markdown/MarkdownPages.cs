using System.Net;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Markdown;

/// <summary>
/// <c>?v</c> on a <c>.md</c> file: the document rendered on the server (<see cref="MarkdownRenderer"/>) in a page whose
/// Content-Security-Policy allows no inline script, so even a sanitiser miss cannot run code. <c>?edit</c>: the editor
/// page (the text in a textarea; <c>/.cpr/media/mdedit.js</c> saves with <c>act=tput</c>). Other files with <c>?v</c>
/// are sent as they are.
/// </summary>
internal static class MarkdownPages
{
    /// <summary>Rendering holds the document in memory; past this size it is sent as a file instead.</summary>
    public const long MaxRenderBytes = 8 << 20;

    /// <summary>Scripts only from our own /.cpr/, no inline script, no plugins, no base-URL games.</summary>
    public const string Csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; "
        + "media-src 'self' http: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    public static bool IsMarkdown(string name) => name.EndsWith(".md", StringComparison.OrdinalIgnoreCase);

    public static async Task ViewAsync(RequestContext rc, FileInfo? info)
    {
        if (!await CheckReadableAsync(rc, info))
        {
            return;
        }
        if (!IsMarkdown(info!.Name) || info.Length > MaxRenderBytes)
        {
            await FileSender.SendAsync(rc, info);
            return;
        }
        var text = await File.ReadAllTextAsync(info.FullName, rc.Http.RequestAborted);
        var html = MarkdownRenderer.ToHtml(text);
        var canEdit = rc.Target.Can(Perm.Write);
        var sb = Head(info.Name, "mdview");
        sb.Append("<nav class=\"mdnav\"><a href=\"./\">&#x2B11; folder</a> <a href=\"").Append(H(UrlPath.Quote(info.Name)))
            .Append("\">raw</a>");
        if (canEdit)
        {
            sb.Append(" <a href=\"?edit\">edit</a>");
        }
        sb.Append("</nav>\n<article id=\"md\" class=\"md\">\n").Append(html).Append("</article>\n")
            .Append("<script type=\"module\" src=\"/.cpr/media/mdview.js\"></script>\n</body></html>\n");
        await SendPageAsync(rc, sb);
    }

    public static async Task EditAsync(RequestContext rc, FileInfo? info)
    {
        var t = rc.Target;
        var name = info?.Name ?? Path.GetFileName(t.FsPath ?? "");
        if (!t.Can(Perm.Write) || !t.Can(Perm.Read) || (!IsMarkdown(name) && !t.Can(Perm.Delete)))
        {
            await Reply.Forbidden(rc, IsMarkdown(name) ? "you don't have write-access here" : "editing other text files needs the delete permission");
            return;
        }
        if (info is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        if (info.Length > MaxRenderBytes)
        {
            await Reply.Error(rc, 413, "this file is too big for the editor");
            return;
        }
        var text = await File.ReadAllTextAsync(info.FullName, rc.Http.RequestAborted);
        var lastmod = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds();
        var sb = Head(info.Name, "mdedit");
        sb.Append("<nav class=\"mdnav\"><a href=\"./\">&#x2B11; folder</a> <a href=\"?v\">view</a> ")
            .Append("<button id=\"mdsave\" type=\"button\">save</button> <span id=\"mdstatus\" role=\"status\"></span></nav>\n")
            .Append("<main id=\"mde\" data-lastmod=\"").Append(lastmod).Append("\">\n<textarea id=\"mdtext\" spellcheck=\"false\">")
            .Append(H(text)).Append("</textarea>\n</main>\n")
            .Append("<script type=\"module\" src=\"/.cpr/media/mdedit.js\"></script>\n</body></html>\n");
        await SendPageAsync(rc, sb);
    }

    private static async Task<bool> CheckReadableAsync(RequestContext rc, FileInfo? info)
    {
        if ((rc.Target.Perms & (Perm.Read | Perm.Get)) == 0)
        {
            await Reply.Forbidden(rc, "you don't have read-access here");
            return false;
        }
        if (info is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return false;
        }
        return true;
    }

    private static StringBuilder Head(string title, string cls) => new StringBuilder(16384)
        .Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .Append("<title>").Append(H(title)).Append("</title>")
        .Append("<link rel=\"stylesheet\" href=\"/.cpr/media/md.css\"></head>\n<body class=\"").Append(cls).Append("\">\n");

    private static Task SendPageAsync(RequestContext rc, StringBuilder sb)
    {
        rc.Response.Headers.ContentSecurityPolicy = Csp;
        rc.Response.Headers["X-Content-Type-Options"] = "nosniff";
        rc.Response.Headers.CacheControl = "no-cache";
        return Reply.Text(rc, 200, sb.ToString(), "text/html; charset=utf-8");
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
