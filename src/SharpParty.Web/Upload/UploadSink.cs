using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Storage;

namespace SharpParty.Web.Upload;

internal enum ReceiveError
{
    None,
    /// <summary>The client went away or the body ended early.</summary>
    Truncated,
    DiskFull,
    /// <summary>The folder is gone or not writable.</summary>
    CannotWrite,
}

/// <summary>A finished body in its temp file, with its SHA-512.</summary>
internal sealed record ReceivedFile(string TempPath, long Size, byte[] Sha512);

/// <summary>
/// Streams a request body (or a multipart section) into a hidden temp file next to its target while hashing it with
/// SHA-512. Reading the next 1 MiB from the socket overlaps hashing and writing the previous one, so one upload keeps
/// both cores busy. Buffers are pooled (house rule 4). On any failure the temp file is removed.
/// </summary>
internal static class UploadSink
{
    /// <summary>Size of each pooled buffer; 1 MiB as copyparty's and nginx's big-body paths.</summary>
    private const int BufferSize = 1 << 20;

    /// <summary>Buffers in flight: the socket keeps filling while up to three earlier MiB are hashed and written.</summary>
    private const int Buffers = 4;

    /// <param name="expectedLength">Content-Length when known: the space is reserved up front, so a full disk is found
    /// before the body is read, not after.</param>
    public static async Task<(ReceivedFile? File, ReceiveError Error)> ReceiveAsync(Stream body, string folder, long? expectedLength, CancellationToken ct)
    {
        var temp = Path.Combine(folder, TempNames.New());
        SafeFileHandle handle;
        // the body goes to the disk without the page cache where the filesystem allows (see DirectIo: a third of the CPU)
        var direct = DirectIo.TryOpen(temp, createNew: true);
        try
        {
            if (direct is null && File.Exists(temp))
            {
                File.Delete(temp); // a filesystem that created the file and then refused O_DIRECT (tmpfs)
            }
            handle = direct ?? File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, IsDiskFull(e) ? ReceiveError.DiskFull : ReceiveError.CannotWrite);
        }
        if (expectedLength > 0 && Preallocate.Reserve(handle, expectedLength.Value) == Preallocate.Result.NoSpace)
        {
            handle.Dispose();
            TryDelete(temp);
            return (null, ReceiveError.DiskFull);
        }
        var bufs = new Memory<byte>[Buffers];
        var aligned = new AlignedBuffer?[Buffers];
        var arrays = new byte[]?[Buffers];
        for (var i = 0; i < Buffers; i++)
        {
            if (direct is not null)
            {
                aligned[i] = AlignedBuffer.Rent(BufferSize);
                bufs[i] = aligned[i]!.Memory;
            }
            else
            {
                arrays[i] = ArrayPool<byte>.Shared.Rent(BufferSize);
                bufs[i] = arrays[i].AsMemory(0, BufferSize);
            }
        }
        var inFlight = new Task[Buffers];
        Array.Fill(inFlight, Task.CompletedTask);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        long offset = 0;
        Task chain = Task.CompletedTask;
        var error = ReceiveError.None;
        try
        {
            for (var slot = 0; ; slot = (slot + 1) % Buffers)
            {
                // this buffer may still be hashed or written from Buffers rounds ago
                await inFlight[slot];
                var cur = bufs[slot];
                var n = await FillAsync(body, cur, BufferSize, ct);
                if (n == 0)
                {
                    break;
                }
                var at = offset;
                var prev = chain;
                // hashing must follow the byte order, so each step waits for the previous one; the socket keeps reading
                chain = Task.Run(async () =>
                {
                    await prev;
                    sha.AppendData(cur.Span[..n]);
                }, CancellationToken.None);
                // an O_DIRECT write must be a whole number of blocks: only the last piece is short, it is padded with
                // zeros and the file is cut to size at the end
                var len = direct is null || n == BufferSize ? n : DirectIo.RoundUp(n);
                if (len != n)
                {
                    cur.Span[n..len].Clear();
                }
                // the write needs no order and runs beside the hash
                var write = Task.Run(() => RandomAccess.Write(handle, cur.Span[..len], at), CancellationToken.None);
                inFlight[slot] = Task.WhenAll(chain, write);
                offset += n;
            }
            await Task.WhenAll(inFlight);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException or ConnectionResetException)
        {
            error = IsDiskFull(e) ? ReceiveError.DiskFull : ReceiveError.Truncated;
            try
            {
                await Task.WhenAll(inFlight);
            }
            catch (IOException e2)
            {
                error = IsDiskFull(e2) ? ReceiveError.DiskFull : error;
            }
        }
        finally
        {
            if (direct is not null && error == ReceiveError.None)
            {
                try
                {
                    DirectIo.Truncate(handle, offset);
                }
                catch (IOException)
                {
                    error = ReceiveError.CannotWrite;
                }
            }
            handle.Dispose();
            for (var i = 0; i < Buffers; i++)
            {
                if (aligned[i] is { } a)
                {
                    AlignedBuffer.Return(a);
                }
                if (arrays[i] is { } arr)
                {
                    ArrayPool<byte>.Shared.Return(arr);
                }
            }
        }
        if (error != ReceiveError.None)
        {
            TryDelete(temp);
            return (null, error);
        }
        return (new ReceivedFile(temp, offset, sha.GetHashAndReset()), ReceiveError.None);
    }

    /// <summary>Reads until <paramref name="want"/> bytes are in the buffer or the body ends; returns the byte count.</summary>
    public static async Task<int> FillAsync(Stream body, Memory<byte> buf, int want, CancellationToken ct)
    {
        var n = 0;
        while (n < want)
        {
            var r = await body.ReadAsync(buf[n..want], ct);
            if (r == 0)
            {
                break;
            }
            n += r;
        }
        return n;
    }

    /// <summary>ENOSPC (28) or EDQUOT (122), as .NET reports them on Linux.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult is 28 or 122 or 112 or 0x70 || (io.HResult & 0xFFFF) is 28 or 112 ||
            io.Message.Contains("No space left", StringComparison.Ordinal) || io.Message.Contains("quota", StringComparison.OrdinalIgnoreCase));

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: a leftover temp file is hidden and never served
        }
    }
}
