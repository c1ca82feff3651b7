using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SharpParty.Protocols.Tftp;

/// <summary>
/// A window of DATA packets sent with one sendmmsg(2) instead of a send(2) each: the per-datagram syscall is most of
/// the server's CPU in a windowed read (RFC 7440), about 2-4 µs each here. The message and iovec arrays are allocated
/// once per transfer in native memory; the packets are slices of a pinned ring, so nothing is allocated per block.
/// Where sendmmsg is missing (not Linux) the datagrams go one by one.
/// </summary>
internal sealed unsafe partial class DatagramBatch : IDisposable
{
    // struct msghdr (56 bytes on 64-bit Linux) + unsigned msg_len, padded: struct mmsghdr is 64 bytes; struct iovec 16
    private const int MsgSize = 64;
    private const int IovSize = 16;
    private const int Eintr = 4;

    private readonly int _capacity;
    private byte* _msgs;
    private byte* _iovs;
    private int _count;

    public DatagramBatch(int capacity)
    {
        _capacity = capacity;
        _msgs = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * MsgSize));
        _iovs = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * IovSize));
    }

    public static bool Supported { get; } = OperatingSystem.IsLinux() && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64);

    public int Count => _count;

    public void Clear() => _count = 0;

    /// <summary>Queues one datagram; <paramref name="packet"/> must stay where it is until <see cref="Send"/> (pinned memory).</summary>
    public void Add(byte* packet, int length)
    {
        var iov = _iovs + (_count * IovSize);
        *(byte**)iov = packet;
        *(nuint*)(iov + 8) = (nuint)length;
        var msg = _msgs + (_count * MsgSize);
        new Span<byte>(msg, MsgSize).Clear();
        *(byte**)(msg + 16) = iov;     // msg_iov
        *(nuint*)(msg + 24) = 1;       // msg_iovlen
        _count++;
    }

    /// <summary>Sends what was queued, in order, on the connected socket; false when the client is unreachable.</summary>
    public bool Send(Socket socket)
    {
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            var done = 0;
            while (done < _count)
            {
                var n = sendmmsg(fd, _msgs + (done * MsgSize), (uint)(_count - done), 0);
                if (n > 0)
                {
                    done += n;
                    continue;
                }
                if (n < 0 && Marshal.GetLastPInvokeError() == Eintr)
                {
                    continue;
                }
                return false; // ECONNREFUSED (an ICMP port unreachable), or the socket was closed
            }
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _count = 0;
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_msgs);
        NativeMemory.Free(_iovs);
        _msgs = null;
        _iovs = null;
    }

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int sendmmsg(int fd, byte* msgvec, uint vlen, int flags);
}
