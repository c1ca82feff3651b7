using System.Xml;
using System.Xml.Linq;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>The outcome of reading a WebDAV request body: a document, nothing (empty body), or why it was refused.</summary>
internal readonly record struct DavBody(XDocument? Doc, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Reads WebDAV request bodies safely: at most <see cref="MaxBody"/> bytes, no DTD (so no entities, internal or
/// external, and no billion laughs), no resolver, bounded nesting. Anything else is a 400 with a reason (RFC 4918 §8.2:
/// a body that is not well-formed is a 400).
/// </summary>
internal static class DavXml
{
    public const int MaxBody = 1 << 20;
    public const int MaxDepth = 64;
    public static readonly XNamespace D = "DAV:";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = MaxBody,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    public static async Task<DavBody> ReadAsync(RequestContext rc)
    {
        if (rc.Request.ContentLength > MaxBody)
        {
            return new DavBody(null, "xml body too large (max 1 MiB)");
        }
        var buf = new byte[Math.Min((int)(rc.Request.ContentLength ?? 16384) + 1, MaxBody + 1)];
        var n = 0;
        while (true)
        {
            if (n == buf.Length)
            {
                if (buf.Length > MaxBody)
                {
                    return new DavBody(null, "xml body too large (max 1 MiB)");
                }
                Array.Resize(ref buf, Math.Min(buf.Length * 2, MaxBody + 1));
            }
            var got = await rc.Request.Body.ReadAsync(buf.AsMemory(n), rc.Http.RequestAborted);
            if (got == 0)
            {
                break;
            }
            n += got;
        }
        if (n == 0)
        {
            return new DavBody(null, null);
        }
        return Parse(buf, n);
    }

    internal static DavBody Parse(byte[] buf, int n)
    {
        try
        {
            // first pass: depth only, so that a deep body never reaches the tree builder
            using (var r = XmlReader.Create(new MemoryStream(buf, 0, n, false), Settings))
            {
                while (r.Read())
                {
                    if (r.Depth > MaxDepth)
                    {
                        return new DavBody(null, "xml nested too deeply");
                    }
                }
            }
            using var r2 = XmlReader.Create(new MemoryStream(buf, 0, n, false), Settings);
            return new DavBody(XDocument.Load(r2), null);
        }
        catch (XmlException e)
        {
            return new DavBody(null, "bad xml: " + e.Message);
        }
    }
}
