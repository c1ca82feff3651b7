using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Relay;

/// <summary>
/// The relay endpoint (spec p2p-copy-relay.md §1.3, §1.5): a WebSocket at <c>/.cpr/relay</c> (any path with
/// <c>--relay-root</c>); each client says hello with a code hash and a role, one sender and one receiver with the
/// same hash are paired, <c>{"type":"ready"}</c> goes to the sender only, then every fragment is forwarded both ways
/// until one side closes; the other gets a second to finish, as in p2p-copy.
/// </summary>
internal sealed partial class RelayEndpoint(RelayHub hub, RelayMailbox mailbox, TimeProvider time, ILogger<RelayEndpoint> log)
{
    public const string Path = "/.cpr/relay";

    /// <summary>p2p-copy's READY, byte for byte.</summary>
    private static readonly byte[] Ready = "{\"type\":\"ready\"}"u8.ToArray();

    /// <summary>1013 "try again later" (RFC 6455 §7.4.1 registry), as p2p-copy's duplicate-role close.</summary>
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>A client has this long to say hello after the upgrade.</summary>
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(30);

    /// <summary>After one direction ends, the other may still drain this long (p2p-copy: 1 s).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>… and this long after a clean close (p2p-copy's relay closes the other side gracefully after its second;
    /// ours aborts, so it waits for the close to be answered).</summary>
    private static readonly TimeSpan CleanGrace = TimeSpan.FromSeconds(30);

    /// <summary>Whether this request is for the relay: a WebSocket upgrade at its path, with the relay on.</summary>
    public static bool Wants(HttpContext http, string rawPath, ServerOptions options) =>
        options.Relay.Active && http.WebSockets.IsWebSocketRequest && (options.Relay.AnyPath || rawPath == Path
            || (options.Relay.BoxWait is not null && rawPath.StartsWith(Path + "/", StringComparison.Ordinal)));

    /// <summary>The mailbox folder (or file) a URL names: <c>/.cpr/relay/FOLDER</c> with <c>--relay-box</c>, resolved
    /// by the Vfs for this user; null for the plain relay.</summary>
    private static VfsResult? BoxTarget(RequestContext rc) =>
        rc.Options.Relay.BoxWait is not null && rc.RawPath.StartsWith(Path + "/", StringComparison.Ordinal)
            ? rc.Options.Vfs.ResolveUrl(rc.RawPath.AsSpan(Path.Length), rc.User)
            : null;

    /// <summary>The counters, for <see cref="RelayStatus"/>.</summary>
    public Task StatusAsync(RequestContext rc) => RelayStatus.HandleAsync(rc, hub);

