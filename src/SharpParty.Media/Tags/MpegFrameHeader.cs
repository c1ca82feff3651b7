namespace SharpParty.Media.Tags;

/// <summary>
/// The 4-byte MPEG-1/2/2.5 audio frame header (ISO/IEC 11172-3 §2.4.2.3, 13818-3): 11 sync bits, version, layer,
/// bit rate index, sample rate index, padding, channel mode.
/// </summary>
internal readonly record struct MpegFrameHeader(int Version, int Layer, int BitRateKbps, int SampleRate, bool Padding, bool Mono)
{
    // kbps by [row][index]; rows: V1 L1, V1 L2, V1 L3, V2/2.5 L1, V2/2.5 L2+L3
    private static readonly short[][] BitRates =
    [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];

    private static readonly int[] SampleRates = [44100, 48000, 32000];

    /// <summary>Version: 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out MpegFrameHeader h)
    {
        h = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        var ver = (b[1] >> 3) & 3; // 0 = 2.5, 1 = reserved, 2 = MPEG-2, 3 = MPEG-1
        var layerBits = (b[1] >> 1) & 3; // 1 = III, 2 = II, 3 = I
        var brIndex = b[2] >> 4;
        var srIndex = (b[2] >> 2) & 3;
        if (ver == 1 || layerBits == 0 || brIndex is 0 or 15 || srIndex == 3)
        {
            return false; // reserved values; free-format (index 0) has no length we can compute
        }

        var version = ver switch { 3 => 1, 2 => 2, _ => 25 };
        var layer = 4 - layerBits;
        var row = version == 1 ? layer - 1 : (layer == 1 ? 3 : 4);
        var sr = SampleRates[srIndex] / (version switch { 1 => 1, 2 => 2, _ => 4 });
        h = new MpegFrameHeader(version, layer, BitRates[row][brIndex], sr, (b[2] & 2) != 0, (b[3] >> 6) == 3);
        return true;
    }

    public int SamplesPerFrame => Layer switch
    {
        1 => 384,
        2 => 1152,
        _ => Version == 1 ? 1152 : 576,
    };

    /// <summary>Frame length in bytes, header included.</summary>
    public int FrameLength => Layer == 1
        ? ((12 * BitRateKbps * 1000 / SampleRate) + (Padding ? 1 : 0)) * 4
        : (SamplesPerFrame / 8 * BitRateKbps * 1000 / SampleRate) + (Padding ? 1 : 0);

    /// <summary>Where a Xing/Info header sits: after the header and the layer III side information.</summary>
    public int XingOffset => 4 + (Version == 1 ? (Mono ? 17 : 32) : (Mono ? 9 : 17));
}
