using ZstdSharp;

namespace SharpParty.Client.Relay;

/// <summary><c>--compress</c>: auto decides per file from its first chunk, on and off for every file (spec §1.3.3).</summary>
internal enum CompressMode
{
    Auto,
    On,
    Off,
}

/// <summary>
/// zstd level 3, one independent frame per chunk with the content size in its header (Python's
/// <c>ZstdDecompressor.decompress</c> needs it; ZstdSharp's one-shot <c>Wrap</c> writes it).
/// </summary>
internal sealed class ChunkCodec : IDisposable
{
    /// <summary>p2p-copy keeps compression for a file when its first chunk shrinks below 95%.</summary>
    public const double AutoThreshold = 0.95;

    private readonly Compressor _compressor = new(3);
    private readonly Decompressor _decompressor = new();

    public static int Bound(int length) => Compressor.GetCompressBound(length);

    public int Compress(ReadOnlySpan<byte> raw, Span<byte> output) => _compressor.Wrap(raw, output);

    /// <summary>Returns the decompressed length, or -1 for a frame that is broken or claims more than <paramref name="output"/> holds
    /// (a chunk is at most 1 MiB raw: a bigger claim is a decompression bomb).</summary>
    public int Decompress(ReadOnlySpan<byte> frame, Span<byte> output)
    {
        try
        {
            var size = Decompressor.GetDecompressedSize(frame);
            if (size > (ulong)output.Length)
            {
                return -1;
            }
            return _decompressor.Unwrap(frame, output);
        }
        catch (ZstdException)
        {
            return -1;
        }
    }

    public void Dispose()
    {
        _compressor.Dispose();
        _decompressor.Dispose();
    }
}
