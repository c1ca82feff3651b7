using System.Buffers;

namespace SharpParty.Client.Relay;

/// <summary>
/// Turns chunks of one file into data frames, in p2p-copy's order (spec §1.3.1): zstd (decided from the first chunk),
/// then the chain over the compressed plaintext, then AES-GCM. Frames are pooled arrays that the sending side returns.
/// </summary>
internal sealed class FrameBuilder(CompressMode mode, E2eCipher? cipher) : IDisposable
{
    private readonly ChunkCodec? _codec = mode == CompressMode.Off ? null : new ChunkCodec();
    private readonly byte[] _scratch = ArrayPool<byte>.Shared.Rent(ChunkCodec.Bound(WireFrame.ChunkSize));
    private ChainedHash _chain = new();
    private ulong _seq;
    private bool _zstd;

    /// <summary>The first chunk's compressed length when <see cref="Decide"/> kept it in the scratch buffer, else -1.</summary>
    private int _precompressed = -1;

    public E2eCipher? Cipher => cipher;

    /// <summary>Whether this file is sent compressed: always with on, never with off, with auto when the first chunk
    /// shrinks below 95% (an empty first chunk counts as 100%).</summary>
    public bool Decide(ReadOnlySpan<byte> first)
    {
        _precompressed = -1;
        if (_codec is null)
        {
            return _zstd = false;
        }
        var n = _codec.Compress(first, _scratch);
        _zstd = mode == CompressMode.On || (first.Length > 0 && (double)n / first.Length < ChunkCodec.AutoThreshold);
        if (_zstd)
        {
            _precompressed = n;
        }
        return _zstd;
    }

    /// <summary>Sequence and chain restart for every file.</summary>
    public void StartFile()
    {
        _chain = new ChainedHash();
        _seq = 0;
    }

    public (byte[] Frame, int Length) Build(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> x = raw;
        if (_zstd)
        {
            var n = _precompressed >= 0 ? _precompressed : _codec!.Compress(raw, _scratch);
            _precompressed = -1;
            x = _scratch.AsSpan(0, n);
        }
        var chain = _chain.Next(x);
        var len = WireFrame.HeaderSize + x.Length + (cipher is null ? 0 : E2eCipher.TagSize);
        var frame = ArrayPool<byte>.Shared.Rent(len);
        WireFrame.WriteHeader(frame, _seq++, chain);
        if (cipher is not null)
        {
            cipher.Encrypt(x, frame.AsSpan(WireFrame.HeaderSize, len - WireFrame.HeaderSize));
        }
        else
        {
            x.CopyTo(frame.AsSpan(WireFrame.HeaderSize));
        }
        return (frame, len);
    }

    public void Dispose()
    {
        _codec?.Dispose();
        ArrayPool<byte>.Shared.Return(_scratch);
    }
}
