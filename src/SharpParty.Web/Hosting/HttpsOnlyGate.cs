using Microsoft.AspNetCore.Http;

namespace SharpParty.Web.Hosting;

/// <summary>
/// <c>--https-only</c>: a plain-HTTP request gets a 400 with one line saying why, then the connection closes. copyparty
/// hands such a connection to the TLS handshake, which fails on "GET " and resets it without a word; a reason that
/// curl or a browser can show is kinder, and nothing but that line is served in the clear.
/// </summary>
internal static class HttpsOnlyGate
{
    private const string Reason = "this server speaks HTTPS only (--https-only): open the same address with https://\n";

    public static RequestDelegate Wrap(RequestDelegate next) => ctx => ctx.Request.IsHttps ? next(ctx) : RefuseAsync(ctx.Response);

    private static Task RefuseAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.Connection = "close";
        response.Headers.CacheControl = "no-store";
        response.ContentLength = Reason.Length;
        return response.WriteAsync(Reason);
    }
}
