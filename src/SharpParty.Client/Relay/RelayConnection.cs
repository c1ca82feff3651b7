using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace SharpParty.Client.Relay;

/// <summary>One whole message received from the relay, in a pooled buffer that <see cref="Dispose"/> returns.</summary>
internal sealed class RelayMessage(bool isText, byte[] buffer, int length) : IDisposable
{
    public bool IsText { get; } = isText;

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => buffer.AsMemory(0, Length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
}

/// <summary>
/// A client's WebSocket to the relay, set up as p2p-copy's (spec §1.3 "Transport"): no permessage-deflate, messages
/// up to 2 MiB. Credentials in the URL (<c>ws://user:pass@host/</c>) go out as Basic auth, as Python's websockets
/// does; <c>?pw=</c> stays in the URL. http(s):// URLs are taken as ws(s)://.
/// </summary>
internal sealed class RelayConnection : IAsyncDisposable
{
    /// <summary>Our receive cap: p2p-copy's 2 MiB plus the slack our relay allows.</summary>
    public const int MaxMessage = WireFrame.MaxMessage + (64 << 10);

    private readonly WebSocket _ws;

    private RelayConnection(WebSocket ws) => _ws = ws;

    /// <summary>A socket accepted by the server, for the relay's mailbox, which plays one side itself. Not disposed here.</summary>
    public static RelayConnection Over(WebSocket accepted) => new(accepted) { _owned = false };

    private bool _owned = true;

    public static async Task<RelayConnection> ConnectAsync(string url, CancellationToken ct)
    {
        var b = new UriBuilder(url);
        b.Scheme = b.Scheme switch
        {
            "http" => "ws",
            "https" => "wss",
            _ => b.Scheme,
        };
        if (b.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"not a ws:// or wss:// URL: {url}");
        }
        var ws = new ClientWebSocket();
        ws.Options.DangerousDeflateOptions = null;
        ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        if (b.UserName.Length > 0 || b.Password.Length > 0)
        {
            var cred = Uri.UnescapeDataString(b.UserName) + ":" + Uri.UnescapeDataString(b.Password);
            ws.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(cred)));
            b.UserName = b.Password = "";
        }
        try
        {
            await ws.ConnectAsync(b.Uri, ct);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
        return new RelayConnection(ws);
    }

    public ValueTask SendTextAsync(ReadOnlyMemory<byte> json, CancellationToken ct) =>
        _ws.SendAsync(json, WebSocketMessageType.Text, true, ct);

    public ValueTask SendBinaryAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) =>
        _ws.SendAsync(frame, WebSocketMessageType.Binary, true, ct);

    /// <summary>The next whole message, or null when the other side closed. A message over the cap throws.</summary>
    public async Task<RelayMessage?> ReceiveAsync(CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(MaxMessage);
        var n = 0;
        try
        {
            while (true)
            {
                if (n == buf.Length)
                {
                    throw new RelayProtocolException($"message over {MaxMessage} bytes");
                }
                var r = await _ws.ReceiveAsync(buf.AsMemory(n), ct);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buf);
                    return null;
                }
                n += r.Count;
                if (r.EndOfMessage)
                {
                    return new RelayMessage(r.MessageType == WebSocketMessageType.Text, buf, n);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buf);
            throw;
        }
    }

    /// <summary>The other side's close code, once it closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _ws.CloseStatus;

    /// <summary>Why the relay closed, when it did (e.g. "Duplicate role for code").</summary>
    public string? CloseReason => _ws.CloseStatus is { } s ? $"{(int)s} {_ws.CloseStatusDescription}".TrimEnd() : null;

    /// <summary>A graceful close: the relay has then read everything we sent (an abortive close could drop the tail).</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Sends our close without waiting for the answer (another task is reading); with a reason, for a
    /// transfer given up (the relay passes it on to the other side).</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? reason = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        // a close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5)
        while (reason is not null && Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }
        try
        {
            if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _ws.CloseOutputAsync(status, reason, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_owned)
        {
            _ws.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The peer broke the protocol (bad JSON, a sequence or checksum mismatch…): the transfer stops with this message.</summary>
internal sealed class RelayProtocolException(string message) : Exception(message);
