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

    public static async Task<(string Wark, string[] Hashes, long Size)> HashAsync(string path, string salt, int parallelism, CancellationToken ct)
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
            hashes[i] = await HashRangeAsync(handle, start, len, c);
        });
        return (n == 0 ? "" : Up2kHash.Wark(salt, size, hashes), hashes, size);
    }

    /// <summary>The up2k hash of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    public static async ValueTask<string> HashRangeAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long length, CancellationToken ct)
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
                sha.AppendData(buf, 0, r);
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
