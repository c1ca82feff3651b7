using System.Net.Sockets;
using SharpParty.Core.Storage;
using SharpParty.Web.Upload;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// Data connection → file for STOR/APPE, built like the HTTP PUT path: 1 MiB pieces land straight in 4 KiB-aligned
/// buffers and go to the disk through <see cref="UploadWriter"/> (O_DIRECT) while the next piece is received, up to
/// <see cref="Slots"/> pieces in flight, written in order. The first piece is read asynchronously: most files of a mirror
/// end inside it and never cost a thread. A longer upload continues on its own thread with blocking reads that fill a
/// whole piece per call (<see cref="SocketReceive"/>; over TLS, SslStream's own reads), as vsftpd's loop.
/// TYPE A uploads are decoded (CRLF → LF) piece by piece and written as they come.
/// </summary>
internal sealed class UploadReceiver(DataConnection conn, UploadPlan plan, AsciiUploadDecoder? ascii, TimeSpan idle)
{
    private const int Piece = 1 << 20;
    private const int Slots = 4;

    private readonly AlignedBuffer?[] _bufs = new AlignedBuffer?[Slots];
    private byte[]? _decoded;
    private long _written;

    /// <summary>Receives until the client ends the data connection. Returns where the file now ends and, when the
    /// transfer did not finish cleanly, the final reply to give.</summary>
    public async Task<(long End, string? Error)> RunAsync(CancellationToken ct)
    {
        _written = plan.Offset;
        var pos = plan.Offset;
        using var writer = new UploadWriter(plan.Handle!, plan.WorkPath);
        try
        {
            // the first piece ends where the file offset is 4 KiB-aligned, so every later piece may go to O_DIRECT
            var head = Piece - (int)(pos & (DirectIo.Align - 1));
            var first = _bufs[0] = AlignedBuffer.Rent(Piece);
            var n = 0;
            try
            {
                using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
                guard.CancelAfter(idle);
                while (n < head && await conn.Stream.ReadAsync(first.Memory[n..head], guard.Token) is var r and > 0)
                {
                    n += r;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException && n > 0)
            {
                // cut off (ABOR, a reset, the idle timeout): what did arrive is kept for REST + STOR
                _written = Store(writer, first.Memory.Span[..n], pos);
                throw;
            }
            pos = Store(writer, first.Memory.Span[..n], pos);
            _written = pos;
            if (n == head)
            {
                // an ABOR (or the session ending) shuts the socket down, which ends a blocking read on the thread
                await using var reg = ct.Register(() => Shut(conn.Socket));
                pos = await Task.Factory.StartNew(() => Pump(writer, pos), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                ct.ThrowIfCancellationRequested(); // a shutdown socket reads as a clean end: it was not one
            }
            if (ascii is not null)
            {
                var tail = ascii.Finish(Decoded(1));
                RandomAccess.Write(plan.Handle!, _decoded.AsSpan(0, tail), pos);
                pos += tail;
            }
            return (pos, null);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return (Volatile.Read(ref _written), UploadSink.IsDiskFull(e) ? "452 Disk full; the part received is kept for REST + STOR."
                : "426 Connection closed; transfer aborted (REST + STOR resumes it).");
        }
        finally
        {
            foreach (var b in _bufs)
            {
                if (b is not null)
                {
                    AlignedBuffer.Return(b);
                }
            }
        }
    }

    /// <summary>The rest of a long upload, on its own thread: receive piece k+1 while piece k is written.</summary>
    private long Pump(UploadWriter writer, long pos)
    {
        var ms = (int)idle.TotalMilliseconds;
        var plain = conn.Tls is null;
        if (plain)
        {
            SocketReceive.MakeBlocking(conn.Socket, ms);
        }
        else
        {
            conn.Socket.ReceiveTimeout = ms;
        }
        var inFlight = new Task[Slots];
        Array.Fill(inFlight, Task.CompletedTask);
        var chain = Task.CompletedTask;
        try
        {
            for (var slot = 1; ; slot = (slot + 1) % Slots)
            {
                inFlight[slot].GetAwaiter().GetResult(); // this buffer's earlier write, and any write error
                var buf = _bufs[slot] ??= AlignedBuffer.Rent(Piece);
                var n = plain ? SocketReceive.Fill(conn.Socket, buf.Memory.Span) : FillSync(conn.Stream, buf.Memory.Span);
                if (n == 0)
                {
                    break;
                }
                if (ascii is not null)
                {
                    pos = Store(writer, buf.Memory.Span[..n], pos); // decoded sizes vary: written in line, in order
                    _written = pos;
                }
                else
                {
                    var at = pos;
                    var prev = chain;
                    // in order, so that a failed write leaves no later bytes behind it; the socket keeps filling
                    chain = Task.Run(async () =>
                    {
                        await prev;
                        writer.Write(buf.Memory.Span[..n], at, aligned: true);
                        Volatile.Write(ref _written, at + n);
                    }, CancellationToken.None);
                    inFlight[slot] = chain;
                    pos += n;
                }
                if (n < Piece)
                {
                    break; // a short fill means the client ended the connection
                }
            }
        }
        finally
        {
            // nothing may still write into a buffer that goes back to the pool
            try
            {
                Task.WaitAll(inFlight);
            }
            catch (AggregateException)
            {
            }
        }
        chain.GetAwaiter().GetResult();
        return pos;
    }

    /// <summary>Writes one received piece (decoded first in TYPE A); returns the file offset after it.</summary>
    private long Store(UploadWriter writer, ReadOnlySpan<byte> data, long pos)
    {
        if (ascii is null)
        {
            writer.Write(data, pos, aligned: true);
            return pos + data.Length;
        }
        var dst = Decoded(data.Length + 1);
        var m = ascii.Decode(data, dst);
        RandomAccess.Write(plan.Handle!, dst[..m], pos);
        return pos + m;
    }

    private Span<byte> Decoded(int size)
    {
        if (_decoded is null || _decoded.Length < size)
        {
            _decoded = new byte[Math.Max(size, Piece + 1)];
        }
        return _decoded.AsSpan(0, size);
    }

    private static int FillSync(Stream s, Span<byte> buf)
    {
        var n = 0;
        while (n < buf.Length)
        {
            var r = s.Read(buf[n..]);
            if (r == 0)
            {
                break;
            }
            n += r;
        }
        return n;
    }

    private static void Shut(Socket s)
    {
        try
        {
            s.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
