using System.Buffers;
using System.Text.Json;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Relay;

/// <summary>
/// <c>GET /.cpr/relay</c> without a WebSocket upgrade: the relay's counters as JSON, for accounts with <c>a</c>
/// (admin) on some volume, as copyparty shows its metrics to admins only. The same figures go to the log when a pair ends.
/// </summary>
internal static class RelayStatus
{
    public static bool Wants(Microsoft.AspNetCore.Http.HttpContext http, string rawPath, Core.Config.ServerOptions options) =>
        options.Relay.Active && rawPath == RelayEndpoint.Path
        && (Microsoft.AspNetCore.Http.HttpMethods.IsGet(http.Request.Method) || Microsoft.AspNetCore.Http.HttpMethods.IsHead(http.Request.Method));

    public static async Task HandleAsync(RequestContext rc, RelayHub hub)
    {
        if (!rc.Options.Vfs.Volumes.Any(v => (v.PermsFor(rc.User) & Perm.Admin) != 0))
        {
            await Reply.Error(rc, 403, "the relay's counters are for admins (a permission on some volume)");
            return;
        }
        var c = hub.Counters;
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteNumber("pairs", c.ActivePairs);
            w.WriteNumber("waiting", c.Waiting);
            w.WriteNumber("pairs_total", c.PairsTotal);
            w.WriteNumber("bytes_total", c.BytesTotal);
            w.WriteNumber("messages_total", c.MessagesTotal);
            w.WriteNumber("stored_total", c.StoredTotal);
            w.WriteNumber("served_total", c.ServedTotal);
            w.WriteEndObject();
        }
        rc.Response.StatusCode = 200;
        rc.Response.ContentType = "application/json";
        rc.Response.Headers.CacheControl = "no-store";
        rc.Response.ContentLength = buf.WrittenCount;
        if (!rc.IsHead)
        {
            await rc.Response.Body.WriteAsync(buf.WrittenMemory);
        }
    }
}
