using System.Buffers.Binary;

namespace SharpParty.Media.Tags;

/// <summary>
/// Ogg Vorbis and Ogg Opus. The first logical stream's first two packets are its identification header and its comment
/// header (Vorbis I spec §4.2; RFC 7845 §5: OpusHead, then OpusTags); the granule position of the stream's last page
/// gives the duration (samples for Vorbis; for Opus 48 kHz samples minus the pre-skip, RFC 7845 §4.2).
/// </summary>
internal static class OggReader
{
    /// <summary>Pages walked while collecting the two header packets.</summary>
    public const int MaxHeaderPages = 1024;

    /// <summary>A header packet is kept up to this size; beyond it (embedded cover art) the rest is not read.</summary>
    public const int MaxPacket = 1 << 20;

    /// <summary>The end of the file searched for the last page: two maximal pages.</summary>
    public const int TailWindow = 2 * OggPage.MaxSize;

    public static ProbedMedia Read(MediaFile f)
    {
        var m = new ProbedMedia();
        if (!ReadHeaderPackets(f, out var serial, out var id, out var comments))
        {
            return m;
        }

        long preSkip = 0;
        double rate;
        ReadOnlySpan<byte> idp = id;
        if (idp.Length >= 19 && idp.StartsWith("OpusHead"u8))
        {
            m.Codec = "opus";
            m.Channels = idp[9];
            preSkip = BinaryPrimitives.ReadUInt16LittleEndian(idp[10..]);
            m.SampleRate = 48000; // Opus always decodes at 48 kHz; the header's input rate is informational (§5.1)
            rate = 48000;
            if (comments.AsSpan().StartsWith("OpusTags"u8))
            {
                VorbisComments.Parse(comments.AsSpan(8), m);
            }
        }
        else if (idp.Length >= 28 && idp[0] == 1 && idp[1..7].SequenceEqual("vorbis"u8))
        {
            m.Codec = "vorbis";
            m.Channels = idp[11];
            m.SampleRate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(idp[12..]), 1_000_000);
            rate = m.SampleRate;
            var nominal = BinaryPrimitives.ReadInt32LittleEndian(idp[20..]);
            if (nominal > 0)
            {
                m.BitRate = nominal;
            }

            if (comments.Length >= 7 && comments[0] == 3 && comments.AsSpan(1, 6).SequenceEqual("vorbis"u8))
            {
                VorbisComments.Parse(comments.AsSpan(7), m);
            }
        }
        else
        {
            return m; // Ogg FLAC, Speex, Theora…: FFprobe knows them
        }

        var granule = LastGranule(f, serial);
        if (rate > 0 && granule > preSkip)
        {
            m.Duration = (granule - preSkip) / rate;
            if (m.BitRate <= 0)
            {
                m.BitRate = f.Length * 8 / m.Duration;
            }
        }

        return m;
    }

    /// <summary>Reassembles the first two packets of the first stream; lacing values below 255 end a packet (RFC 3533 §5).</summary>
    private static bool ReadHeaderPackets(MediaFile f, out uint serial, out byte[] id, out byte[] comments)
    {
        serial = 0;
        id = comments = [];
        var packets = new List<byte[]>(2);
        var current = new MemoryStream();
        var overflow = false;
        long pos = 0;
        var haveSerial = false;
        for (var n = 0; n < MaxHeaderPages && packets.Count < 2 && OggPage.TryRead(f, pos, out var page); n++)
        {
            if (!haveSerial)
            {
                serial = page.Serial;
                haveSerial = true;
            }

            if (page.Serial == serial)
            {
                var body = f.ReadBlock(pos + page.HeaderLength, page.BodyLength, OggPage.MaxSize);
                var at = 0;
                foreach (var lace in page.Lacing)
                {
                    if (!overflow && lace > 0)
                    {
                        if (current.Length + lace > MaxPacket)
                        {
                            overflow = true; // keep what we have: the fields before the cover art
                        }
                        else
                        {
                            current.Write(body.AsSpan(Math.Min(at, body.Length), Math.Clamp(body.Length - at, 0, lace)));
                        }
                    }

                    at += lace;
                    if (lace < 255)
                    {
                        packets.Add(current.ToArray());
                        current.SetLength(0);
                        overflow = false;
                        if (packets.Count == 2)
                        {
                            break;
                        }
                    }
                }

                if (overflow && packets.Count == 1)
                {
                    packets.Add(current.ToArray());
                }
            }

            pos = page.End;
        }

        if (packets.Count == 0 && current.Length > 0)
        {
            packets.Add(current.ToArray());
        }

        if (packets.Count == 0)
        {
            return false;
        }

        id = packets[0];
        comments = packets.Count > 1 ? packets[1] : current.ToArray();
        return true;
    }

    /// <summary>The granule position of the last complete page of <paramref name="serial"/>, searched backwards in the tail.</summary>
    private static long LastGranule(MediaFile f, uint serial)
    {
        var start = Math.Max(0, f.Length - TailWindow);
        var tail = f.ReadBlock(start, f.Length - start, TailWindow);
        for (var i = tail.Length - 27; i >= 0; i--)
        {
            if (tail[i] != (byte)'O' || !OggPage.TryParseFixed(tail.AsSpan(i), out _, out var granule, out var s)
                || s != serial || granule < 0)
            {
                continue;
            }

            var segs = tail[i + 26];
            if (i + 27 + segs > tail.Length)
            {
                continue;
            }

            var body = 0;
            for (var k = 0; k < segs; k++)
            {
                body += tail[i + 27 + k];
            }

            if (start + i + 27 + segs + body <= f.Length)
            {
                return granule;
            }
        }

        return 0;
    }
}
