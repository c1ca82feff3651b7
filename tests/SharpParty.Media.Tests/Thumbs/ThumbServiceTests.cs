using System.Diagnostics;
using SharpParty.Media.Tests.Tags;
using SharpParty.Media.Thumbs;
using SkiaSharp;

namespace SharpParty.Media.Tests.Thumbs;

public sealed class ThumbServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-thsvc-").FullName;
    private readonly ThumbService _svc = new(2, 1L << 30, new TranscodeQuality(128, "q2"), TimeProvider.System);

    private ThumbJob Job(string src, string q, TimeSpan? timeout = null, long? size = null)
    {
        var fi = new FileInfo(src);
        return new ThumbJob(src, size ?? fi.Length, fi.LastWriteTimeUtc, MediaKinds.Of(src), ThumbFormat.Parse(q), 320, 256,
            Path.Combine(_dir, ".hist"), timeout ?? TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ConcurrentRequestsForOneThumbnailShareOneConversion()
    {
        var src = Path.Combine(_dir, "p.jpg");
        File.WriteAllBytes(src, TestImages.Encode(3000, 2000, SKEncodedImageFormat.Jpeg));
        var job = Job(src, "w");
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => _svc.GetAsync(job, CancellationToken.None))));
        Assert.All(results, r => Assert.Equal(ThumbStatus.Ready, r.Status));
        Assert.Equal(1, _svc.Conversions);
        var again = await _svc.GetAsync(job, CancellationToken.None);
        Assert.True(again.FromCache);
        Assert.Equal(1, _svc.Conversions);
        // another variant is another conversion
        await _svc.GetAsync(Job(src, "j"), CancellationToken.None);
        Assert.Equal(2, _svc.Conversions);
    }

    [Fact]
    public async Task ACorruptImageFailsOnceAndIsNotRetried()
    {
        var src = Path.Combine(_dir, "bad.png");
        File.WriteAllBytes(src, [.. Enumerable.Range(0, 3000).Select(i => (byte)i)]);
        var r = await _svc.GetAsync(Job(src, "w"), CancellationToken.None);
        Assert.Equal(ThumbStatus.Failed, r.Status);
        var before = _svc.Conversions;
        r = await _svc.GetAsync(Job(src, "w"), CancellationToken.None);
        Assert.Equal(ThumbStatus.Failed, r.Status);
        Assert.True(r.FromCache);
        Assert.Equal(before, _svc.Conversions);
    }

    [FfmpegFact]
    public async Task VideoFrameAndSpectrogramThroughFfmpeg()
    {
        var vid = Path.Combine(_dir, "v.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3", "-c:v", "mpeg4", vid);
        var r = await _svc.GetAsync(Job(vid, "j"), CancellationToken.None);
        Assert.Equal(ThumbStatus.Ready, r.Status);
        Assert.Equal((320, 256), (TestImages.Inspect(r.File!.FullName).W, TestImages.Inspect(r.File!.FullName).H));

        var au = Path.Combine(_dir, "a.flac");
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=f=1000:d=2", au);
        r = await _svc.GetAsync(Job(au, "w"), CancellationToken.None);
        Assert.Equal(ThumbStatus.Ready, r.Status);
        Assert.Equal((780, 544), (TestImages.Inspect(r.File!.FullName).W, TestImages.Inspect(r.File!.FullName).H));
        r = await _svc.GetAsync(Job(au, "p"), CancellationToken.None);
        Assert.Equal(ThumbStatus.Ready, r.Status);
        Assert.Equal((2048, 64), (TestImages.Inspect(r.File!.FullName).W, TestImages.Inspect(r.File!.FullName).H));
    }

    /// <summary>A FIFO with no writer: ffmpeg opens it and waits forever, a conversion that can only end by the timeout.</summary>
    [FfmpegFact]
    public async Task AConversionPastTheTimeoutIsKilled()
    {
        var fifo = Path.Combine(_dir, "stuck.flac");
        Assert.Equal(0, Process.Start("mkfifo", [fifo])!.WaitForExitAndGet());
        var sw = Stopwatch.StartNew();
        var r = await _svc.GetAsync(Job(fifo, "w", TimeSpan.FromMilliseconds(300), size: 1), CancellationToken.None);
        Assert.Equal(ThumbStatus.TimedOut, r.Status);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        // no ffmpeg is left holding the FIFO
        await Task.Delay(200);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Select(CmdLine), c => c.Contains(fifo, StringComparison.Ordinal));
        // and the failure is remembered: the next request does not wait again
        sw.Restart();
        r = await _svc.GetAsync(Job(fifo, "w", TimeSpan.FromMilliseconds(300), size: 1), CancellationToken.None);
        Assert.Equal(ThumbStatus.Failed, r.Status);
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(250));
    }

    private static string CmdLine(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    [FfmpegFact]
    public async Task TranscodesProbeAsTheirFormats()
    {
        var au = Path.Combine(_dir, "t.flac");
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=f=440:d=2", "-metadata", "title=Tone", au);
        foreach (var (q, format, codec) in new[] { ("opus", "ogg", "opus"), ("mp3", "mp3", "mp3"), ("caf", "caf", "opus") })
        {
            var r = await _svc.GetAsync(Job(au, q), CancellationToken.None);
            Assert.Equal(ThumbStatus.Ready, r.Status);
            var probe = Probe(r.File!.FullName);
            Assert.Contains($"format_name={format}", probe);
            Assert.Contains($"codec_name={codec}", probe);
        }
    }

    internal static string Probe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "format=format_name:stream=codec_name", "-of", "default=nw=1", path])
        { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit(30_000);
        return o;
    }

    public void Dispose()
    {
        _svc.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndGet(this Process p)
    {
        p.WaitForExit(10_000);
        return p.ExitCode;
    }
}
