using System.Buffers.Binary;
using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// Reads ID3v2.2, v2.3 and v2.4 tags (id3.org "ID3 tag version 2.4.0 - Main Structure", and the 2.3.0 and 2.2 documents).
/// Hand-written: no tag library is served to this project (TagLibSharp is not available), and we want a reader that
/// only ever looks at the bytes it needs. Frames are read one by one from the file; only when a v2.2/v2.3 tag is
/// unsynchronised as a whole (§6.1 of 2.3.0: frame offsets are then meaningful only after undoing it) is the tag buffered,
/// up to <see cref="MaxBufferedTag"/>.
/// </summary>
internal static class Id3v2Reader
{
    /// <summary>A tag buffered for tag-level unsynchronisation is cut at this size (cover art sits at the end, text first).</summary>
    public const int MaxBufferedTag = 4 << 20;

    /// <summary>Text frames above this size are skipped: no title is 256 KiB long.</summary>
    public const int MaxFrameRead = 256 << 10;

    /// <summary>Frames looked at per tag.</summary>
    public const int MaxFrames = 4096;

    /// <summary>Size of the 10-byte header (§3.1) plus body plus the optional footer (§3.4), or 0 when no tag starts at <paramref name="offset"/>.</summary>
    public static long TagSize(MediaFile f, long offset)
    {
        Span<byte> h = stackalloc byte[10];
        return f.TryRead(offset, h) && TryParseHeader(h, out var hdr) ? 10 + hdr.Size + (hdr.Footer ? 10 : 0) : 0;
    }

    /// <summary>Reads the tag at <paramref name="offset"/> into <paramref name="into"/>; returns its total size (0: none).</summary>
    public static long Read(MediaFile f, long offset, ProbedMedia into)
    {
        Span<byte> h = stackalloc byte[10];
        if (!f.TryRead(offset, h) || !TryParseHeader(h, out var hdr))
        {
            return 0;
        }

        var total = 10 + hdr.Size + (hdr.Footer ? 10 : 0);
        if (hdr.Major == 2 && (hdr.Flags & 0x40) != 0)
        {
            return total; // v2.2: bit 6 means a compression scheme that was never defined; nothing can be read
        }

        var bodyLen = Math.Min(hdr.Size, f.Length - offset - 10);
        if (bodyLen <= 0)
        {
            return total;
        }

        var unsyncTag = (hdr.Flags & 0x80) != 0;
        var src = unsyncTag && hdr.Major < 4
            ? FrameSource.Buffered(Unsync(f.ReadBlock(offset + 10, bodyLen, MaxBufferedTag)))
            : FrameSource.OnDisk(f, offset + 10, bodyLen);

        long pos = 0;
        if ((hdr.Flags & 0x40) != 0 && hdr.Major >= 3)
        {
            pos = ExtendedHeaderSize(src, hdr.Major);
            if (pos <= 0)
            {
                return total;
            }
        }

        ReadFrames(src, hdr.Major, unsyncTag && hdr.Major == 4, pos, into);
        return total;
    }

    private readonly record struct Header(int Major, byte Flags, long Size, bool Footer);

    private static bool TryParseHeader(ReadOnlySpan<byte> h, out Header hdr)
    {
        hdr = default;
        if (h[0] != 'I' || h[1] != 'D' || h[2] != '3' || h[3] < 2 || h[3] > 4 || h[4] == 0xFF)
        {
            return false;
        }

        if (!TrySyncSafe(h[6..10], out var size))
        {
            return false;
        }

        hdr = new Header(h[3], h[5], size, h[3] == 4 && (h[5] & 0x10) != 0);
        return true;
    }

    /// <summary>A "synchsafe" integer (2.4.0 §6.2): 7 bits per byte, the top bit always clear.</summary>
    private static bool TrySyncSafe(ReadOnlySpan<byte> b, out long value)
    {
        value = 0;
        foreach (var x in b)
        {
            if (x >= 0x80)
            {
                return false;
            }

            value = (value << 7) | x;
        }

        return true;
    }

    /// <summary>v2.3: a 4-byte size that excludes itself; v2.4 (§3.2): a synchsafe size that includes itself.</summary>
    private static long ExtendedHeaderSize(FrameSource src, int major)
    {
        Span<byte> b = stackalloc byte[4];
        if (src.Read(0, b) != 4)
        {
            return 0;
        }

        long size;
        if (major == 3)
        {
            size = BinaryPrimitives.ReadUInt32BigEndian(b) + 4L;
        }
        else if (!TrySyncSafe(b, out size))
        {
            return 0;
        }

        return size >= 6 && size < src.Length ? size : 0;
    }

