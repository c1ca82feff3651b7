using Microsoft.AspNetCore.Http;

namespace SharpParty.Web.Routing;

/// <summary>Method + query keys + content type → <see cref="HttpVerb"/>. The only place that makes this decision.</summary>
internal static class VerbClassifier
{
    public static HttpVerb Classify(RequestContext rc, bool isFolder)
    {
        var m = rc.Request.Method;
        var q = rc.Query;
        if (HttpMethods.IsGet(m) || HttpMethods.IsHead(m))
        {
            if (q.Has("reload"))
            {
                return HttpVerb.Reload;
            }
            if (q.Has("scan"))
            {
                return HttpVerb.Rescan;
            }
            if (q.Has("move") || q.Has("copy") || q.Has("delete"))
            {
                // as copyparty without --getmod: changes need POST, so a link or prefetch cannot delete anything
                return HttpVerb.MethodNotAllowed;
            }
            if (q.Has("th"))
            {
                return HttpVerb.Thumbnail;
            }
            if (!isFolder && q.Has("v"))
            {
                return HttpVerb.MarkdownView;
            }
            if (!isFolder && (q.Has("edit") || q.Has("edit2")))
            {
                return HttpVerb.MarkdownEdit;
            }
            if (q.Has("ls"))
            {
                return HttpVerb.ListJson;
            }
            if (q.Has("ups"))
            {
                return HttpVerb.UnpostList;
            }
            if (q.Has("tree"))
            {
                return HttpVerb.Tree;
            }
            if (isFolder && q.Has("h"))
            {
                return HttpVerb.ControlPanel;
            }
            if (isFolder && (q.Has("zip") || q.Has("tar")))
            {
                return HttpVerb.Archive;
            }
            return isFolder ? HttpVerb.Listing : HttpVerb.GetFile;
        }
        if (HttpMethods.IsPut(m))
        {
            return HttpVerb.Put;
        }
        if (HttpMethods.IsDelete(m))
        {
            return HttpVerb.Delete;
        }
        if (HttpMethods.IsOptions(m))
        {
            return HttpVerb.Options;
        }
        if (!HttpMethods.IsPost(m))
        {
            return rc.Options.NoDav ? HttpVerb.MethodNotAllowed : DavVerb(m);
        }
        if (q.Has("move"))
        {
            return HttpVerb.Move;
        }
        if (q.Has("copy"))
        {
            return HttpVerb.Copy;
        }
        var ct = rc.Request.ContentType ?? "";
        if (q.Has("delete"))
        {
            return ct.Contains("json", StringComparison.OrdinalIgnoreCase) || (rc.Request.ContentLength ?? 0) > 0
                ? HttpVerb.DeleteBatch
                : HttpVerb.Delete;
        }
        if (q.Has("raw"))
        {
            return HttpVerb.PostRaw;
        }
        if (ct.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return HttpVerb.PostMultipart;
        }
        if (ct.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return HttpVerb.PostMsg;
        }
        // as copyparty: JSON bodies (u2c sends application/json, the browser's XHR text/plain) are up2k handshakes
        if (ct.Contains("application/json", StringComparison.OrdinalIgnoreCase) || ct.Contains("text/plain", StringComparison.OrdinalIgnoreCase)
            || ct.Contains("application/xml", StringComparison.OrdinalIgnoreCase))
        {
            return HttpVerb.Up2kHandshake;
        }
        if (ct.Contains("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return HttpVerb.Up2kChunk;
        }
        return HttpVerb.Unknown;
    }

    /// <summary>The WebDAV methods (RFC 4918 §9), matched case-sensitively as HTTP methods are.</summary>
    private static HttpVerb DavVerb(string m) => m switch
    {
        "PROPFIND" => HttpVerb.PropFind,
        "PROPPATCH" => HttpVerb.PropPatch,
        "MKCOL" => HttpVerb.Mkcol,
        "COPY" => HttpVerb.DavCopy,
        "MOVE" => HttpVerb.DavMove,
        "LOCK" => HttpVerb.Lock,
        "UNLOCK" => HttpVerb.Unlock,
        _ => HttpVerb.MethodNotAllowed,
    };
}
