using SharpParty.Core.Vfs;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>URL and name helpers shared by the WebDAV handlers.</summary>
internal static class DavPaths
{
    /// <summary>The href of a virtual path: percent-encoded, with a trailing slash for collections (RFC 4918 §8.3).</summary>
    public static string Href(string vpath, bool isDir) =>
        vpath.Length == 0 ? "/" : "/" + UrlPath.Quote(vpath) + (isDir ? "/" : "");

    public static string Parent(string vpath)
    {
        var i = vpath.LastIndexOf('/');
        return i < 0 ? "" : vpath[..i];
    }

    public static string Name(string vpath) => vpath[(vpath.LastIndexOf('/') + 1)..];

    /// <summary>
    /// A Destination or If-tag URL (RFC 4918 §10.3: absolute URI, or a path) → its raw path on this server; false when it
    /// names another server (another scheme, host or port), which a COPY/MOVE answers with 502 (§9.8.5).
    /// </summary>
    public static bool TryLocalPath(RequestContext rc, string url, out string rawPath)
    {
        rawPath = "";
        if (url.Length == 0)
        {
            return false;
        }
        var rest = url;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !rest[..scheme].Contains('/', StringComparison.Ordinal))
        {
            var s = rest[..scheme];
            var afterScheme = rest[(scheme + 3)..];
            var slash = afterScheme.IndexOf('/', StringComparison.Ordinal);
            var host = slash < 0 ? afterScheme : afterScheme[..slash];
            if (!s.Equals(rc.Request.Scheme, StringComparison.OrdinalIgnoreCase)
                || !host.Equals(rc.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            rest = slash < 0 ? "/" : afterScheme[slash..];
        }
        if (rest.Length == 0 || rest[0] != '/')
        {
            return false;
        }
        var cut = rest.IndexOfAny(['?', '#']);
        rawPath = cut < 0 ? rest : rest[..cut];
        return true;
    }

    /// <summary>macOS Finder junk, by copyparty's list (APPLESAN): AppleDouble files, folder settings, indexes and trash.</summary>
    public static bool IsMacJunk(string name) =>
        name.StartsWith("._", StringComparison.Ordinal) || name.StartsWith("__MACOS", StringComparison.Ordinal) || name == "Icon\r"
        || name.StartsWith(".DocumentRevisions-", StringComparison.Ordinal) || name.StartsWith(".Spotlight-", StringComparison.Ordinal)
        || name is ".DS_Store" or ".AppleDouble" or ".LSOverride" or ".fseventsd" or ".TemporaryItems" or ".Trashes" or ".VolumeIcon.icns"
            or ".com.apple.timemachine.donotpresent" or ".AppleDB" or ".AppleDesktop" or ".apdisk";

    /// <summary>
    /// Refuses creating macOS junk as copyparty does: 423 with lock-token-submitted, which Finder takes quietly
    /// (a 403 makes it abort the whole copy).
    /// </summary>
    public static async Task RefuseJunkAsync(RequestContext rc)
    {
        rc.Note = "macOS junk refused (--dav-mac allows it)";
        await using var e = MultistatusWriter.Start(rc, 423, "error");
        e.Xml.WriteStartElement("D", "lock-token-submitted", MultistatusWriter.Dav);
        e.Xml.WriteElementString("D", "href", MultistatusWriter.Dav, Href(rc.Target.VPath, false));
        e.Xml.WriteEndElement();
    }

    /// <summary>Whether this request would create macOS junk that --dav-mac is off for.</summary>
    public static bool IsRefusedJunk(RequestContext rc, string vpath) => !rc.Options.DavMac && !rc.Options.NoDav && IsMacJunk(Name(vpath));

    /// <summary>The ETag a GET of this file would send (the same formula as <see cref="FileSender"/>); null for folders.</summary>
    public static string? ETagOf(string? fs)
    {
        if (fs is null)
        {
            return null;
        }
        var fi = new FileInfo(fs);
        return fi.Exists ? Preconditions.ETagFor(fi.Length, fi.LastWriteTimeUtc) : null;
    }

    /// <summary>
    /// On WebDAV methods a user lacking a permission is asked to log in when anonymous (401 with copyparty's realm "a",
    /// so that clients retry with credentials), and refused otherwise.
    /// </summary>
    public static Task Denied(RequestContext rc, string reason)
    {
        if (rc.User == Identity.Anonymous)
        {
            rc.Response.Headers.WWWAuthenticate = "Basic realm=\"a\"";
            return Reply.Error(rc, 401, reason);
        }
        return Reply.Forbidden(rc, reason);
    }
}
