using SharpParty.Media.Tags;

namespace SharpParty.Media.Tests.Tags;

/// <summary>Tags and durations of files ffmpeg makes, read by the built-in readers and by FFprobe.</summary>
public sealed class SampleFileTests(SampleFiles samples) : IClassFixture<SampleFiles>
{
    private static readonly TagOptions BuiltInOnly = new() { AllowFfprobe = false };

    private static Task<MediaTags> Read(string path, TagOptions o) => TagReader.ReadAsync(path, o, CancellationToken.None);

    private static void AssertCommonTags(MediaTags t)
    {
        Assert.Equal("Ärtist Ünicode", t["artist"].Text);
        Assert.Equal("A Title", t["title"].Text);
        Assert.Equal("The Album", t["album"].Text);
        Assert.Equal("The Circle", t["circle"].Text);
        Assert.Equal(3, t[".tn"].Number);
        Assert.True(t[".tn"].IsNumber);
        Assert.Equal("Jazz", t["genre"].Text);
        Assert.StartsWith("2024", t["date"].Text, StringComparison.Ordinal);
    }

    [FfmpegFact]
    public async Task Mp3_id3v24_built_in()
    {
        var t = await Read(samples.Get("id3v24.mp3"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal(128, t[".bpm"].Number);
        Assert.Equal("8A", t["key"].Text); // Am on the Camelot wheel
        Assert.Equal("mp3", t["ac"].Text);
        Assert.Equal(44100, t[".hz"].Number);
        Assert.Equal(1, t["chs"].Number);
        Assert.Equal(64, t[".aq"].Number);
        Assert.Equal(2, t[".dur"].Number);
        Assert.InRange(t[".q"].Number, 55, 75);
    }

    [FfmpegFact]
    public async Task Mp3_id3v23_with_id3v1_built_in()
    {
        var t = await Read(samples.Get("id3v23.mp3"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal(128, t[".bpm"].Number);
        Assert.Equal(2, t[".dur"].Number);
    }

    [FfmpegFact]
    public async Task Mp3_vbr_duration_from_xing()
    {
        var path = samples.Get("vbr.mp3");
        var t = await Read(path, BuiltInOnly);
        Assert.Equal(2, t[".dur"].Number);
        Assert.True(t[".aq"].Number > 0);
    }

    [FfmpegFact]
    public async Task Flac_built_in()
    {
        var t = await Read(samples.Get("plain.flac"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal("flac", t["ac"].Text);
        Assert.Equal(90, t[".bpm"].Number);
        Assert.Equal("8B", t["key"].Text);
        Assert.Equal(44100, t[".hz"].Number);
        Assert.Equal(2, t[".dur"].Number);
    }

    [FfmpegFact]
    public async Task Opus_built_in()
    {
        var t = await Read(samples.Get("plain.opus"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal("opus", t["ac"].Text);
        Assert.Equal(2, t[".dur"].Number);
        Assert.Equal(1, t["chs"].Number);
    }

    [FfmpegFact]
    public async Task Ogg_vorbis_built_in()
    {
        var t = await Read(samples.Get("plain.ogg"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal("vorbis", t["ac"].Text);
        Assert.Equal(44100, t[".hz"].Number);
        Assert.Equal(2, t[".dur"].Number);
    }

    [FfmpegFact]
    public async Task M4a_built_in()
    {
        var t = await Read(samples.Get("plain.m4a"), BuiltInOnly);
        AssertCommonTags(t);
        Assert.Equal("aac", t["ac"].Text);
        Assert.Equal(44100, t[".hz"].Number);
        Assert.Equal(2, t[".dur"].Number);
        Assert.InRange(t[".aq"].Number, 40, 80);
        Assert.Equal(1, t["chs"].Number); // from the AudioSpecificConfig: the sample entry says 2
    }

    [FfmpegFact]
    public async Task Audio_built_in_agrees_with_ffprobe_on_durations()
    {
        foreach (var name in new[] { "id3v24.mp3", "vbr.mp3", "plain.flac", "plain.opus", "plain.ogg", "plain.m4a" })
        {
            var path = samples.Get(name);
            var probed = await FfprobeRunner.ProbeAsync(path, TagOptions.Default, CancellationToken.None);
            var ff = TagNormalizer.Normalize(probed, new FileInfo(path).Length, TagMap.Default);
            Assert.InRange(ff[".dur"].Number, SampleFiles.Seconds - 0.1, SampleFiles.Seconds + 0.2);
            Assert.Equal("A Title", ff["title"].Text);

            using var f = MediaFile.Open(path, CancellationToken.None)!;
            var mine = TagReader.ReadBuiltIn(f, path)!;
            Assert.InRange(mine.Duration, ff[".dur"].Number - 0.08, ff[".dur"].Number + 0.08);
        }
    }

    [FfmpegFact]
    public async Task Video_mp4_goes_to_ffprobe()
    {
        var t = await Read(samples.Get("video.mp4"), TagOptions.Default);
        Assert.Equal("64x48", t["res"].Text);
        Assert.Equal("mpeg4", t["vc"].Text);
        Assert.Equal("aac", t["ac"].Text);
        Assert.Equal(25, t[".fps"].Number);
        Assert.Equal("mov", t["fmt"].Text);
        Assert.InRange(t[".dur"].Number, 0.9, 1.2);
        Assert.True(t[".vq"].Number > 0);
        Assert.True(t[".q"].Number > 0);
        Assert.Equal("Clip", t["title"].Text);
    }

    [FfmpegFact]
    public async Task Video_webm_goes_to_ffprobe()
    {
        var t = await Read(samples.Get("video.webm"), TagOptions.Default);
        Assert.Equal("64x48", t["res"].Text);
        Assert.Equal("vp8", t["vc"].Text);
        Assert.Equal(25, t[".fps"].Number);
        Assert.Equal("matroska", t["fmt"].Text);
        Assert.InRange(t[".dur"].Number, 0.9, 1.2);
        Assert.Equal("Web Clip", t["title"].Text);
    }

    [FfmpegFact]
    public async Task Video_without_ffprobe_still_gets_mp4_duration()
    {
        var t = await Read(samples.Get("video.mp4"), BuiltInOnly);
        Assert.Equal(1, t[".dur"].Number);
        Assert.Equal("Clip", t["title"].Text);
    }

    [FfmpegFact]
    public async Task Ffprobe_missing_falls_back_to_built_in()
    {
        var t = await Read(samples.Get("plain.flac"), new TagOptions { FfprobePath = "/nonexistent/ffprobe" });
        Assert.Equal("A Title", t["title"].Text);
    }

    [Fact]
    public async Task Text_file_gives_nothing_and_starts_no_process()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sp-media-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "hello");
        try
        {
            Assert.Empty(await Read(path, new TagOptions { FfprobePath = "/nonexistent/ffprobe" }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
