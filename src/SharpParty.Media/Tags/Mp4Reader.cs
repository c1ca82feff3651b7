using System.Buffers.Binary;
using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// MP4/M4A (ISO/IEC 14496-12 §4.2 boxes; Apple's QuickTime File Format reference for <c>meta</c>/<c>ilst</c>
/// "metadata item list" atoms). We walk moov → mvhd (duration), trak → mdia → hdlr/minf → stbl → stsd (codec, channels,
/// rate, esds bit rate) and moov → udta → meta → ilst (tags). Every box must fit in its parent; a size below 8 ends the
/// walk, 0 means "to the end of the parent", and offsets only grow, so a hostile file cannot loop us.
/// </summary>
internal static class Mp4Reader
{
    /// <summary>Boxes visited per file (a real file has a few hundred).</summary>
    public const int MaxBoxes = 10_000;

    /// <summary>Nesting depth followed: moov/udta/meta/ilst/item/data is 6 deep, moov/trak/mdia/minf/stbl/stsd/entry/esds 8.</summary>
    public const int MaxDepth = 10;

    /// <summary>A metadata item's value is read up to this size (lyrics can be long; cover art is skipped anyway).</summary>
    public const int MaxItemData = 256 << 10;

    public static ProbedMedia Read(MediaFile f)
    {
        var w = new Walker(f);
        w.Walk(0, f.Length, 0, "");
        return w.Media;
    }

    private sealed class Walker(MediaFile f)
    {
        private int _boxes;
        private string _handler = "";

        public ProbedMedia Media { get; } = new();

        public void Walk(long start, long end, int depth, string parent)
        {
            if (depth > MaxDepth)
            {
                return;
            }

            var pos = start;
            Span<byte> h = stackalloc byte[16];
            while (pos + 8 <= end && _boxes++ < MaxBoxes && !f.Exhausted)
            {
                if (!f.TryRead(pos, h[..8]))
                {
                    return;
                }

                long size = BinaryPrimitives.ReadUInt32BigEndian(h);
                var type = Encoding.Latin1.GetString(h.Slice(4, 4));
                var hdr = 8;
                if (size == 1)
                {
                    if (!f.TryRead(pos + 8, h.Slice(8, 8)))
                    {
                        return;
                    }

                    size = BinaryPrimitives.ReadInt64BigEndian(h[8..]); // 64-bit "largesize"
                    hdr = 16;
                }
                else if (size == 0)
                {
                    size = end - pos; // the box runs to the end of its parent
                }

                if (size < hdr)
                {
                    return;
                }

                size = Math.Min(size, end - pos); // a truncated file: read what is there
                Box(type, pos + hdr, pos + size, depth, parent);
                pos += size;
            }
        }

        private void Box(string type, long body, long end, int depth, string parent)
        {
            switch (type)
            {
                case "moov" or "trak" or "mdia" or "minf" or "stbl" or "udta":
                    Walk(body, end, depth + 1, type);
                    break;
                case "meta":
                    // ISO: a full box (4 bytes version+flags) before its children; QuickTime's has none, so its first
                    // four bytes are the first child's (non-zero) size
                    var first = f.ReadUInt32BE(body, out var ok);
                    if (ok)
                    {
                        Walk(first == 0 ? body + 4 : body, end, depth + 1, type);
                    }

                    break;
                case "ilst":
                    Ilst(body, end, depth + 1);
                    break;
                case "mvhd":
                    Mvhd(body, end);
                    break;
                case "hdlr" when parent == "mdia":
                    // full box, pre_defined 4 bytes, handler_type: "soun", "vide", "text"…
                    var hb = f.ReadBlock(body, Math.Min(12, end - body), 12);
                    _handler = hb.Length == 12 ? Encoding.Latin1.GetString(hb, 8, 4) : "";
                    if (_handler == "vide")
                    {
                        Media.HasVideo = true;
                    }

                    break;
                case "stsd" when _handler == "soun":
                    // full box, entry_count, then the first sample entry
                    SampleEntry(body + 8, end, depth + 1);
                    break;
            }
        }

