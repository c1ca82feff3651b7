using System.Text;
using SharpParty.Media.Tags;

namespace SharpParty.Media.Tests.Tags;

/// <summary>ID3v1/v2 decoding on hand-built tags: every text encoding, unsynchronisation, extended headers, v2.2 ids.</summary>
public sealed class Id3ReaderTests : IDisposable
{
    private static readonly TagOptions BuiltInOnly = new() { AllowFfprobe = false };
    private readonly TagTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Task<MediaTags> ReadAsync(byte[] bytes) => TagReader.ReadAsync(_files.Write(bytes), BuiltInOnly, CancellationToken.None);

    private static byte[] Txxx(byte enc, string desc, string value) =>
        [enc, .. Id3Builder.Encode(enc, desc), .. (Id3Text.IsWide(enc) ? new byte[] { 0, 0 } : [0]), .. Id3Builder.Encode(enc, value)];

    [Fact]
    public async Task V23_utf16_latin1_txxx_track_and_numeric_genre()
    {
        var tag = new Id3Builder(3)
            .Text("TIT2", 1, "Tïtle ☃")
            .Text("TPE1", 0, "Café Band")
            .Frame("TALB", [1, 0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("Big Endian Album")])
            .Text("TRCK", 0, "03/12")
            .Text("TCON", 0, "(17)")
            .Text("TPOS", 0, "2/2")
            .Frame("TXXX", Txxx(1, "initialkey", "F#m"))
            .Text("TYER", 0, "1999")
            .Build();
        var t = await ReadAsync(tag);
        Assert.Equal("Tïtle ☃", t["title"].Text);
        Assert.Equal("Café Band", t["artist"].Text);
        Assert.Equal("Big Endian Album", t["album"].Text);
        Assert.Equal(3, t[".tn"].Number);
        Assert.Equal("Rock", t["genre"].Text);
        Assert.Equal("11A", t["key"].Text);
        Assert.Equal("1999", t["date"].Text);
    }

    [Fact]
    public async Task V24_utf8_utf16be_multiple_values_extended_header_and_frame_unsync()
    {
        var b = new Id3Builder(4) { Flags = 0x40, ExtendedHeader = [.. Id3Builder.SyncSafe(6), 1, 0] };
        // TPE2 with per-frame unsynchronisation (0x02) and a data length indicator (0x01): "ÿÿ" in Latin-1 is 0xFF 0xFF
        var raw = new byte[] { 0, 0xFF, 0xFF, (byte)'x' };
        var frame = Id3Builder.Unsync(raw);
        b.Text("TIT2", 3, "ütf-8 title")
            .Text("TPE1", 2, "BE artist")
            .Text("TALB", 3, "first\0second")
            .Text("TBPM", 0, "140")
            .Text("TKEY", 0, "Abm")
            .Frame("TPE2", [.. Id3Builder.SyncSafe(raw.Length), .. frame], 0x03)
            .Text("TDRC", 3, "2021-05-06");
        var t = await ReadAsync(b.Build());
        Assert.Equal("ütf-8 title", t["title"].Text);
        Assert.Equal("BE artist", t["artist"].Text);
        Assert.Equal("first", t["album"].Text);
        Assert.Equal(140, t[".bpm"].Number);
        Assert.Equal("1A", t["key"].Text);
        Assert.Equal("ÿÿx", t["circle"].Text);
        Assert.Equal("2021-05-06", t["date"].Text);
    }

    [Fact]
    public async Task V23_whole_tag_unsynchronised()
    {
        var b = new Id3Builder(3) { Flags = 0x80 };
        b.Text("TIT2", 0, "ÿÿ title ÿ").Text("TPE1", 0, "after");
        var t = await ReadAsync(b.Build(unsyncWholeTag: true));
        Assert.Equal("ÿÿ title ÿ", t["title"].Text);
        Assert.Equal("after", t["artist"].Text);
    }

    [Fact]
    public async Task V22_three_letter_frames()
    {
        var t = await ReadAsync(new Id3Builder(2).Text("TT2", 0, "old title").Text("TP1", 1, "old artist").Text("TRK", 0, "7").Build());
        Assert.Equal("old title", t["title"].Text);
        Assert.Equal("old artist", t["artist"].Text);
        Assert.Equal(7, t[".tn"].Number);
    }

