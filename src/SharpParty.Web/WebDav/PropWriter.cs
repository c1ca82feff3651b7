using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using SharpParty.Web.Download;

namespace SharpParty.Web.WebDav;

/// <summary>What a PROPFIND asks for (RFC 4918 §9.1, §14.20): all properties, their names only, or the named ones.</summary>
internal sealed record PropRequest(PropRequestKind Kind, List<XName> Names)
{
    public static readonly PropRequest AllProp = new(PropRequestKind.AllProp, []);
}

internal enum PropRequestKind
{
    AllProp,
    PropName,
    Prop,
}

/// <summary>Writes one <c>D:response</c> of a PROPFIND: live properties from the stat, dead ones from the store, locks.</summary>
internal static class PropWriter
{
    private const string Dav = MultistatusWriter.Dav;

    /// <summary>The live properties we compute (RFC 4918 §15), in allprop order.</summary>
    public static readonly XName[] Live =
    [
        XName.Get("displayname", Dav), XName.Get("getcontentlength", Dav), XName.Get("getlastmodified", Dav),
        XName.Get("creationdate", Dav), XName.Get("resourcetype", Dav), XName.Get("getcontenttype", Dav),
        XName.Get("getetag", Dav), XName.Get("supportedlock", Dav), XName.Get("lockdiscovery", Dav),
    ];

    public static void Write(XmlWriter w, DavResource r, PropRequest req, List<DeadProp> dead, List<DavLock> locks, LockManager lm)
    {
        w.WriteStartElement("D", "response", Dav);
        w.WriteElementString("D", "href", Dav, DavPaths.Href(r.VPath, r.IsDir));
        List<XName>? missing = null;
        w.WriteStartElement("D", "propstat", Dav);
        w.WriteStartElement("D", "prop", Dav);
        switch (req.Kind)
        {
            case PropRequestKind.PropName:
                foreach (var n in Live)
                {
                    if (Has(r, n))
                    {
                        w.WriteStartElement("D", n.LocalName, Dav);
                        w.WriteEndElement();
                    }
                }
                foreach (var d in dead)
                {
                    WriteEmpty(w, d.Name);
                }
                break;
            case PropRequestKind.AllProp:
                foreach (var n in Live)
                {
                    if (Has(r, n))
                    {
                        WriteLive(w, r, n.LocalName, locks, lm);
                    }
                }
                foreach (var d in dead)
                {
                    w.WriteRaw(d.Xml);
                }
                break;
            default:
                foreach (var n in req.Names)
                {
                    if (n.NamespaceName == Dav && Has(r, n))
                    {
                        WriteLive(w, r, n.LocalName, locks, lm);
                    }
                    else if (dead.FindIndex(d => d.Name == n) is var i && i >= 0)
                    {
                        w.WriteRaw(dead[i].Xml);
                    }
                    else
                    {
                        (missing ??= []).Add(n);
                    }
                }
                break;
        }
        w.WriteEndElement();
        w.WriteElementString("D", "status", Dav, MultistatusWriter.StatusLine(200));
        w.WriteEndElement();
        if (missing is not null)
        {
            w.WriteStartElement("D", "propstat", Dav);
            w.WriteStartElement("D", "prop", Dav);
            foreach (var n in missing)
            {
                WriteEmpty(w, n);
            }
            w.WriteEndElement();
            w.WriteElementString("D", "status", Dav, MultistatusWriter.StatusLine(404));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>An empty element for a property name; DAV: names use the D prefix, others a local declaration.</summary>
    public static void WriteEmpty(XmlWriter w, XName n)
    {
        if (n.NamespaceName == Dav)
        {
            w.WriteStartElement("D", n.LocalName, Dav);
        }
        else if (n.NamespaceName.Length == 0)
        {
            w.WriteStartElement(n.LocalName);
        }
        else
        {
            w.WriteStartElement("X", n.LocalName, n.NamespaceName);
        }
        w.WriteEndElement();
    }

    internal static bool Has(DavResource r, XName n) => n.LocalName switch
    {
        "getcontentlength" or "getcontenttype" or "getetag" => !r.IsDir,
        "displayname" or "getlastmodified" or "creationdate" or "resourcetype" or "supportedlock" or "lockdiscovery" => true,
        _ => false,
    };

    private static void WriteLive(XmlWriter w, DavResource r, string name, List<DavLock> locks, LockManager lm)
    {
        w.WriteStartElement("D", name, Dav);
        switch (name)
        {
            case "displayname":
                w.WriteString(DavPaths.Name(r.VPath));
                break;
            case "getcontentlength":
                w.WriteString(r.Length.ToString(CultureInfo.InvariantCulture));
                break;
            case "getlastmodified":
                w.WriteString(r.MTimeUtc.ToString("R", CultureInfo.InvariantCulture));
                break;
            case "creationdate":
                w.WriteString(r.CTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                break;
            case "resourcetype":
                if (r.IsDir)
                {
                    w.WriteStartElement("D", "collection", Dav);
                    w.WriteEndElement();
                }
                break;
            case "getcontenttype":
                w.WriteString(MimeTypes.ForName(DavPaths.Name(r.VPath)));
                break;
            case "getetag":
                w.WriteString(Preconditions.ETagFor(r.Length, r.MTimeUtc));
                break;
            case "supportedlock":
                foreach (var scope in (string[])["exclusive", "shared"])
                {
                    w.WriteStartElement("D", "lockentry", Dav);
                    w.WriteStartElement("D", "lockscope", Dav);
                    w.WriteStartElement("D", scope, Dav);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    w.WriteStartElement("D", "locktype", Dav);
                    w.WriteStartElement("D", "write", Dav);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                break;
            case "lockdiscovery":
                foreach (var l in locks)
                {
                    WriteActiveLock(w, l, lm);
                }
                break;
        }
        w.WriteEndElement();
    }

    /// <summary>One <c>D:activelock</c> (RFC 4918 §14.1).</summary>
    public static void WriteActiveLock(XmlWriter w, DavLock l, LockManager lm)
    {
        w.WriteStartElement("D", "activelock", Dav);
        w.WriteStartElement("D", "locktype", Dav);
        w.WriteStartElement("D", "write", Dav);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("D", "lockscope", Dav);
        w.WriteStartElement("D", l.Exclusive ? "exclusive" : "shared", Dav);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("D", "depth", Dav, l.Infinite ? "infinity" : "0");
        if (l.OwnerXml is not null)
        {
            w.WriteRaw(l.OwnerXml);
        }
        w.WriteElementString("D", "timeout", Dav, "Second-" + lm.SecondsLeft(l).ToString(CultureInfo.InvariantCulture));
        w.WriteStartElement("D", "locktoken", Dav);
        w.WriteElementString("D", "href", Dav, l.Token);
        w.WriteEndElement();
        w.WriteStartElement("D", "lockroot", Dav);
        w.WriteElementString("D", "href", Dav, DavPaths.Href(l.Root, false));
        w.WriteEndElement();
        w.WriteEndElement();
    }
}
