using System.Buffers.Binary;

namespace SharpParty.Media.Tags;

/// <summary>
/// One Ogg page header (RFC 3533 §6): "OggS", version 0, flags, 64-bit granule position, serial, sequence, CRC, segment
/// count, then the lacing values; the body is their sum, so a page is at most 27 + 255 + 255 × 255 bytes.
/// </summary>
internal readonly record struct OggPage(long Offset, byte Flags, long Granule, uint Serial, byte[] Lacing)
{
    public const int MaxSize = 27 + 255 + (255 * 255);

    public int HeaderLength => 27 + Lacing.Length;

    public int BodyLength
    {
        get
        {
            var n = 0;
            foreach (var l in Lacing)
            {
                n += l;
            }

            return n;
        }
    }

    public long End => Offset + HeaderLength + BodyLength;

    public bool IsFirst => (Flags & 2) != 0;

    /// <summary>Parses the page header at <paramref name="offset"/>; false if there is none or the file is shorter than the page claims.</summary>
    public static bool TryRead(MediaFile f, long offset, out OggPage page)
    {
        page = default;
        Span<byte> h = stackalloc byte[27];
        if (!f.TryRead(offset, h) || !TryParseFixed(h, out var flags, out var granule, out var serial))
        {
            return false;
        }

        var lacing = new byte[h[26]];
        if (!f.TryRead(offset + 27, lacing))
        {
            return false;
        }

        page = new OggPage(offset, flags, granule, serial, lacing);
        return true;
    }

    /// <summary>The fixed 27 bytes: capture pattern and version 0 (anything else is not a page we understand).</summary>
    public static bool TryParseFixed(ReadOnlySpan<byte> h, out byte flags, out long granule, out uint serial)
    {
        flags = 0;
        granule = 0;
        serial = 0;
        if (h.Length < 27 || !h[..4].SequenceEqual("OggS"u8) || h[4] != 0)
        {
            return false;
        }

        flags = h[5];
        granule = BinaryPrimitives.ReadInt64LittleEndian(h[6..]);
        serial = BinaryPrimitives.ReadUInt32LittleEndian(h[14..]);
        return true;
    }
}
