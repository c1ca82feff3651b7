using System.Buffers.Binary;
using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// A Vorbis comment block (Vorbis I spec §5; RFC 9639 §8.6 for FLAC, RFC 7845 §5.2 for Opus): little-endian 32-bit
/// vendor length + vendor string, 32-bit count, then count × (32-bit length + "KEY=value" in UTF-8). Field names are
/// case-insensitive ASCII. Every length is checked against what is left, so a truncated block yields the fields before
/// the cut.
/// </summary>
internal static class VorbisComments
{
    /// <summary>Fields read per block; a block claiming four billion is lying.</summary>
    public const int MaxComments = 4096;

    public static void Parse(ReadOnlySpan<byte> b, ProbedMedia into)
    {
        if (b.Length < 4)
        {
            return;
        }

        var vendorLen = BinaryPrimitives.ReadUInt32LittleEndian(b);
        if (vendorLen > (uint)(b.Length - 4))
        {
            return;
        }

        var p = 4 + (int)vendorLen;
        if (b.Length - p < 4)
        {
            return;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(b[p..]);
        p += 4;
        for (var i = 0u; i < count && i < MaxComments && b.Length - p >= 4; i++)
        {
            var len = BinaryPrimitives.ReadUInt32LittleEndian(b[p..]);
            p += 4;
            if (len > (uint)(b.Length - p))
            {
                return;
            }

            var field = b.Slice(p, (int)len);
            p += (int)len;
            var eq = field.IndexOf((byte)'=');
            if (eq <= 0 || eq > 128)
            {
                continue;
            }

            var key = Encoding.ASCII.GetString(field[..eq]);
            if (key.Equals("METADATA_BLOCK_PICTURE", StringComparison.OrdinalIgnoreCase))
            {
                continue; // base64 cover art
            }

            into.Add(key, Encoding.UTF8.GetString(field[(eq + 1)..]));
        }
    }
}
