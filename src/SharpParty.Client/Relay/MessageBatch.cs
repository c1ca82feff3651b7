using System.Buffers;
using System.Buffers.Binary;

namespace SharpParty.Client.Relay;

/// <summary>
/// The <c>batch1</c> extension (ours only, used when the receiver echoed it, see <see cref="RelayCaps"/>): the
/// messages of many small files travel as one binary WebSocket message, announced by a text
/// <c>{"type":"x_batch"}</c>. Without it a 1-64 KiB file costs three messages (header, frame, file_eof), each a
/// send, a relay read + write and a receive, and on a busy machine a thread wake-up on all three processes
/// (measured: 2,000 small files took twice p2p-copy's wall time for about the same CPU). Inside, each record is
/// <c>[kind u8: 1 text, 2 binary | length u32 big-endian | bytes]</c>, the messages exactly as they would have been
/// sent one by one, so sequence numbers, chains and the nonce order are unchanged.
/// </summary>
internal sealed class MessageBatch : IDisposable
{
    /// <summary>A batch stays under 1 MiB: well below p2p-copy's (and so any relay's) 2 MiB message cap.</summary>
    public const int Limit = 1 << 20;

    /// <summary>Messages up to this size are batched; bigger ones (full 1 MiB chunks) go as they are.</summary>
    public const int MaxItem = 256 << 10;

    public const int RecordHeader = 5;

    public const byte TextKind = 1;

    public const byte BinaryKind = 2;

    private byte[] _buf = ArrayPool<byte>.Shared.Rent(Limit);

    public int Length { get; private set; }

    /// <summary>How many messages are in the batch.</summary>
    public int Count { get; private set; }

    public static bool Fits(int length) => length <= MaxItem;

    /// <summary>Whether a message of <paramref name="length"/> bytes still fits.</summary>
    public bool HasRoomFor(int length) => Length + RecordHeader + length <= Limit;

    public void Add(bool text, ReadOnlySpan<byte> message)
    {
        var d = _buf.AsSpan(Length);
        d[0] = text ? TextKind : BinaryKind;
        BinaryPrimitives.WriteUInt32BigEndian(d[1..], (uint)message.Length);
        message.CopyTo(d[RecordHeader..]);
        Length += RecordHeader + message.Length;
        Count++;
    }

    /// <summary>Hands the filled buffer over (the caller returns it to the pool) and starts an empty one.</summary>
    public byte[] Take()
    {
        var b = _buf;
        _buf = ArrayPool<byte>.Shared.Rent(Limit);
        Length = 0;
        Count = 0;
        return b;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buf);
        _buf = [];
    }

    /// <summary>Reads the record at <paramref name="offset"/>; false at the end, an exception for a broken batch.</summary>
    public static bool TryNext(ReadOnlyMemory<byte> batch, ref int offset, out bool text, out ReadOnlyMemory<byte> message)
    {
        text = false;
        message = default;
        if (offset == batch.Length)
        {
            return false;
        }
        var s = batch.Span[offset..];
        if (s.Length < RecordHeader || s[0] is not (TextKind or BinaryKind))
        {
            throw new RelayProtocolException("broken x_batch message");
        }
        var len = BinaryPrimitives.ReadUInt32BigEndian(s[1..]);
        if (len > (uint)(s.Length - RecordHeader))
        {
            throw new RelayProtocolException("broken x_batch message");
        }
        text = s[0] == TextKind;
        message = batch.Slice(offset + RecordHeader, (int)len);
        offset += RecordHeader + (int)len;
        return true;
    }
}
