using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// recv(2) with MSG_WAITALL on a blocking data socket: the kernel fills a whole 1 MiB buffer in one call as the bytes
/// arrive, where the async path takes a wake-up and a syscall per 64-200 KiB segment batch (the mirror image of
/// <see cref="SendFile"/>, and what vsftpd's blocking sockets get for free). Runs on the upload's own thread. The socket
/// is made blocking at the descriptor (it may have done async I/O, which leaves it non-blocking) with SO_RCVTIMEO as the
/// idle timeout; a shutdown of the socket (ABOR, the session ending) ends a waiting call.
/// </summary>
internal static partial class SocketReceive
{
    private const int Eintr = 4;
    private const int MsgWaitAll = 0x100;
    private const int FGetfl = 3;
    private const int FSetfl = 4;
    private const int ONonblock = 0x800;

    /// <summary>Makes the descriptor blocking with <paramref name="idleMs"/> as the receive timeout.</summary>
    public static void MakeBlocking(Socket socket, int idleMs)
    {
        socket.Blocking = true;
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var fl = Native.fcntl(fd, FGetfl, 0);
        if (fl >= 0 && (fl & ONonblock) != 0)
        {
            Native.fcntl(fd, FSetfl, fl & ~ONonblock);
        }
        // struct timeval { long tv_sec; long tv_usec; } on 64-bit Linux
        Span<byte> tv = stackalloc byte[16];
        BitConverter.TryWriteBytes(tv, (long)(idleMs / 1000));
        BitConverter.TryWriteBytes(tv[8..], (long)(idleMs % 1000 * 1000));
        socket.SetRawSocketOption(1 /* SOL_SOCKET */, 20 /* SO_RCVTIMEO */, tv);
    }

    /// <summary>Fills <paramref name="buffer"/> until it is full or the peer ended the connection; the count (short or 0
    /// at the end). Throws <see cref="IOException"/> on a reset, a stall past the timeout, or a closed socket.</summary>
    public static unsafe int Fill(Socket socket, Span<byte> buffer)
    {
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            var n = 0;
            fixed (byte* p = buffer)
            {
                while (n < buffer.Length)
                {
                    var r = Native.recv(fd, p + n, (nint)(buffer.Length - n), MsgWaitAll);
                    if (r > 0)
                    {
                        n += (int)r;
                        continue;
                    }
                    if (r == 0)
                    {
                        return n;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Eintr)
                    {
                        continue;
                    }
                    throw new IOException(errno == 11 ? "the data connection stalled past the idle timeout" : "data connection error " + errno);
                }
            }
            return n;
        }
        catch (ObjectDisposedException)
        {
            throw new IOException("the data connection was closed");
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    private static unsafe partial class Native
    {
        [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
        internal static partial nint recv(int fd, byte* buf, nint len, int flags);

        [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int fcntl(int fd, int cmd, int arg);
    }
}
