using System.Security.Cryptography;

namespace SharpParty.Client.Relay;

/// <summary>
/// p2p-copy's chained checksum (spec §1.3.1): <c>chain_i = sha256(chain_{i-1} || X_i)</c>, <c>chain_{-1}</c> empty.
/// The same construction drives the nonce chain of <see cref="E2eCipher"/>.
/// </summary>
internal sealed class ChainedHash
{
    public const int Size = 32;

    [ThreadStatic]
    private static IncrementalHash? _threadHash;

    private readonly byte[] _prev = new byte[Size];
    private bool _started;

    public ReadOnlySpan<byte> Current => _started ? _prev : [];

    /// <summary>Advances the chain over <paramref name="payload"/> and returns the new value (valid until the next call).</summary>
    public ReadOnlySpan<byte> Next(ReadOnlySpan<byte> payload)
    {
        // one hash object per thread: creating one per chunk cost more than hashing a small file's chunk
        var h = _threadHash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (_started)
        {
            h.AppendData(_prev);
        }
        h.AppendData(payload);
        h.GetHashAndReset(_prev);
        _started = true;
        return _prev;
    }

    /// <summary>The chain of a file's raw bytes from offset 0 to <paramref name="limit"/> (or its end), in 1 MiB steps,
    /// as the resume exchange computes it on both sides (§1.3.4). Returns the bytes hashed.</summary>
    public static (long Hashed, byte[] Chain) OfFile(string path, long? limit, CancellationToken ct)
    {
        var c = new ChainedHash();
        var buf = System.Buffers.ArrayPool<byte>.Shared.Rent(WireFrame.ChunkSize);
        try
        {
            using var fh = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            long off = 0;
            var end = limit ?? long.MaxValue;
            while (off < end)
            {
                var want = (int)Math.Min(WireFrame.ChunkSize, end - off);
                ct.ThrowIfCancellationRequested();
                var n = FileChunks.Fill(fh, buf.AsSpan(0, want), off);
                if (n == 0)
                {
                    break;
                }
                c.Next(buf.AsSpan(0, n));
                off += n;
            }
            return (off, c.Current.ToArray());
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buf);
        }
    }
}
