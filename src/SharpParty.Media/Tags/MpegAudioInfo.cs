using System.Buffers.Binary;

namespace SharpParty.Media.Tags;

/// <summary>
/// Duration and bit rate of an MPEG audio stream: from the first frame's Xing/Info header (LAME's VBR header) or
/// Fraunhofer's VBRI header when there is one, else as constant bit rate over the audio bytes.
/// </summary>
internal static class MpegAudioInfo
{
    /// <summary>How far past the tag we look for the first frame: junk between tag and audio is rarely more than a few KiB.</summary>
    public const int SyncSearch = 64 << 10;

    public static void Read(MediaFile f, long audioStart, long audioEnd, ProbedMedia into)
    {
        var window = f.ReadBlock(audioStart, Math.Min(SyncSearch + 4096, audioEnd - audioStart), SyncSearch + 4096);
        if (!TryFindFrame(window, out var at, out var h))
        {
            return;
        }

        into.Codec = "mp3"; // copyparty's "ac" for MPEG audio, whatever the layer (the name mutagen's MPEGInfo yields)
        into.SampleRate = h.SampleRate;
        into.Channels = h.Mono ? 1 : 2;

        var frame = window.AsSpan(at);
        var first = audioStart + at;
        if (TryXing(frame, h, out var frames, out var bytes) || TryVbri(frame, out frames, out bytes))
        {
            if (frames > 0)
            {
                into.Duration = (double)frames * h.SamplesPerFrame / h.SampleRate;
                var audioBytes = bytes > 0 ? bytes : audioEnd - first;
                into.BitRate = audioBytes * 8 / into.Duration;
                return;
            }
        }

        // constant bit rate: every frame has the first one's rate
        into.BitRate = h.BitRateKbps * 1000.0;
        into.Duration = (audioEnd - first) * 8 / into.BitRate;
    }

    /// <summary>
    /// Finds a frame header that the next frame confirms (a lone 0xFFE sync pattern is common in random data), or that
    /// starts the window (nothing to compare with in a one-frame file).
    /// </summary>
    private static bool TryFindFrame(ReadOnlySpan<byte> w, out int at, out MpegFrameHeader h)
    {
        var limit = Math.Min(w.Length - 4, SyncSearch);
        for (at = 0; at <= limit; at++)
        {
            if (w[at] != 0xFF || !MpegFrameHeader.TryParse(w[at..], out h))
            {
                continue;
            }

            var next = at + h.FrameLength;
            if (next + 4 > w.Length)
            {
                if (at == 0)
                {
                    return true;
                }

                continue;
            }

            if (MpegFrameHeader.TryParse(w[next..], out var h2) && h2.Version == h.Version && h2.Layer == h.Layer
                && h2.SampleRate == h.SampleRate)
            {
                return true;
            }
        }

        h = default;
        at = -1;
        return false;
    }

    /// <summary>Xing/Info header: tag, 4-byte flags (1 = frames, 2 = bytes, 4 = TOC, 8 = quality), then the fields present.</summary>
    private static bool TryXing(ReadOnlySpan<byte> frame, MpegFrameHeader h, out long frames, out long bytes)
    {
        frames = bytes = 0;
        var o = h.XingOffset;
        if (frame.Length < o + 8 || !(frame.Slice(o, 4).SequenceEqual("Xing"u8) || frame.Slice(o, 4).SequenceEqual("Info"u8)))
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt32BigEndian(frame[(o + 4)..]);
        var p = o + 8;
        if ((flags & 1) != 0 && frame.Length >= p + 4)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(frame[p..]);
            p += 4;
        }

        if ((flags & 2) != 0 && frame.Length >= p + 4)
        {
            bytes = BinaryPrimitives.ReadUInt32BigEndian(frame[p..]);
        }

        return true;
    }

    /// <summary>VBRI header, 32 bytes after the frame header: tag, version 2, delay 2, quality 2, bytes 4, frames 4.</summary>
    private static bool TryVbri(ReadOnlySpan<byte> frame, out long frames, out long bytes)
    {
        frames = bytes = 0;
        const int o = 4 + 32;
        if (frame.Length < o + 18 || !frame.Slice(o, 4).SequenceEqual("VBRI"u8))
        {
            return false;
        }

        bytes = BinaryPrimitives.ReadUInt32BigEndian(frame[(o + 10)..]);
        frames = BinaryPrimitives.ReadUInt32BigEndian(frame[(o + 14)..]);
        return true;
    }
}
