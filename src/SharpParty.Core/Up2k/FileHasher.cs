using System.Buffers;
using System.Security.Cryptography;

namespace SharpParty.Core.Up2k;

/// <summary>
/// Hashes a file on disk with the up2k chunk scheme (the same chunk hashes and wark a client would send), reading with
/// pooled buffers and several chunks in parallel. Used to check a dedup source before trusting it (<c>--safe-dedup</c>)
/// and, later, by the index scanner.
/// </summary>
internal static class FileHasher
{
    private const int ReadSize = 1 << 20;

    /// <param name="cpu">held while hashing, not while reading (a scan's <c>--hash-mt</c>), when given</param>
    public static async Task<(string Wark, string[] Hashes, long Size)> HashAsync(string path, string salt, int parallelism, CancellationToken ct,
        SemaphoreSlim? cpu = null)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        var size = RandomAccess.GetLength(handle);
        var cs = ChunkSize.For(size);
        var n = (int)ChunkSize.Chunks(size, cs);
        var hashes = new string[n];
        await Parallel.ForAsync(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (i, c) =>
        {
            var start = i * cs;
            var len = Math.Min(cs, size - start);
            hashes[i] = await HashRangeAsync(handle, start, len, c, cpu);
        });
        return (n == 0 ? "" : Up2kHash.Wark(salt, size, hashes), hashes, size);
    }

    /// <summary>Files up to this size are read in one synchronous call on the caller's thread (<see cref="HashSmall"/>).</summary>
    public const int SmallFile = 1 << 20;

    /// <summary>
    /// A file of at most <see cref="SmallFile"/> bytes (one up2k chunk): one blocking read into a pooled buffer and a
    /// one-shot SHA-512 on the calling thread. The async path costs a thread-pool hop per read and a task per chunk,
    /// which on a scan of 100,000 small files was more CPU than the hashing (measured with perf: context switches and
    /// wake-ups on 2 cores). Returns the size actually read, which the caller compares with what it expected.
    /// </summary>
    /// <param name="cpu">held while hashing, not while reading (a scan's <c>--hash-mt</c>), when given</param>
    public static (string Wark, long Size) HashSmall(string path, string salt, SemaphoreSlim? cpu = null)
    {
        if (HashSmallDirect(path, salt, cpu) is { } direct)
        {
            return direct;
        }
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var size = RandomAccess.GetLength(handle);
        if (size <= 0 || size > SmallFile)
        {
            return ("", size);
        }
        var buf = ArrayPool<byte>.Shared.Rent((int)size + 1);
        try
        {
            var got = 0;
            while (got < size)
            {
                var r = RandomAccess.Read(handle, buf.AsSpan(got, (int)size - got), got);
                if (r == 0)
                {
                    return ("", got); // shrank while read
                }
                got += r;
            }
            // one byte more than the size: a file that grew while read is reported, not hashed short
            if (RandomAccess.Read(handle, buf.AsSpan((int)size, 1), size) > 0)
            {
                return ("", size + 1);
            }
            return (Hashed(salt, buf.AsSpan(0, (int)size), cpu), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>
    /// <see cref="HashSmall"/> through O_DIRECT: the disk's data goes straight into our buffer, without a page-cache copy
    /// and without filling the cache with files a scan reads once. One read of the size rounded up to 4 KiB plus one
    /// block tells a file that grew. Null when the filesystem refuses O_DIRECT or the file is too big for one buffer.
    /// </summary>
    private static (string Wark, long Size)? HashSmallDirect(string path, string salt, SemaphoreSlim? cpu)
    {
        using var handle = Storage.DirectIo.TryOpenRead(path);
        if (handle is null)
        {
            return null;
        }
        var size = RandomAccess.GetLength(handle);
        var want = Storage.DirectIo.RoundUp((int)Math.Min(size + 1, int.MaxValue - Storage.DirectIo.Align));
        if (size <= 0 || want > SmallFile)
        {
            return null;
        }
        var buf = Storage.AlignedBuffer.Rent(SmallFile);
        try
        {
            var span = buf.GetSpan();
            var got = 0;
            while (got < want)
            {
                var r = RandomAccess.Read(handle, span[got..want], got);
                if (r == 0)
                {
                    break;
                }
                got += r;
                if ((r & (Storage.DirectIo.Align - 1)) != 0)
                {
                    break; // a short read ends at the end of the file
                }
            }
            if (got != size)
            {
                return ("", got); // shrank or grew while read
            }
            return (Hashed(salt, span[..(int)size], cpu), size);
        }
        catch (IOException)
        {
            return null; // EINVAL from a filesystem that took O_DIRECT at open but not at read: the ordinary way
        }
        finally
        {
            Storage.AlignedBuffer.Return(buf);
        }
    }

    /// <summary>The wark of a file of one chunk, its bytes in <paramref name="data"/>.</summary>
    private static string Hashed(string salt, ReadOnlySpan<byte> data, SemaphoreSlim? cpu)
    {
        Span<byte> d = stackalloc byte[64];
        cpu?.Wait();
        try
        {
            SHA512.HashData(data, d);
        }
        finally
        {
            cpu?.Release();
        }
        return Up2kHash.Wark(salt, data.Length, [Up2kHash.Encode(d)]);
    }

    /// <summary>The up2k hash of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    /// <param name="cpu">held while hashing, not while reading, when given</param>
    public static async ValueTask<string> HashRangeAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long length, CancellationToken ct,
        SemaphoreSlim? cpu = null)
    {
        var buf = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            long done = 0;
            while (done < length)
            {
                var want = (int)Math.Min(ReadSize, length - done);
                var r = await RandomAccess.ReadAsync(handle, buf.AsMemory(0, want), offset + done, ct);
                if (r == 0)
                {
                    throw new IOException("file shrank while hashing");
                }
                if (cpu is not null)
                {
                    await cpu.WaitAsync(ct);
                }
                try
                {
                    sha.AppendData(buf, 0, r);
                }
                finally
                {
                    cpu?.Release();
                }
                done += r;
            }
            Span<byte> d = stackalloc byte[64];
            sha.GetHashAndReset(d);
            return Up2kHash.Encode(d);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }
}
