using System.Buffers.Binary;

namespace SharpParty.Media.Tags;

/// <summary>
/// FLAC (RFC 9639): "fLaC", then metadata blocks, each a 4-byte header (bit 7: last block, bits 0-6: type, 24-bit
/// length). STREAMINFO (type 0, §8.2) gives sample rate, channels and total samples; VORBIS_COMMENT (type 4, §8.6)
/// the tags. Pictures and padding are skipped without being read. An ID3v2 tag in front (not allowed, but written by
/// some taggers) is stepped over.
/// </summary>
internal static class FlacReader
{
    /// <summary>Metadata blocks looked at.</summary>
    public const int MaxBlocks = 1024;

    /// <summary>A Vorbis comment block is read up to this size (its 24-bit length allows 16 MiB).</summary>
    public const int MaxCommentBlock = 1 << 20;

    public static ProbedMedia Read(MediaFile f)
    {
        var m = new ProbedMedia();
        var pos = Id3v2Reader.TagSize(f, 0);
        if (f.ReadUInt32BE(pos, out var ok) != 0x664C6143 || !ok) // "fLaC"
        {
            return m;
        }

        pos += 4;
        long totalSamples = 0;
        Span<byte> hdr = stackalloc byte[4];
        Span<byte> si = stackalloc byte[34];
        for (var i = 0; i < MaxBlocks && f.TryRead(pos, hdr); i++)
        {
            var last = (hdr[0] & 0x80) != 0;
            var type = hdr[0] & 0x7F;
            var len = (hdr[1] << 16) | (hdr[2] << 8) | hdr[3];
            pos += 4;
            if (type == 0 && len >= 34)
            {
                if (f.TryRead(pos, si))
                {
                    totalSamples = StreamInfo(si, m);
                }
            }
            else if (type == 4)
            {
                VorbisComments.Parse(f.ReadBlock(pos, len, MaxCommentBlock), m);
            }
            else if (type == 127)
            {
                break; // invalid per §8.1 (it would be mistaken for a frame sync)
            }

            pos += len;
            if (last)
            {
                break;
            }
        }

        m.Codec = "flac";
        if (totalSamples > 0 && m.SampleRate > 0)
        {
            m.Duration = (double)totalSamples / m.SampleRate;
            // mutagen's FLAC bit rate: the audio bytes after the metadata over the duration
            m.BitRate = Math.Max(0, f.Length - pos) * 8 / m.Duration;
        }

        return m;
    }

    /// <summary>STREAMINFO §8.2: after 10 bytes of block/frame sizes, 20 bits sample rate, 3 bits channels-1, 5 bits bits-per-sample-1, 36 bits total samples.</summary>
    private static long StreamInfo(ReadOnlySpan<byte> si, ProbedMedia m)
    {
        var x = BinaryPrimitives.ReadUInt64BigEndian(si[10..]);
        m.SampleRate = (int)(x >> 44);
        m.Channels = (int)((x >> 41) & 7) + 1;
        return (long)(x & 0xF_FFFF_FFFF);
    }
}
