using System.Net;
using System.Net.Sockets;

namespace SharpParty.Protocols.Tftp;

internal enum ReceiveStatus
{
    Packet,
    Timeout,
    /// <summary>The client's port is gone (ICMP port unreachable) or the server is stopping.</summary>
    Closed,
}

/// <summary>
/// One transfer's own UDP socket (RFC 1350 §4: each side picks a new transfer ID, i.e. port), connected to the client's
/// port so the kernel drops datagrams from anyone else. Blocking calls on the transfer's own thread: on loopback that is
/// one syscall per packet, the fastest way to move a lockstep protocol.
/// </summary>
internal sealed class TransferChannel : IDisposable
{
    /// <summary>A blocking receive wakes this often to notice a server stop.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    private readonly Socket _socket;
    private readonly CancellationToken _stop;

    private TransferChannel(Socket socket, CancellationToken stop)
    {
        _socket = socket;
        _stop = stop;
    }

    /// <summary>Binds a socket on <paramref name="local"/>'s address with a port from <paramref name="ports"/> (or any) and
    /// connects it to the client; null when no port of the range is free.</summary>
    public static TransferChannel? Open(IPEndPoint local, IPEndPoint client, PortPool ports, CancellationToken stop)
    {
        for (var attempt = 0; attempt < ports.Count; attempt++)
        {
            var s = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (local.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    s.DualMode = local.Address.Equals(IPAddress.IPv6Any);
                }
                // a window of 64 blocks of 8 KiB is 512 KiB in flight: ask for buffers that hold it (the kernel caps this)
                s.SendBufferSize = 1 << 20;
                s.ReceiveBufferSize = 1 << 20;
                s.Bind(new IPEndPoint(local.Address, ports.Next()));
                s.Connect(client);
                s.ReceiveTimeout = (int)Slice.TotalMilliseconds;
                return new TransferChannel(s, stop);
            }
            catch (SocketException)
            {
                s.Dispose(); // port taken: try the next of the range
            }
        }
        return null;
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Sends one datagram; false when the client is unreachable.</summary>
    public bool Send(ReadOnlySpan<byte> packet)
    {
        try
        {
            _socket.Send(packet);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends a queued window of datagrams in one call; false when the client is unreachable.</summary>
    public bool Send(DatagramBatch batch) => batch.Send(_socket);

    /// <summary>Waits up to <paramref name="timeout"/> for a datagram from the client.</summary>
    public ReceiveStatus Receive(Span<byte> buffer, TimeSpan timeout, out int length)
    {
        length = 0;
        SpinForReply();
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                length = _socket.Receive(buffer);
                return ReceiveStatus.Packet;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    return ReceiveStatus.Timeout;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                length = buffer.Length; // larger than any packet we expect: the caller rejects it
                return ReceiveStatus.Packet;
            }
            catch (SocketException)
            {
                return ReceiveStatus.Closed;
            }
            catch (ObjectDisposedException)
            {
                return ReceiveStatus.Closed;
            }
        }
        return ReceiveStatus.Closed;
    }

    /// <summary>
    /// A lockstep transfer waits one round trip per block; on a VM, waking a thread that sleeps in recv(2) costs more
    /// than the round trip itself (a cross-CPU interrupt through the hypervisor). Polling for up to 50 µs first
    /// catches the client's ACK without that wake-up (measured: 20 MiB at blksize 1468 over loopback, curl, from
    /// 17-36 MiB/s to 42-48 MiB/s, with the server using 0.25 s of CPU instead of 0.15 s); a client slower than that costs one short spin per block.
    /// </summary>
    private void SpinForReply()
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        while (_socket.Available == 0)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= until)
            {
                return;
            }
            Thread.SpinWait(8);
        }
    }

    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 20_000;

    public void Dispose() => _socket.Dispose();
}

/// <summary>Hands out the ports of <c>--tftp-pr</c> round-robin (port 0, any, without a range).</summary>
internal sealed class PortPool((int Low, int High)? range)
{
    private int _next;

    /// <summary>How many ports to try before giving up.</summary>
    public int Count => range is { } r ? r.High - r.Low + 1 : 1;

    public int Next()
    {
        if (range is not { } r)
        {
            return 0;
        }
        var i = (uint)Interlocked.Increment(ref _next);
        return r.Low + (int)(i % (uint)Count);
    }
}
