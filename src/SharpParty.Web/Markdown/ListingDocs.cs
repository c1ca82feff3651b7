using System.Net;
using System.Text;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Markdown;

/// <summary>
/// What copyparty shows around a folder listing: <c>.prologue.html</c> above it, <c>.epilogue.html</c> and
/// <c>README.md</c> below it (<c>--no-logues</c>, <c>--no-readme</c> turn them off). README.md is rendered on the server
/// by the sanitising <see cref="MarkdownRenderer"/>. The logues are HTML written by whoever could upload into the
/// folder, so they are shown in an iframe with <c>sandbox</c> (no <c>allow-scripts</c>, no <c>allow-same-origin</c>):
/// their layout and styles work, their scripts do not run and they cannot reach the visitor's cookies or the page.
/// Sanitising them instead would break the author's markup in ways hard to predict; the sandbox keeps it as written.
/// </summary>
internal static class ListingDocs
{
    /// <summary>Bigger files are skipped: a listing must stay quick.</summary>
    private const long MaxBytes = 1 << 20;

    public readonly record struct Docs(string? Prologue, string? Epilogue, string? Readme);

    public static Docs Load(RequestContext rc)
    {
        var t = rc.Target;
        if (t.FsPath is null || t.IsVirtual)
        {
            return default;
        }
        var m = rc.Options.Media;
        return new Docs(
            m.NoLogues ? null : Read(t.FsPath, ".prologue.html"),
            m.NoLogues ? null : Read(t.FsPath, ".epilogue.html"),
            m.NoReadme ? null : Read(t.FsPath, "README.md") ?? Read(t.FsPath, "readme.md"));
    }

    private static string? Read(string folder, string name)
    {
        try
        {
            var f = new FileInfo(Path.Combine(folder, name));
            // a regular file only: a symlink here could point anywhere on the server
            if (!f.Exists || f.Length > MaxBytes || f.LinkTarget is not null)
            {
                return null;
            }
            return File.ReadAllText(f.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A logue as a sandboxed iframe (its HTML in <c>srcdoc</c>, attribute-escaped).</summary>
    public static void AppendLogue(StringBuilder sb, string html, string id) =>
        sb.Append("<iframe class=\"logue\" id=\"").Append(id).Append("\" sandbox title=\"").Append(id).Append("\" srcdoc=\"")
            .Append(WebUtility.HtmlEncode(html)).Append("\"></iframe>\n");

    public static void AppendReadme(StringBuilder sb, string markdown) =>
        sb.Append("<article id=\"readme\" class=\"md\">\n").Append(MarkdownRenderer.ToHtml(markdown)).Append("</article>\n");
}
