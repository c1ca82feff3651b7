using System.Security.Cryptography;

namespace SharpParty.Client.Relay;

/// <summary>
/// p2p-copy's chained checksum (spec §1.3.1): <c>chain_i = sha256(chain_{i-1} || X_i)</c>, <c>chain_{-1}</c> empty.
/// The same construction drives the nonce chain of <see cref="E2eCipher"/>.
/// </summary>
internal sealed class ChainedHash
{
    public const int Size = 32;

    private readonly byte[] _prev = new byte[Size];
    private bool _started;

    public ReadOnlySpan<byte> Current => _started ? _prev : [];

    /// <summary>Advances the chain over <paramref name="payload"/> and returns the new value (valid until the next call).</summary>
    public ReadOnlySpan<byte> Next(ReadOnlySpan<byte> payload)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
    public static async Task<(long Hashed, byte[] Chain)> OfFileAsync(string path, long? limit, CancellationToken ct)
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
                var n = await FileChunks.FillAsync(fh, buf.AsMemory(0, want), off, ct);
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