    public async Task HandleAsync(RequestContext rc)
    {
        var relay = rc.Options.Relay;
        if (!relay.Allows(rc.User))
        {
            if (rc.User == Core.Vfs.Identity.Anonymous)
            {
                // Python websockets sends ws://user:pass@host as Basic auth unasked; the challenge is for curl and browsers
                rc.Response.Headers.WWWAuthenticate = "Basic realm=\"relay\"";
                await Reply.Error(rc, 401, "the relay needs a password (?pw= or basic auth)");
            }
            else
            {
                await Reply.Error(rc, 403, "this account may not use the relay");
            }
            return;
        }
        var box = BoxTarget(rc);
        if (box is { Ok: false } failed)
        {
            await Reply.VfsFailure(rc, failed);
            return;
        }
        var ct = rc.Http.RequestAborted;
        using var ws = await rc.Http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            DangerousEnableCompression = false,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        });
        rc.Note = "relay";
        var (hello, reason) = await ReadHelloAsync(ws, ct);
        if (hello is null)
        {
            if (reason is not null)
            {
                await CloseAsync(ws, WebSocketCloseStatus.ProtocolError, reason, ct);
            }
            return;
        }
        if (box is { } b && !b.Path.Can(RelayMailbox.Needs(hello.Value.Role)))
        {
            // checked before any waiting: the mailbox may have to play the other side
            LogRefused(log, rc.Ip, "no mailbox permission");
            await CloseAsync(ws, WebSocketCloseStatus.PolicyViolation,
                hello.Value.Role == RelayRole.Sender ? "No write access to this mailbox folder" : "No read access to this mailbox folder", ct);
            return;
        }
        using var peer = new RelayPeer(ws, rc.Ip, hello.Value);
        switch (hub.Join(peer, relay, out var partner))
        {
            case JoinResult.DuplicateRole:
                // only the newcomer: a third party that knows the hash can no longer knock out a waiting peer
                LogRefused(log, rc.Ip, "duplicate role");
                await CloseAsync(ws, TryAgainLater, "Duplicate role for code", ct);
                return;
            case JoinResult.TooManyWaiting:
                LogRefused(log, rc.Ip, "too many waiting sockets");
                await CloseAsync(ws, TryAgainLater, "Too many waiting connections from your address", ct);
                return;
            case JoinResult.Busy:
                LogRefused(log, rc.Ip, "relay busy");
                await CloseAsync(ws, TryAgainLater, "Relay busy, try again later", ct);
                return;
            case JoinResult.Waiting when box is { } target:
                await WaitAtMailboxAsync(peer, relay, target.Path, rc, ct);
                return;
            case JoinResult.Waiting:
                await WaitForPartnerAsync(peer, relay, ct);
                return;
            case JoinResult.Paired:
                await RunPairAsync(peer, partner!, relay, ct);
                return;
        }
    }

    private static async Task<(RelayHello? Hello, string? Reason)> ReadHelloAsync(WebSocket ws, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(RelayHello.MaxBytes);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(HelloTimeout);
            var n = 0;
            while (true)
            {
                ValueWebSocketReceiveResult r;
                try
                {
                    r = await ws.ReceiveAsync(buf.AsMemory(n, RelayHello.MaxBytes - n), cts.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return (null, "No hello in time");
                }
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return (null, null);
                }
                if (r.MessageType != WebSocketMessageType.Text)
                {
                    return (null, "First frame must be hello text");
                }
                n += r.Count;
                if (r.EndOfMessage)
                {
                    break;
                }
                if (n == RelayHello.MaxBytes)
                {
                    return (null, "Bad hello");
                }
            }
            return RelayHello.TryParse(buf.AsSpan(0, n), out var hello, out var reason) ? (hello, null) : (null, reason);
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            return (null, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>The first peer of a code: reads (so that leaving is noticed) until a partner comes, the timeout passes,
    /// or it goes away. Once paired, the partner's request runs the pair and this one waits for it to end.</summary>
    private async Task WaitForPartnerAsync(RelayPeer peer, RelayOptions relay, CancellationToken ct)
    {
        // a local: once Listening is set, a partner's pump may take the read from the property and clear it at any time
        Task<ValueWebSocketReceiveResult> early;
        try
        {
            early = peer.Socket.ReceiveAsync(peer.Buffer.AsMemory(0, RelayPeer.BufferSize), ct).AsTask();
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            early = Task.FromException<ValueWebSocketReceiveResult>(e);
        }
        peer.EarlyRead = early;
        peer.Listening.TrySetResult();
        LogWaiting(log, peer.Ip, peer.Hello.Role, hub.Counters.Waiting);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timeout = Task.Delay(relay.WaitTimeout, time, timer.Token);
        var winner = await Task.WhenAny(peer.Paired.Task, early, timeout);
        if (winner == early && !peer.Paired.Task.IsCompleted)
        {
            var gone = early.IsFaulted || early.IsCanceled || early.Result.MessageType == WebSocketMessageType.Close;
            if (gone && hub.Leave(peer))
            {
                await timer.CancelAsync();
                return;
            }
            // data before pairing (p2p-copy's clients send none) is kept and forwarded first
            winner = await Task.WhenAny(peer.Paired.Task, timeout);
        }
        if (winner == timeout && hub.Leave(peer))
        {
            LogTimeout(log, peer.Ip, (int)relay.WaitTimeout.TotalSeconds);
            await CloseAsync(peer.Socket, TryAgainLater, $"No peer within {(int)relay.WaitTimeout.TotalSeconds} s", ct);
            return;
        }
        await timer.CancelAsync();
        // paired: the partner's request forwards; this socket must stay open until it is done
        await peer.Done.Task;
    }

    /// <summary>At a mailbox URL: a live partner within <c>--relay-box</c> seconds pairs as usual; after that the
    /// server plays the other side. Nothing is read meanwhile (p2p-copy's clients send nothing before pairing), so
    /// the socket is whole for whoever takes it.</summary>
    private async Task WaitAtMailboxAsync(RelayPeer peer, RelayOptions relay, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        peer.Listening.TrySetResult();
        LogWaiting(log, peer.Ip, peer.Hello.Role, hub.Counters.Waiting);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timeout = Task.Delay(relay.BoxWait!.Value, time, timer.Token);
        if (await Task.WhenAny(peer.Paired.Task, timeout) == timeout && hub.Leave(peer))
        {
            await mailbox.ServeAsync(peer, target, rc, ct);
            return;
        }
        await timer.CancelAsync();
        await peer.Done.Task;
    }

    private async Task RunPairAsync(RelayPeer peer, RelayPeer partner, RelayOptions relay, CancellationToken ct)
    {
        partner.Paired.TrySetResult();
        var started = time.GetTimestamp();
        var c = hub.Counters;
        LogPaired(log, partner.Ip, peer.Ip, c.ActivePairs, c.Waiting);
        using var cts = new CancellationTokenSource();
        var gate = new RateGate(relay.BytesPerSecond, time);
        var there = new FramePump(peer, partner, gate, hub, relay.MaxMessage);
        var back = new FramePump(partner, peer, gate, hub, relay.MaxMessage);
        try
        {
            var sender = peer.Hello.Role == RelayRole.Sender ? peer : partner;
            try
            {
                // the waiting peer's request may not have started its early read yet (see RelayPeer.Listening)
                await partner.Listening.Task.WaitAsync(ct);
                // before the pumps start, so that nothing else writes to the sender's socket yet
                await sender.Socket.SendAsync(Ready, WebSocketMessageType.Text, true, ct);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                return;
            }
            var a = there.RunAsync(cts.Token);
            var b = back.RunAsync(cts.Token);
            var first = await Task.WhenAny(a, b);
            var other = first == a ? b : a;
            // a side that closed cleanly (the sender after eof) leaves the other time to write out what it has queued and
            // answer the close: an abort (RST) would drop data still unread in its socket
            var ended = first == a ? there : back;
            var grace = ended.Failure is null ? CleanGrace : Grace;
            if (await Task.WhenAny(other, Task.Delay(grace, time, ct)) != other)
            {
                peer.Socket.Abort();
                partner.Socket.Abort();
                await cts.CancelAsync();
                await other;
            }
        }
        finally
        {
            hub.PairEnded();
            if (partner.EarlyRead is { } pending)
            {
                // a pair that never started its pumps still has the waiting peer's read outstanding
                partner.Socket.Abort();
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            partner.Done.TrySetResult();
            c = hub.Counters;
            LogPairEnded(log, partner.Ip, peer.Ip, there.Bytes + back.Bytes, Math.Round(time.GetElapsedTime(started).TotalSeconds, 2),
                there.Failure ?? back.Failure ?? "ok", c.ActivePairs, c.Waiting, c.PairsTotal, c.BytesTotal);
        }
    }

    private static async Task CloseAsync(WebSocket ws, WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        try
        {
            if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                await ws.CloseAsync(status, reason, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "relay: {Ip} waits as {Role}; {Waiting} waiting")]
    private static partial void LogWaiting(ILogger logger, System.Net.IPAddress ip, RelayRole role, int waiting);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "relay: paired {A} with {B}; {Active} pairs, {Waiting} waiting")]
    private static partial void LogPaired(ILogger logger, System.Net.IPAddress a, System.Net.IPAddress b, int active, int waiting);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "relay: pair {A}-{B} ended ({Outcome}): {Bytes} bytes in {Seconds} s; {Active} pairs, {Waiting} waiting, {PairsTotal} pairs and {BytesTotal} bytes since start")]
    private static partial void LogPairEnded(ILogger logger, System.Net.IPAddress a, System.Net.IPAddress b, long bytes, double seconds, string outcome,
        int active, int waiting, long pairsTotal, long bytesTotal);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "relay: {Ip} refused: {Why}")]
    private static partial void LogRefused(ILogger logger, System.Net.IPAddress ip, string why);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "relay: {Ip} found no peer within {Seconds} s")]
    private static partial void LogTimeout(ILogger logger, System.Net.IPAddress ip, int seconds);
}
