using System.Net.WebSockets;

namespace SharpParty.Web.Relay;

/// <summary>
/// One direction of a pair: each fragment read from one socket is written to the other as it arrives, with the
/// same message type and end-of-message bit, so a message is never held whole (p2p-copy's relay reassembles each
/// message of up to 2 MiB first). A close is passed on with its code and reason.
/// </summary>
internal sealed class FramePump(RelayPeer from, RelayPeer to, RateGate gate, RelayHub hub, int maxMessage)
{
    public long Bytes { get; private set; }

    /// <summary>Why this direction stopped, for the other one and the log.</summary>
    public string? Failure { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var src = from.Socket;
        var dst = to.Socket;
        var buf = from.Buffer;
        long inMessage = 0;
        var first = from.EarlyRead;
        from.EarlyRead = null;
        try
        {
            while (true)
            {
                var r = first is not null ? await first : await src.ReceiveAsync(buf.AsMemory(0, RelayPeer.BufferSize), ct);
                first = null;
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (dst.State == WebSocketState.Open)
                    {
                        await dst.CloseOutputAsync(src.CloseStatus ?? WebSocketCloseStatus.NormalClosure, src.CloseStatusDescription, ct);
                    }
                    return;
                }
                inMessage += r.Count;
                if (inMessage > maxMessage)
                {
                    // as a WebSocket endpoint with a max size would: 1009 (RFC 6455 §7.4.1), to both
                    Failure = "message too big";
                    await CloseQuietly(src, WebSocketCloseStatus.MessageTooBig, "Message too big", ct);
                    await CloseQuietly(dst, WebSocketCloseStatus.MessageTooBig, "Message too big", ct);
                    return;
                }
                await gate.WaitAsync(r.Count, ct);
                await dst.SendAsync(buf.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, ct);
                if (r.EndOfMessage)
                {
                    inMessage = 0;
                    hub.AddMessage();
                }
                Bytes += r.Count;
                hub.AddBytes(r.Count);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            Failure ??= e is OperationCanceledException ? "cancelled" : "connection lost";
        }
    }

    private static async Task CloseQuietly(WebSocket ws, WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        try
        {
            if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await ws.CloseOutputAsync(status, reason, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }
}