    private static void ReadFrames(FrameSource src, int major, bool unsyncAll, long pos, ProbedMedia into)
    {
        var hdrLen = major == 2 ? 6 : 10;
        Span<byte> fh = stackalloc byte[10];
        for (var n = 0; n < MaxFrames && pos + hdrLen <= src.Length && !src.Exhausted; n++)
        {
            if (src.Read(pos, fh[..hdrLen]) != hdrLen || fh[0] == 0)
            {
                return; // padding (§3.3) or the end of what we could read
            }

            var idLen = major == 2 ? 3 : 4;
            if (!IsFrameId(fh[..idLen]))
            {
                return;
            }

            var id = Encoding.ASCII.GetString(fh[..idLen]);
            long size;
            byte flags = 0;
            if (major == 2)
            {
                size = (fh[3] << 16) | (fh[4] << 8) | fh[5];
            }
            else
            {
                // v2.4 sizes are synchsafe (§4.1); some old writers put plain integers there, which we accept as v2.3 does
                if (major == 3 || !TrySyncSafe(fh[4..8], out size))
                {
                    size = BinaryPrimitives.ReadUInt32BigEndian(fh[4..8]);
                }

                flags = fh[9];
            }

            var dataStart = pos + hdrLen;
            if (size <= 0 || size > src.Length - dataStart)
            {
                size = Math.Max(0, src.Length - dataStart); // truncated tag: read what is there
            }

            if (size > 0 && size <= MaxFrameRead && Id3Frames.IsWanted(id))
            {
                var data = new byte[(int)size];
                var got = src.Read(dataStart, data);
                var body = Unwrap(data.AsSpan(0, got), major, flags, unsyncAll);
                if (body is not null)
                {
                    Id3Frames.Decode(id, body, into);
                }
            }

            pos = dataStart + Math.Max(1, size);
        }
    }

    private static bool IsFrameId(ReadOnlySpan<byte> id)
    {
        foreach (var c in id)
        {
            if (c is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Strips the extra bytes that frame flags add before the data (2.3.0 §3.3.1, 2.4.0 §4.1.2) and undoes per-frame
    /// unsynchronisation; null for compressed or encrypted frames, which we do not read.
    /// </summary>
    private static byte[]? Unwrap(ReadOnlySpan<byte> data, int major, byte flags, bool unsyncAll)
    {
        var skip = 0;
        if (major == 3)
        {
            if ((flags & 0xC0) != 0)
            {
                return null; // 0x80 zlib-compressed, 0x40 encrypted
            }

            skip = (flags & 0x20) != 0 ? 1 : 0; // grouping identity
        }
        else if (major == 4)
        {
            if ((flags & 0x0C) != 0)
            {
                return null; // 0x08 compressed, 0x04 encrypted
            }

            skip = ((flags & 0x40) != 0 ? 1 : 0) + ((flags & 0x01) != 0 ? 4 : 0); // group id, data length indicator
        }

        if (skip >= data.Length)
        {
            return null;
        }

        var body = data[skip..].ToArray();
        return major == 4 && (unsyncAll || (flags & 0x02) != 0) ? Unsync(body) : body;
    }

    /// <summary>Undoes unsynchronisation (2.4.0 §6.1): every 0xFF 0x00 pair was 0xFF.</summary>
    internal static byte[] Unsync(byte[] b)
    {
        var w = 0;
        for (var r = 0; r < b.Length; r++)
        {
            b[w++] = b[r];
            if (b[r] == 0xFF && r + 1 < b.Length && b[r + 1] == 0)
            {
                r++;
            }
        }

        return w == b.Length ? b : b[..w];
    }

    /// <summary>Where frames come from: straight from the file, or from a buffer holding the de-unsynchronised tag.</summary>
    private sealed class FrameSource
    {
        private readonly MediaFile? _file;
        private readonly long _start;
        private readonly byte[]? _buf;

        private FrameSource(MediaFile? file, long start, long length, byte[]? buf)
        {
            _file = file;
            _start = start;
            Length = length;
            _buf = buf;
        }

        public long Length { get; }

        public bool Exhausted => _file?.Exhausted ?? false;

        public static FrameSource OnDisk(MediaFile f, long start, long length) => new(f, start, length, null);

        public static FrameSource Buffered(byte[] b) => new(null, 0, b.Length, b);

        public int Read(long pos, Span<byte> dest)
        {
            if (pos < 0 || pos >= Length)
            {
                return 0;
            }

            var n = (int)Math.Min(dest.Length, Length - pos);
            if (_buf is not null)
            {
                _buf.AsSpan((int)pos, n).CopyTo(dest);
                return n;
            }

            return _file!.ReadAt(_start + pos, dest[..n]);
        }
    }
}
