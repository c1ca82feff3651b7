using System.Buffers;
using System.Net;
using System.Net.WebSockets;

namespace SharpParty.Web.Relay;

/// <summary>One relay client after its hello: its socket, its forwarding buffer, and the signals of its pairing.</summary>
internal sealed class RelayPeer(WebSocket socket, IPAddress ip, RelayHello hello) : IDisposable
{
    /// <summary>Bytes read per receive and forwarded as one fragment: big enough for few syscalls, small enough that
    /// a pair costs 512 KiB however large its messages are.</summary>
    public const int BufferSize = 256 << 10;

    public WebSocket Socket { get; } = socket;

    public IPAddress Ip { get; } = ip;

    public RelayHello Hello { get; } = hello;

    public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(BufferSize);

    /// <summary>Set when a partner took this waiting peer; the partner's request then runs the pair.</summary>
    public TaskCompletionSource Paired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the pair is over: the waiting peer's request may end (which disposes its socket).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The receive started while waiting, so that a peer that leaves is noticed; the pump continues from it.</summary>
    public Task<ValueWebSocketReceiveResult>? EarlyRead { get; set; }

    /// <summary>Set once a waiting peer's request has started <see cref="EarlyRead"/> (or, at a mailbox, decided to read
    /// nothing). The hub makes a waiting peer visible before its request gets that far, so a partner arriving at once
    /// must wait for this before it reads the socket: two receives at once would each take a message, and the one taken
    /// by the early read would be dropped (seen: a file header lost between the manifest and its first chunk).</summary>
    public TaskCompletionSource Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
}