    [Fact]
    public async Task Artist_prefers_tpe1_over_composer_and_mtm_can_change_that()
    {
        var bytes = new Id3Builder(3).Text("TCOM", 0, "the composer").Text("TPE1", 0, "the artist").Build();
        var path = _files.Write(bytes);
        Assert.Equal("the artist", (await TagReader.ReadAsync(path, BuiltInOnly, default))["artist"].Text);

        Assert.True(TagMapping.TryParse("artist=composer,tpe1", out var m, out _));
        var o = BuiltInOnly with { Map = new TagMap([m]) };
        Assert.Equal("the composer", (await TagReader.ReadAsync(path, o, default))["artist"].Text);
    }

    [Fact]
    public async Task Id3v1_only_with_track_and_genre()
    {
        var v1 = new byte[128];
        "TAG"u8.CopyTo(v1);
        Encoding.Latin1.GetBytes("v1 title").CopyTo(v1, 3);
        Encoding.Latin1.GetBytes("v1 artist").CopyTo(v1, 33);
        Encoding.Latin1.GetBytes("v1 album").CopyTo(v1, 63);
        Encoding.Latin1.GetBytes("1987").CopyTo(v1, 93);
        v1[97 + 29] = 5;
        v1[127] = 8;
        var t = await ReadAsync([.. new byte[64], .. v1]);
        Assert.Equal("v1 title", t["title"].Text);
        Assert.Equal("v1 artist", t["artist"].Text);
        Assert.Equal(5, t[".tn"].Number);
        Assert.Equal("Jazz", t["genre"].Text);
        Assert.Equal("1987", t["date"].Text);
    }

    [Fact]
    public async Task Id3v2_wins_over_id3v1()
    {
        var v1 = new byte[128];
        "TAG"u8.CopyTo(v1);
        Encoding.Latin1.GetBytes("v1 title").CopyTo(v1, 3);
        Encoding.Latin1.GetBytes("v1 artist").CopyTo(v1, 33);
        var t = await ReadAsync([.. new Id3Builder(4).Text("TIT2", 3, "v2 title").Build(), .. v1]);
        Assert.Equal("v2 title", t["title"].Text);
        Assert.Equal("v1 artist", t["artist"].Text);
    }

    [Theory]
    [InlineData("(17)", "Rock")]
    [InlineData("17", "Rock")]
    [InlineData("(17)Hard Stuff", "Hard Stuff")]
    [InlineData("(RX)", "Remix")]
    [InlineData("Shoegaze", "Shoegaze")]
    [InlineData("(999)", "(999)")]
    public void Tcon_genres(string tcon, string expected) => Assert.Equal(expected, Id3Genres.FromTcon(tcon));

    [Fact]
    public void Mpeg_header_parse_and_frame_length()
    {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, no padding, stereo: 417 bytes
        Assert.True(MpegFrameHeader.TryParse([0xFF, 0xFB, 0x90, 0x00], out var h));
        Assert.Equal((1, 3, 128, 44100), (h.Version, h.Layer, h.BitRateKbps, h.SampleRate));
        Assert.Equal(417, h.FrameLength);
        Assert.Equal(1152, h.SamplesPerFrame);
        // MPEG-2 layer III, 64 kbps, 22.05 kHz, mono
        Assert.True(MpegFrameHeader.TryParse([0xFF, 0xF3, 0x80, 0xC0], out h));
        Assert.Equal((2, 3, 64, 22050, true), (h.Version, h.Layer, h.BitRateKbps, h.SampleRate, h.Mono));
        Assert.Equal(576, h.SamplesPerFrame);
        Assert.False(MpegFrameHeader.TryParse([0xFF, 0xFB, 0xF0, 0x00], out _)); // bit rate index 15
        Assert.False(MpegFrameHeader.TryParse([0xFF, 0xEB, 0x90, 0x00], out _)); // reserved version
    }

    [Fact]
    public async Task Cbr_mp3_duration_from_frame_headers()
    {
        // 100 frames of MPEG-1 layer III 128 kbps 44.1 kHz (417 bytes each, no Xing): 100 × 1152 / 44100 s
        var frame = new byte[417];
        frame[0] = 0xFF;
        frame[1] = 0xFB;
        frame[2] = 0x90;
        var audio = Enumerable.Repeat(frame, 100).SelectMany(x => x).ToArray();
        var path = _files.Write([.. new Id3Builder(3).Text("TIT2", 0, "cbr").Build(), .. audio]);
        using var f = MediaFile.Open(path, default)!;
        var m = TagReader.ReadBuiltIn(f, path)!;
        Assert.Equal(100 * 1152 / 44100.0, m.Duration, 2);
        Assert.Equal(128000, m.BitRate);
    }
}
