using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace SharpParty.Web.Hosting;

/// <summary>
/// Lets one port speak plain HTTP and HTTPS, as copyparty does: the first byte of each connection decides. The TLS work
/// itself is Kestrel's own HTTPS middleware (handshake timeout, ALPN, the ITlsConnectionFeature that makes
/// <c>Request.IsHttps</c> true); this only routes each connection either through it or straight to HTTP.
/// </summary>
/// <remarks>
/// The pipeline on one endpoint is [detection] → [Kestrel HTTPS] → [capture] → [Kestrel HTTP]. Kestrel builds it from the
/// inside out, so the capture step sees the HTTP delegate before the detection step is called, and a plain connection
/// skips the HTTPS step entirely. The peek consumes nothing: whichever side is chosen reads the same bytes from the
/// transport pipe, so the plain path has no extra copy and no extra buffer.
/// </remarks>
internal sealed class TlsDetection(TimeSpan firstByteTimeout)
{
    // RFC 8446 §5.1 and RFC 5246 §6.2.1: every TLS record starts with its ContentType, and a client's first record is a
    // handshake(22) carrying the ClientHello. An HTTP request starts with a method, a token of printable characters
    // (RFC 9110 §9.1), so 0x16 never begins plain HTTP. (copyparty instead treats "not an HTTP verb in the first 4
    // bytes" as TLS; we hand such garbage to HTTP, which answers 400.)
    private const byte HandshakeRecord = 0x16;

    private ConnectionDelegate? _plain;

    /// <summary>Sets up <paramref name="listen"/>: HTTP/1.1 only (copyparty has no HTTP/2; ALPN offers http/1.1).</summary>
    public static void Configure(ListenOptions listen, TlsHandshakeCallbackOptions https, TimeSpan firstByteTimeout)
    {
        var detection = new TlsDetection(firstByteTimeout);
        listen.Protocols = HttpProtocols.Http1;
        listen.Use(tls => ctx => detection.RouteAsync(ctx, tls));
        listen.UseHttps(https);
        listen.Use(plain =>
        {
            detection._plain = plain;
            return plain;
        });
    }

    private async Task RouteAsync(ConnectionContext connection, ConnectionDelegate tls)
    {
        var input = connection.Transport.Input;
        ReadResult read;
        // nothing guards a connection before Kestrel's HTTP code starts its own timeouts, so a silent client must not
        // hold this wait open forever
        using (var timeout = new CancellationTokenSource(firstByteTimeout))
        {
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return; // closes the connection, as Kestrel does when no request arrives in time
            }
        }
        var buffer = read.Buffer;
        var reader = new SequenceReader<byte>(buffer);
        var hasByte = reader.TryPeek(out var first);
        // consumed and examined nothing: the next ReadAsync, by HTTP or by the SslStream, returns these same bytes
        input.AdvanceTo(buffer.Start);
        if (!hasByte)
        {
            return; // closed without sending anything
        }
        await (first == HandshakeRecord ? tls : _plain!)(connection);
    }
}
