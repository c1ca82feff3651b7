using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SharpParty.Web.Markdown;

/// <summary>
/// Markdown to HTML that is safe to put in front of another visitor: an uploaded file must not be able to run script
/// in the page (stored XSS). Three layers: (1) raw HTML is not passed through at all (<c>DisableHtml</c>: an inline
/// <c>&lt;script&gt;</c>, <c>&lt;img onerror=…&gt;</c> or an HTML block comes out as escaped text); (2) extensions that
/// let the author write attributes or embed frames (generic attributes, media links) are not enabled; (3) every link
/// and image URL is checked against a scheme allow-list after the same normalisation a browser applies, so
/// <c>javascript:</c>, <c>vbscript:</c> and <c>data:</c> links (also spelled with entities, tabs or upper case) become
/// harmless. The pages that show the result also send a Content-Security-Policy without inline script.
/// </summary>
internal static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseGridTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseFootnotes()
        .UseDefinitionLists()
        .UseListExtras()
        .UseAbbreviations()
        .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
        .Build();

    public static string ToHtml(string markdown)
    {
        var doc = Markdig.Markdown.Parse(markdown, Pipeline);
        foreach (var node in doc.Descendants())
        {
            switch (node)
            {
                case LinkInline link:
                    if (!IsSafeUrl(link.Url, link.IsImage))
                    {
                        link.Url = "#";
                    }
                    break;
                case AutolinkInline auto:
                    if (!IsSafeUrl(auto.Url, image: false))
                    {
                        auto.Url = "#";
                    }
                    break;
            }
        }
        // link reference definitions are resolved into LinkInline above; drop their URLs too so nothing else reads them
        foreach (var def in doc.Descendants<Markdig.Syntax.LinkReferenceDefinition>())
        {
            if (!IsSafeUrl(def.Url, image: false))
            {
                def.Url = "#";
            }
        }
        return doc.ToHtml(Pipeline);
    }

    /// <summary>
    /// Allowed: relative URLs (no scheme), <c>#fragments</c>, <c>http</c>, <c>https</c>, <c>mailto</c>, <c>ftp</c>, and for
    /// images only <c>data:image/(png|jpeg|gif|webp)</c> (an image cannot run script; SVG could, so it is not allowed).
    /// The scheme is read as a browser reads it (WHATWG URL): leading C0 controls and spaces trimmed, tabs and newlines
    /// removed anywhere, case folded.
    /// </summary>
    internal static bool IsSafeUrl(string? url, bool image)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }
        var clean = new System.Text.StringBuilder(Math.Min(url.Length, 64));
        foreach (var c in url.TrimStart((char[])[.. Enumerable.Range(0, 0x21).Select(i => (char)i)]))
        {
            if (c is '\t' or '\n' or '\r')
            {
                continue;
            }
            clean.Append(c);
            if (clean.Length >= 64)
            {
                break;
            }
        }
        var s = clean.ToString();
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }
        var end = s.IndexOfAny(['/', '?', '#']);
        if (end >= 0 && end < colon)
        {
            return true; // the colon is in the path or query: a relative URL
        }
        var scheme = s[..colon].ToLowerInvariant();
        if (scheme is "http" or "https" or "mailto" or "ftp")
        {
            return true;
        }
        if (image && scheme == "data")
        {
            var rest = s[(colon + 1)..].ToLowerInvariant();
            return rest.StartsWith("image/png", StringComparison.Ordinal) || rest.StartsWith("image/jpeg", StringComparison.Ordinal)
                || rest.StartsWith("image/gif", StringComparison.Ordinal) || rest.StartsWith("image/webp", StringComparison.Ordinal);
        }
        return false;
    }
}
