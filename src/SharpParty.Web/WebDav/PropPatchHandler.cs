using System.Globalization;
using System.Xml.Linq;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// PROPPATCH (RFC 4918 §9.2): sets and removes dead properties in document order, all or nothing. Live DAV:
/// properties are protected (403, the rest 424), except <c>getlastmodified</c> and Windows'
/// <c>Win32LastModifiedTime</c>, which set the file's mtime (as copyparty); the other Win32 times and attributes are
/// accepted and ignored, as copyparty does.
/// </summary>
internal sealed class PropPatchHandler(DeadPropStore props, WriteGuard guard)
{
    private const string Ms = "urn:schemas-microsoft-com:";
    private const int MaxValueChars = 64 * 1024;

    public async Task HandleAsync(RequestContext rc)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await DavPaths.Denied(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return;
        }
        var body = await DavXml.ReadAsync(rc);
        if (!body.Ok || body.Doc?.Root is not { } root || root.Name != DavXml.D + "propertyupdate")
        {
            await Reply.Error(rc, 400, body.Error ?? "expected a DAV:propertyupdate body");
            return;
        }
        var res = DavResource.Of(t);
        if (res is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        if (await guard.CheckAsync(rc, t.VPath, parent: false, below: false) is null)
        {
            return;
        }
        var changes = new List<(XName Name, string? Xml)>();
        var results = new List<(XName Name, int Status)>();
        DateTime? mtime = null;
        var failed = false;
        foreach (var op in root.Elements())
        {
            var set = op.Name == DavXml.D + "set";
            if (!set && op.Name != DavXml.D + "remove")
            {
                continue;
            }
            foreach (var p in op.Elements(DavXml.D + "prop").Elements())
            {
                var status = 200;
                if (p.Name == DavXml.D + "getlastmodified" || p.Name == XName.Get("Win32LastModifiedTime", Ms))
                {
                    if (set && DateTime.TryParse(p.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
                    {
                        mtime = when;
                    }
                    else
                    {
                        status = 409;
                    }
                }
                else if (p.Name.NamespaceName == Ms && p.Name.LocalName.StartsWith("Win32", StringComparison.Ordinal))
                {
                    // Win32CreationTime, Win32LastAccessTime, Win32FileAttributes: nothing to keep
                }
                else if (p.Name.NamespaceName == MultistatusWriter.Dav && Array.IndexOf(PropWriter.Live, p.Name) >= 0)
                {
                    status = 403; // cannot-modify-protected-property (§9.2)
                }
                else if (set)
                {
                    var xml = p.ToString(SaveOptions.DisableFormatting);
                    if (xml.Length > MaxValueChars)
                    {
                        status = 507;
                    }
                    else
                    {
                        changes.Add((p.Name, xml));
                    }
                }
                else
                {
                    changes.Add((p.Name, null));
                }
                failed |= status != 200;
                results.Add((p.Name, status));
            }
        }
        if (!failed && changes.Count > 0 && !props.Apply(t.Volume!, t.Rel, changes))
        {
            failed = true;
            results = results.Select(r => (r.Name, r.Status == 200 ? 507 : r.Status)).ToList();
        }
        if (!failed && mtime is { } m)
        {
            try
            {
                if (res.IsDir)
                {
                    Directory.SetLastWriteTimeUtc(t.FsPath!, m);
                }
                else
                {
                    File.SetLastWriteTimeUtc(t.FsPath!, m);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                results = results.Select(r => (r.Name, 409)).ToList();
            }
        }
        await using var ms = MultistatusWriter.Start(rc, 207);
        var w = ms.Xml;
        w.WriteStartElement("D", "response", MultistatusWriter.Dav);
        w.WriteElementString("D", "href", MultistatusWriter.Dav, DavPaths.Href(t.VPath, res.IsDir));
        // on failure the properties that would have worked are 424 Failed Dependency (§9.2.1)
        foreach (var group in results.Select(r => (r.Name, Status: failed && r.Status == 200 ? 424 : r.Status)).GroupBy(r => r.Status))
        {
            w.WriteStartElement("D", "propstat", MultistatusWriter.Dav);
            w.WriteStartElement("D", "prop", MultistatusWriter.Dav);
            foreach (var (name, _) in group)
            {
                PropWriter.WriteEmpty(w, name);
            }
            w.WriteEndElement();
            w.WriteElementString("D", "status", MultistatusWriter.Dav, MultistatusWriter.StatusLine(group.Key));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