        /// <summary>Movie header (14496-12 §8.2.2): version 0 has 32-bit times and duration, version 1 64-bit.</summary>
        private void Mvhd(long body, long end)
        {
            var b = f.ReadBlock(body, Math.Min(32, end - body), 32);
            if (b.Length < 20)
            {
                return;
            }

            long timescale, duration;
            if (b[0] == 1)
            {
                if (b.Length < 32)
                {
                    return;
                }

                timescale = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(20));
                duration = BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(24));
            }
            else
            {
                timescale = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(12));
                duration = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(16));
            }

            if (timescale > 0 && duration > 0 && duration != uint.MaxValue)
            {
                Media.Duration = (double)duration / timescale;
            }
        }

        /// <summary>
        /// AudioSampleEntry (§12.2.3): 8 header, 6 reserved, 2 data-reference index, 8 reserved (QuickTime: version,
        /// revision, vendor), channel count, sample size, 4 more, sample rate as 16.16; child boxes (esds) follow, 16 or
        /// 36 bytes later in QuickTime's version 1 and 2 sound descriptions.
        /// </summary>
        private void SampleEntry(long at, long end, int depth)
        {
            var b = f.ReadBlock(at, Math.Min(36, end - at), 36);
            if (b.Length < 36)
            {
                return;
            }

            var size = BinaryPrimitives.ReadUInt32BigEndian(b);
            var format = Encoding.Latin1.GetString(b, 4, 4);
            var qtVersion = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(16));
            Media.Channels = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(24));
            Media.SampleRate = (int)(BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(32)) >> 16);
            Media.Codec = format switch
            {
                "mp4a" => "aac",
                "alac" => "alac",
                "Opus" => "opus",
                "fLaC" => "flac",
                _ => format.Trim(),
            };

            var entryEnd = Math.Min(end, at + Math.Max(size, 36));
            var children = at + 36 + (qtVersion switch { 1 => 16, 2 => 36, _ => 0 });
            if (format == "mp4a" && f.ReadUInt32BE(children + 4, out var ok) == 0x65736473 && ok) // "esds"
            {
                var len = f.ReadUInt32BE(children, out _);
                Esds(f.ReadBlock(children + 12, Math.Min(len, entryEnd - children) - 12, 256));
            }
        }

        /// <summary>
        /// ES descriptor (ISO/IEC 14496-1 §7.2.6.5): tag 3, ES_ID, flags with optional fields, then the decoder config
        /// descriptor (tag 4): object type (0x40 = AAC, 0x6B/0x69 = MP3), stream type, buffer size, max and average bit rate.
        /// </summary>
        private void Esds(ReadOnlySpan<byte> d)
        {
            var p = 0;
            if (!Descriptor(d, ref p, 3) || p + 3 > d.Length)
            {
                return;
            }

            var flags = d[p + 2];
            p += 3 + ((flags & 0x80) != 0 ? 2 : 0);
            if ((flags & 0x40) != 0)
            {
                p += p < d.Length ? 1 + d[p] : 1;
            }

            p += (flags & 0x20) != 0 ? 2 : 0;
            if (!Descriptor(d, ref p, 4) || p + 13 > d.Length)
            {
                return;
            }

            var oti = d[p];
            if (oti is 0x6B or 0x69)
            {
                Media.Codec = "mp3";
            }
            else if (oti is not (0x40 or 0x66 or 0x67 or 0x68))
            {
                Media.Codec = $"mp4a.{oti:X}";
            }

            var avg = BinaryPrimitives.ReadUInt32BigEndian(d[(p + 9)..]);
            if (avg > 0)
            {
                Media.BitRate = avg;
            }

            p += 13;
            if (oti == 0x40 && Descriptor(d, ref p, 5) && p + 2 <= d.Length)
            {
                AudioSpecificConfig(d[p..]);
            }
        }

        /// <summary>
        /// AAC's AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): 5 bits object type (31: 6 more), 4 bits frequency index
        /// (15: 24 explicit bits), 4 bits channel configuration. The sample entry says 2 channels for mono AAC too;
        /// this is where the real count is.
        /// </summary>
        private void AudioSpecificConfig(ReadOnlySpan<byte> a)
        {
            ulong bits = 0;
            for (var i = 0; i < 8; i++)
            {
                bits = (bits << 8) | (i < a.Length ? a[i] : 0u);
            }

            var at = 5;
            if ((bits >> 59) == 31)
            {
                at += 6;
            }

            var freq = (int)((bits >> (64 - at - 4)) & 0xF);
            at += freq == 15 ? 28 : 4;
            if (at + 4 > a.Length * 8)
            {
                return;
            }

            var cfg = (int)((bits >> (64 - at - 4)) & 0xF);
            if (cfg is >= 1 and <= 7)
            {
                Media.Channels = cfg == 7 ? 8 : cfg;
            }
        }

        /// <summary>A descriptor tag and its length: up to four bytes of 7 bits, the top bit saying "more".</summary>
        private static bool Descriptor(ReadOnlySpan<byte> d, ref int p, byte tag)
        {
            if (p >= d.Length || d[p] != tag)
            {
                return false;
            }

            p++;
            for (var i = 0; i < 4 && p < d.Length; i++)
            {
                if ((d[p++] & 0x80) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The item list: each child is named by its key and holds a <c>data</c> box (and for "----" also <c>mean</c> and <c>name</c>).</summary>
        private void Ilst(long start, long end, int depth)
        {
            var pos = start;
            Span<byte> h = stackalloc byte[8];
            while (pos + 8 <= end && _boxes++ < MaxBoxes && f.TryRead(pos, h))
            {
                var size = (long)BinaryPrimitives.ReadUInt32BigEndian(h);
                if (size < 8)
                {
                    return;
                }

                size = Math.Min(size, end - pos);
                Item(Encoding.Latin1.GetString(h.Slice(4, 4)), pos + 8, pos + size, depth + 1);
                pos += size;
            }
        }

        private void Item(string key, long start, long end, int depth)
        {
            if (depth > MaxDepth || key == "covr")
            {
                return;
            }

            string? name = null;
            var pos = start;
            Span<byte> h = stackalloc byte[8];
            while (pos + 8 <= end && _boxes++ < MaxBoxes && f.TryRead(pos, h))
            {
                var size = (long)BinaryPrimitives.ReadUInt32BigEndian(h);
                if (size < 8)
                {
                    return;
                }

                size = Math.Min(size, end - pos);
                var type = Encoding.Latin1.GetString(h.Slice(4, 4));
                var body = f.ReadBlock(pos + 8, size - 8, MaxItemData);
                if (type == "name" && body.Length > 4)
                {
                    name = Encoding.UTF8.GetString(body, 4, body.Length - 4); // full box, then the name
                }
                else if (type == "data" && body.Length >= 8)
                {
                    Mp4Items.Add(key, name, body, Media);
                    return; // copyparty keeps the first value
                }

                pos += size;
            }
        }
    }
}
