using System.Buffers.Binary;
using SharpParty.Client.Relay;

namespace SharpParty.Web.Relay;

/// <summary>
/// An encrypted transfer stored by the mailbox (spec §1.5 "Encrypted mode"): the relay cannot decrypt, so it keeps
/// the sender's messages verbatim, from <c>enc_manifest</c> (which carries the nonce seed) to <c>eof</c>, and plays
/// them back to a receiver with the same code hash, who decrypts them as if the sender were live. One file per code
/// hash in the folder, hidden: <c>.relay-HASH.box</c>; records are <c>[kind u8 | length u32 big-endian | bytes]</c>
/// as in <see cref="MessageBatch"/>. It grows under <c>.PARTIAL</c> and is renamed when <c>eof</c> came.
/// </summary>
internal static class BoxLog
{
    public static bool IsHash(string h) => h.Length == 64 && h.All(char.IsAsciiHexDigitLower);

    public static string PathFor(string folder, string codeHash) => Path.Join(folder, ".relay-" + codeHash + ".box");

    public static string TempOf(string box) => box + ".PARTIAL";

    public static void Write(Stream to, bool text, ReadOnlySpan<byte> message)
    {
        Span<byte> h = stackalloc byte[MessageBatch.RecordHeader];
        h[0] = text ? MessageBatch.TextKind : MessageBatch.BinaryKind;
        BinaryPrimitives.WriteUInt32BigEndian(h[1..], (uint)message.Length);
        to.Write(h);
        to.Write(message);
    }

    /// <summary>The next record into <paramref name="buf"/> (which holds the largest message); null at the end.</summary>
    public static (bool Text, int Length)? Read(Stream from, byte[] buf)
    {
        Span<byte> h = stackalloc byte[MessageBatch.RecordHeader];
        var got = from.ReadAtLeast(h, h.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }
        var len = BinaryPrimitives.ReadUInt32BigEndian(h[1..]);
        if (got < h.Length || h[0] is not (MessageBatch.TextKind or MessageBatch.BinaryKind) || len > (uint)buf.Length)
        {
            throw new InvalidDataException("broken relay box");
        }
        from.ReadExactly(buf, 0, (int)len);
        return (h[0] == MessageBatch.TextKind, (int)len);
    }
}
