using System.Net.WebSockets;
using System.Text;

namespace SharpParty.Relay.Tests.Infra;

/// <summary>A hand-driven WebSocket client: sends and records exact messages, to test the relay and our commands on the wire.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();

    public static string HelloJson(string hash, string role) => $"{{\"type\":\"hello\",\"code_hash_hex\":\"{hash}\",\"role\":\"{role}\"}}";

    public static async Task<RawPeer> ConnectAsync(string url, string? hello = null, Action<ClientWebSocketOptions>? setup = null)
    {
        var p = new RawPeer();
        setup?.Invoke(p._ws.Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await p._ws.ConnectAsync(new Uri(url), cts.Token);
        if (hello is not null)
        {
            await p.SendTextAsync(hello);
        }
        return p;
    }

    public WebSocketCloseStatus? CloseStatus => _ws.CloseStatus;

    public string? CloseReason => _ws.CloseStatusDescription;

    public WebSocketState State => _ws.State;

    public Task SendTextAsync(string s) => _ws.SendAsync(Encoding.UTF8.GetBytes(s), WebSocketMessageType.Text, true, Timeout());

    public Task SendBinaryAsync(byte[] b, bool endOfMessage = true) => _ws.SendAsync(b, WebSocketMessageType.Binary, endOfMessage, Timeout());

    /// <summary>The next whole message (text or binary), or null at a close.</summary>
    public async Task<(bool Text, byte[] Data)?> ReceiveAsync(TimeSpan? within = null)
    {
        var ms = new MemoryStream();
        var buf = new byte[64 << 10];
        var ct = Timeout(within);
        while (true)
        {
            var r = await _ws.ReceiveAsync(buf, ct);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            ms.Write(buf, 0, r.Count);
            if (r.EndOfMessage)
            {
                return (r.MessageType == WebSocketMessageType.Text, ms.ToArray());
            }
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? within = null)
    {
        var m = await ReceiveAsync(within) ?? throw new InvalidOperationException($"closed: {CloseStatus} {CloseReason}");
        Assert.True(m.Text, "expected a text message");
        return Encoding.UTF8.GetString(m.Data);
    }

    /// <summary>Waits for the relay to close us; returns the close code.</summary>
    public async Task<int?> ExpectClosedAsync(TimeSpan within)
    {
        try
        {
            while (await ReceiveAsync(within) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
        return (int?)CloseStatus;
    }

    public async Task CloseAsync()
    {
        if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Timeout(TimeSpan.FromSeconds(3)));
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
    }

    private static CancellationToken Timeout(TimeSpan? t = null) => new CancellationTokenSource(t ?? TimeSpan.FromSeconds(60)).Token;

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _ws.Dispose();
    }
}
