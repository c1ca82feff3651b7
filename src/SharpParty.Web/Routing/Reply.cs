using System.Text;
using Microsoft.AspNetCore.Http;
using SharpParty.Core.Vfs;

namespace SharpParty.Web.Routing;

/// <summary>
/// Error and short text replies, in copyparty's shape: <c>text/html</c>, "&lt;pre&gt;" + message + "\r\nURL: vpath\r\n",
/// because its clients match on the message text. No stack trace or server path ever goes out.
/// </summary>
internal static class Reply
{
    public static Task Error(RequestContext rc, int status, string message)
    {
        var r = rc.Response;
        if (r.HasStarted)
        {
            rc.Http.Abort();
            return Task.CompletedTask;
        }
        r.StatusCode = status;
        r.ContentType = "text/html; charset=utf-8";
        rc.Note ??= message;
        var body = "<pre>" + Escape(message + "\r\nURL: " + rc.Target.VPath + "\r\n");
        return Write(rc, body);
    }

    /// <summary>As copyparty's html_escape: only &amp;, &lt; and &gt;, so that quotes and non-ASCII text reach the
    /// clients that match on these messages unchanged.</summary>
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static Task Text(RequestContext rc, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        rc.Response.StatusCode = status;
        rc.Response.ContentType = contentType;
        return Write(rc, text);
    }

    private static Task Write(RequestContext rc, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        rc.Response.ContentLength = bytes.Length;
        return rc.IsHead ? Task.CompletedTask : rc.Response.Body.WriteAsync(bytes).AsTask();
    }

    /// <summary>Maps a resolver failure to its status (house rule 7: one place).</summary>
    public static Task VfsFailure(RequestContext rc, VfsResult res) => res.Error switch
    {
        VfsError.BadPath => Error(rc, 400, res.Reason),
        VfsError.Forbidden => Forbidden(rc, res.Reason),
        _ => Error(rc, 404, "404 not found ┐( ´ -`)┌"),
    };

    /// <summary>403, or 404 with <c>--vague-403</c> so that a prober cannot tell what exists.</summary>
    public static Task Forbidden(RequestContext rc, string reason) =>
        rc.Options.Vague403 ? Error(rc, 404, "404 not found ┐( ´ -`)┌") : Error(rc, 403, reason);
}
