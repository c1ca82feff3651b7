using System.Buffers.Binary;

namespace SharpParty.Client.Relay;

/// <summary>
/// A data frame (spec §1.3.1): <c>[seq u64 big-endian | chain 32 bytes | payload]</c>; the payload is the chunk after
/// zstd and, with <c>--encrypt</c>, after AES-GCM (ciphertext || 16-byte tag).
/// </summary>
internal static class WireFrame
{
    public const int HeaderSize = 8 + ChainedHash.Size;

    /// <summary>p2p-copy's CHUNK_SIZE: raw bytes read per frame; compatible senders must not exceed it.</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>p2p-copy's max_size=2**21 on every socket: the largest message either side accepts.</summary>
    public const int MaxMessage = 1 << 21;

    public static void WriteHeader(Span<byte> frame, ulong seq, ReadOnlySpan<byte> chain)
    {
        BinaryPrimitives.WriteUInt64BigEndian(frame, seq);
        chain.CopyTo(frame[8..HeaderSize]);
    }

    public static bool TryRead(ReadOnlySpan<byte> frame, out ulong seq, out ReadOnlySpan<byte> chain, out ReadOnlySpan<byte> payload)
    {
        if (frame.Length < HeaderSize)
        {
            seq = 0;
            chain = payload = default;
            return false;
        }
        seq = BinaryPrimitives.ReadUInt64BigEndian(frame);
        chain = frame[8..HeaderSize];
        payload = frame[HeaderSize..];
        return true;
    }
}
