using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Storage;
using SharpParty.Core.Up2k;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Up2k;

internal enum ChunkFailureKind
{
    None,
    /// <summary>The bytes do not hash to the chunk's hash: 400, the client sends it again.</summary>
    Corrupt,
    /// <summary>The body ended (or the client left) before the announced chunks did.</summary>
    Truncated,
    DiskFull,
    IoError,
}

internal readonly record struct ChunkFailure(ChunkFailureKind Kind, long Received = 0, string? Expected = null, string? Got = null);

/// <summary>
/// Streams the chunks of one POST into the partial file. Buffers are pooled (house rule 4); the socket keeps filling the
/// next buffer while earlier ones are hashed and written, and different chunks hash in parallel, so one stitched POST
/// uses both cores. A chunk is confirmed only after its bytes were written (and synced with <c>--u2-fsync</c>) and its
/// hash matched: a crash after the confirmation loses nothing that was confirmed.
/// </summary>
internal static class ChunkReceiver
{
    private const int BufferSize = 1 << 20;

    /// <summary>Buffers in flight per request: 4 MiB, as Kestrel's request buffer.</summary>
    private const int Slots = 4;

    public static async Task<ChunkFailure> ReceiveAsync(Stream body, PartialFile file, long fileSize, List<PlannedChunk> plan, SubchunkState? sub,
        long postSize, bool fsync, Action<string> confirm, CancellationToken ct)
    {
        var handle = file.Buffered;
        // 4 KiB-aligned native buffers, so that whole aligned pieces can go to the O_DIRECT handle
        var bufs = new AlignedBuffer[Slots];
        for (var i = 0; i < Slots; i++)
        {
            bufs[i] = AlignedBuffer.Rent(BufferSize);
        }
        var inFlight = new Task[Slots];
        Array.Fill(inFlight, Task.CompletedTask);
        var finishing = new List<Task<ChunkFailure>>(plan.Count);
        var failure = new ChunkFailure(ChunkFailureKind.None);
        var slot = 0;
        try
        {
            foreach (var c in plan)
            {
                var sha = sub?.Hash ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
                var start = c.Offsets[0] + (sub?.Next ?? 0);
                var len = sub is null ? c.Length : postSize;
                var hashChain = Task.CompletedTask;
                var writes = new List<Task>((int)(len / BufferSize) + 1);
                long done = 0;
                while (done < len)
                {
                    await inFlight[slot];
                    var cur = bufs[slot].Memory;
                    var want = (int)Math.Min(BufferSize, len - done);
                    var n = await UploadSink.FillAsync(body, cur, want, ct);
                    if (n < want)
                    {
                        failure = new ChunkFailure(ChunkFailureKind.Truncated);
                        break;
                    }
                    var at = start + done;
                    var prev = hashChain;
                    // a chunk's hash must see its bytes in order; other chunks' hashes run beside it
                    hashChain = Task.Run(async () =>
                    {
                        await prev;
                        sha.AppendData(cur.Span[..n]);
                    }, CancellationToken.None);
                    var write = Task.Run(() => WritePiece(file, cur, n, at, fileSize), CancellationToken.None);
                    writes.Add(write);
                    inFlight[slot] = Task.WhenAll(hashChain, write);
                    slot = (slot + 1) % Slots;
                    done += n;
                }
                if (failure.Kind != ChunkFailureKind.None)
                {
                    await Task.WhenAll(writes.Append(hashChain));
                    if (sub is null)
                    {
                        sha.Dispose();
                    }
                    break;
                }
                writes.Add(hashChain);
                finishing.Add(FinishChunkAsync(handle, c, sha, sub, len, Task.WhenAll(writes), fsync, confirm, ct));
            }
            await Task.WhenAll(inFlight);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException or ConnectionResetException)
        {
            var kind = UploadSink.IsDiskFull(e) ? ChunkFailureKind.DiskFull
                : ct.IsCancellationRequested || e is ConnectionResetException or BadHttpRequestException or OperationCanceledException
                    ? ChunkFailureKind.Truncated : ChunkFailureKind.IoError;
            failure = new ChunkFailure(kind);
            await DrainAsync(inFlight);
        }
        finally
        {
            // every started chunk settles before its buffers go back to the pool
            await DrainAsync(inFlight);
            foreach (var f in finishing)
            {
                try
                {
                    var r = await f;
                    if (r.Kind != ChunkFailureKind.None && failure.Kind == ChunkFailureKind.None)
                    {
                        failure = r;
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    if (failure.Kind == ChunkFailureKind.None)
                    {
                        failure = new ChunkFailure(UploadSink.IsDiskFull(e) ? ChunkFailureKind.DiskFull : ChunkFailureKind.IoError);
                    }
                }
            }
            foreach (var b in bufs)
            {
                AlignedBuffer.Return(b);
            }
        }
        return failure;
    }

    /// <summary>
    /// Whole aligned pieces go through O_DIRECT (no page cache: a third of the CPU per GiB); the file's last piece is
    /// padded to a block and the file cut to size when the upload finishes; anything unaligned (odd subchunk offsets)
    /// takes the ordinary handle.
    /// </summary>
    private static void WritePiece(PartialFile file, Memory<byte> buf, int n, long at, long fileSize)
    {
        if (file.Direct is { } direct && at % DirectIo.Align == 0)
        {
            if (n % DirectIo.Align == 0)
            {
                RandomAccess.Write(direct, buf.Span[..n], at);
                return;
            }
            if (at + n == fileSize)
            {
                var padded = DirectIo.RoundUp(n);
                buf.Span[n..padded].Clear();
                RandomAccess.Write(direct, buf.Span[..padded], at);
                return;
            }
        }
        RandomAccess.Write(file.Buffered, buf.Span[..n], at);
    }

    private static async Task<ChunkFailure> FinishChunkAsync(SafeFileHandle handle, PlannedChunk c, IncrementalHash sha, SubchunkState? sub, long len,
        Task written, bool fsync, Action<string> confirm, CancellationToken ct)
    {
        await written;
        if (sub is not null)
        {
            sub.Next += len;
            if (sub.Next < c.Length)
            {
                return new ChunkFailure(ChunkFailureKind.None); // more slices of this chunk follow
            }
        }
        Span<byte> d = stackalloc byte[64];
        sha.GetHashAndReset(d);
        if (sub is null)
        {
            sha.Dispose();
        }
        var got = Up2kHash.Encode(d);
        if (got != c.Hash)
        {
            return new ChunkFailure(ChunkFailureKind.Corrupt, c.Length, c.Hash, got);
        }
        if (c.Offsets.Length > 1)
        {
            await CopyToOtherOffsetsAsync(handle, c, ct);
        }
        if (fsync)
        {
            DataSync.Flush(handle);
        }
        confirm(c.Hash);
        return new ChunkFailure(ChunkFailureKind.None);
    }

    /// <summary>A chunk that occurs several times in the file (zeros, repeated blocks) is received once and copied.</summary>
    private static async Task CopyToOtherOffsetsAsync(SafeFileHandle handle, PlannedChunk c, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (long done = 0; done < c.Length;)
            {
                var n = await RandomAccess.ReadAsync(handle, buf.AsMemory(0, (int)Math.Min(BufferSize, c.Length - done)), c.Offsets[0] + done, ct);
                if (n == 0)
                {
                    throw new IOException("partial file shorter than expected");
                }
                for (var i = 1; i < c.Offsets.Length; i++)
                {
                    await RandomAccess.WriteAsync(handle, buf.AsMemory(0, n), c.Offsets[i] + done, ct);
                }
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private static async Task DrainAsync(Task[] tasks)
    {
        foreach (var t in tasks)
        {
            try
            {
                await t;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // reported by the caller's failure
            }
        }
    }
}
