using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// sendfile(2) from a file to a data socket: the kernel moves page cache to the socket with no copy through user space,
/// as vsftpd does. This is our own data socket, not one of Kestrel's (the house rule against sendfile behind Kestrel's
/// back is about its sockets); measured in bench/ftp.sh. <see cref="Socket.SendPacketsAsync"/> with a file element
/// never completed on Linux here (a 6-byte RETR hung until the idle timeout), hence the direct call. The socket is
/// non-blocking, so EAGAIN waits in poll(2) up to the idle timeout; a shutdown of the socket (ABOR) ends the wait.
/// Runs on its own thread: a blocked poll must not hold a thread-pool thread.
/// </summary>
internal static partial class SendFile
{
    private const int Eagain = 11;
    private const int Eintr = 4;
    private const short Pollout = 4;

    /// <summary>Sends [offset, offset+count) of the file; false when the peer went away or stayed stalled past <paramref name="idleMs"/>.</summary>
    public static Task<bool> RunAsync(Socket socket, SafeFileHandle file, long offset, long count, int idleMs) =>
        Task.Factory.StartNew(() => Run(socket, file, offset, count, idleMs), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static bool Run(Socket socket, SafeFileHandle file, long offset, long count, int idleMs)
    {
        var addedSock = false;
        var addedFile = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref addedSock);
            file.DangerousAddRef(ref addedFile);
            var sfd = (int)socket.SafeHandle.DangerousGetHandle();
            var ffd = (int)file.DangerousGetHandle();
            // blocking (as vsftpd's sockets), so one sendfile moves as much as the socket takes without an EAGAIN/poll
            // round per buffer-full; SO_SNDTIMEO turns a stall into EAGAIN. A socket that has done async I/O (active
            // mode's ConnectAsync) stays non-blocking and takes the poll path below.
            socket.Blocking = true;
            socket.SendTimeout = idleMs;
            var end = offset + count;
            var pos = offset;
            while (pos < end)
            {
                var want = (nint)Math.Min(end - pos, 1L << 30);
                var n = Native.sendfile(sfd, ffd, ref pos, want);
                if (n > 0)
                {
                    continue; // pos was advanced by the kernel
                }
                if (n == 0)
                {
                    return false; // the file is shorter than it was: the client gets fewer bytes than announced
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }
                if (errno != Eagain)
                {
                    return false;
                }
                var pfd = new Native.PollFd { Fd = sfd, Events = Pollout };
                var ready = Native.poll(ref pfd, 1, idleMs);
                if (ready == 0 || (ready < 0 && Marshal.GetLastPInvokeError() != Eintr) || (pfd.Revents & ~Pollout) != 0)
                {
                    return false; // stalled past the idle timeout, or the socket was shut down / reset
                }
            }
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (addedSock)
            {
                socket.SafeHandle.DangerousRelease();
            }
            if (addedFile)
            {
                file.DangerousRelease();
            }
        }
    }

    private static partial class Native
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport("libc", EntryPoint = "sendfile64", SetLastError = true)]
        internal static partial nint sendfile(int outFd, int inFd, ref long offset, nint count);

        [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
        internal static partial int poll(ref PollFd fds, nuint nfds, int timeout);
    }
}
