using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;
using SharpParty.Web.Download;

namespace SharpParty.Web.WebDav;

/// <summary>
/// The common case of a PROPFIND member, written as text in one piece instead of twenty XmlWriter calls: live
/// properties only (allprop, or a prop list of DAV: names we have), no dead properties, no locks, and a name made of
/// ordinary characters. The output is byte for byte what <see cref="PropWriter"/> writes (a test compares them); anything
/// else goes to <see cref="PropWriter"/>. A Windows or Finder client asks this of every member of every folder it opens,
/// and the per-element work of XmlWriter (namespace scope checks, state machine) was most of a 10,000-member answer.
/// </summary>
internal static class FastPropWriter
{
    private const string SupportedLock =
        "<D:supportedlock><D:lockentry><D:lockscope><D:exclusive /></D:lockscope><D:locktype><D:write /></D:locktype></D:lockentry>"
        + "<D:lockentry><D:lockscope><D:shared /></D:lockscope><D:locktype><D:write /></D:locktype></D:lockentry></D:supportedlock>";

    /// <summary>Writes the response and returns true, or returns false having written nothing.</summary>
    public static bool TryWrite(XmlWriter w, StringBuilder sb, DavResource r, PropRequest req, List<DeadProp> dead, List<DavLock> locks)
    {
        if (dead.Count > 0 || locks.Count > 0 || req.Kind == PropRequestKind.PropName)
        {
            return false;
        }
        var name = DavPaths.Name(r.VPath);
        var href = DavPaths.Href(r.VPath, r.IsDir);
        if (name.Length == 0 || !Plain(name) || !Plain(href))
        {
            return false;
        }
        if (req.Kind == PropRequestKind.Prop && !req.Names.TrueForAll(n => n.NamespaceName == MultistatusWriter.Dav && PropWriter.Has(r, n)))
        {
            return false; // some would go to a 404 propstat
        }
        sb.Clear();
        sb.Append("<D:response><D:href>");
        Escape(sb, href);
        sb.Append("</D:href><D:propstat><D:prop>");
        if (req.Kind == PropRequestKind.AllProp)
        {
            foreach (var n in PropWriter.Live)
            {
                if (PropWriter.Has(r, n))
                {
                    Append(sb, r, n.LocalName, name);
                }
            }
        }
        else
        {
            foreach (var n in req.Names)
            {
                Append(sb, r, n.LocalName, name);
            }
        }
        sb.Append("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>");
        var len = sb.Length;
        var buf = ArrayPool<char>.Shared.Rent(len);
        sb.CopyTo(0, buf, len);
        w.WriteRaw(buf, 0, len);
        ArrayPool<char>.Shared.Return(buf);
        return true;
    }

    private static void Append(StringBuilder sb, DavResource r, string prop, string name)
    {
        switch (prop)
        {
            case "displayname":
                sb.Append("<D:displayname>");
                Escape(sb, name);
                sb.Append("</D:displayname>");
                break;
            case "getcontentlength":
                sb.Append("<D:getcontentlength>").Append(r.Length.ToString(CultureInfo.InvariantCulture)).Append("</D:getcontentlength>");
                break;
            case "getlastmodified":
                sb.Append("<D:getlastmodified>").Append(r.MTimeUtc.ToString("R", CultureInfo.InvariantCulture)).Append("</D:getlastmodified>");
                break;
            case "creationdate":
                sb.Append("<D:creationdate>").Append(r.CTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("</D:creationdate>");
                break;
            case "resourcetype":
                sb.Append(r.IsDir ? "<D:resourcetype><D:collection /></D:resourcetype>" : "<D:resourcetype />");
                break;
            case "getcontenttype":
                sb.Append("<D:getcontenttype>");
                Escape(sb, MimeTypes.ForName(name));
                sb.Append("</D:getcontenttype>");
                break;
            case "getetag":
                sb.Append("<D:getetag>");
                Escape(sb, Preconditions.ETagFor(r.Length, r.MTimeUtc));
                sb.Append("</D:getetag>");
                break;
            case "supportedlock":
                sb.Append(SupportedLock);
                break;
            case "lockdiscovery":
                sb.Append("<D:lockdiscovery />");
                break;
            default:
                throw new InvalidOperationException("not a live property: " + prop);
        }
    }

    /// <summary>Text XmlWriter writes as it is, apart from the three characters it escapes: no control characters
    /// (which it refuses) and no surrogates (which it checks for pairing).</summary>
    private static bool Plain(string s)
    {
        foreach (var c in s)
        {
            if (c < 0x20 || char.IsSurrogate(c) || c >= 0xFFFE)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>What XmlWriter.WriteString does to text content.</summary>
    private static void Escape(StringBuilder sb, string s)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var rep = s[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            };
            if (rep is not null)
            {
                sb.Append(s, start, i - start).Append(rep);
                start = i + 1;
            }
        }
        sb.Append(s, start, s.Length - start);
    }
}
