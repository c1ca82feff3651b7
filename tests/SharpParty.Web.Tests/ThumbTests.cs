using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Media.Thumbs;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Thumbs;
using SkiaSharp;

namespace SharpParty.Web.Tests;

/// <summary>Media made once per run: images by SkiaSharp, the rest by ffmpeg (skipped without it, unless CI requires it).</summary>
public sealed class ThumbSamples : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("sp-thsamples-").FullName;

    public bool HaveFfmpeg { get; }

    public ThumbSamples()
    {
        foreach (var (name, fmt) in new[] { ("p.jpg", SKEncodedImageFormat.Jpeg), ("p.png", SKEncodedImageFormat.Png), ("p.webp", SKEncodedImageFormat.Webp) })
        {
            File.WriteAllBytes(Path.Combine(Dir, name), Encode(1200, 900, fmt));
        }
        File.WriteAllBytes(Path.Combine(Dir, "corrupt.jpg"), [0xFF, 0xD8, 0xFF, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 31 % 256))]);
        HaveFfmpeg = Run("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3", "-f", "lavfi", "-i", "sine=f=330:d=3",
            "-c:v", "mpeg4", "-c:a", "aac", "-shortest", Path.Combine(Dir, "v.mp4"));
        if (HaveFfmpeg)
        {
            Run("-i", Path.Combine(Dir, "p.png"), Path.Combine(Dir, "p.gif"));
            Run("-f", "lavfi", "-i", "sine=f=440:d=3", "-metadata", "title=Tone", Path.Combine(Dir, "a.flac"));
            // half an hour of 8 kHz tone: its spectrogram takes over a second here, far past a 0.2 s --th-convt
            Run("-f", "lavfi", "-i", "sine=f=440:d=1800:r=8000", "-c:a", "pcm_s16le", Path.Combine(Dir, "long.wav"));
        }
        else if (Environment.GetEnvironmentVariable("SHARPPARTY_REQUIRE_FFMPEG") == "1")
        {
            throw new InvalidOperationException("ffmpeg is required here (SHARPPARTY_REQUIRE_FFMPEG=1)");
        }
    }

    public static byte[] Encode(int w, int h, SKEncodedImageFormat format)
    {
        using var bmp = new SKBitmap(w, h);
        using (var c = new SKCanvas(bmp))
        {
            c.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            c.DrawRect(0, 0, w / 2f, h, red);
        }
        using var img = SKImage.FromBitmap(bmp);
        using var data = img.Encode(format, 90);
        return data.ToArray();
    }

    public void CopyTo(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (var n in names)
        {
            File.Copy(Path.Combine(Dir, n), Path.Combine(folder, n), true);
        }
    }

    public static bool Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-nostdin", "-v", "error", "-y", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardError.ReadToEnd();
            p.WaitForExit(60_000);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary><c>?th</c> against a real server: every variant, every kind of source, the cache, the limits, the permissions.</summary>
public sealed class ThumbTests(ThumbSamples samples) : IClassFixture<ThumbSamples>
{
    private static async Task<(HttpStatusCode Status, string? Type, byte[] Body, HttpResponseMessage Res)> Get(TestServer s, string url,
        params (string, string)[] headers)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (k, v) in headers)
        {
            req.Headers.TryAddWithoutValidation(k, v);
        }
        var res = await s.Client.SendAsync(req);
        return (res.StatusCode, res.Content.Headers.ContentType?.MediaType, await res.Content.ReadAsByteArrayAsync(), res);
    }

    private static (int W, int H, SKColor Left) Decode(byte[] body)
    {
        using var bmp = SKBitmap.Decode(body) ?? throw new InvalidOperationException("not an image");
        return (bmp.Width, bmp.Height, bmp.GetPixel(bmp.Width / 10, bmp.Height / 2));
    }

    private static bool IsRed(SKColor c) => c.Red > 180 && c.Green < 80 && c.Blue < 80;

    [Fact]
    public async Task Images_get_each_variant()
    {
        await using var s = await TestServer.StartAsync(["-v", "m::r"], root => samples.CopyTo(Path.Combine(root, "m"), "p.jpg", "p.png", "p.webp"));
        foreach (var name in new[] { "p.jpg", "p.png", "p.webp" })
        {
            foreach (var (q, type, w, h) in new[] { ("w", "image/webp", 320, 256), ("j", "image/jpeg", 320, 256), ("", "image/jpeg", 320, 256),
                ("wf", "image/webp", 320, 240), ("j3", "image/jpeg", 960, 768), ("jf3", "image/jpeg", 960, 720) })
            {
                var (st, ct, body, _) = await Get(s, $"/{name}?th={q}");
                Assert.Equal(HttpStatusCode.OK, st);
                Assert.Equal(type, ct);
                var (dw, dh, left) = Decode(body);
                Assert.Equal((w, h), (dw, dh));
                Assert.True(IsRed(left), $"{name}?th={q}: left is {left}");
            }
        }
        // a waveform (p) exists only for audio: 404 for a picture, as copyparty
        Assert.Equal(HttpStatusCode.NotFound, (await Get(s, "/p.jpg?th=p")).Status);
    }

    [Fact]
    public async Task Gif_video_and_audio_through_ffmpeg()
    {
        if (!samples.HaveFfmpeg)
        {
            return;
        }
        await using var s = await TestServer.StartAsync(["-v", "m::r"], root => samples.CopyTo(Path.Combine(root, "m"), "p.gif", "v.mp4", "a.flac"));
        var gif = await Get(s, "/p.gif?th=w");
        Assert.Equal("image/webp", gif.Type);
        Assert.Equal((320, 256), (Decode(gif.Body).W, Decode(gif.Body).H));
        var vid = await Get(s, "/v.mp4?th=j");
        Assert.Equal("image/jpeg", vid.Type);
        Assert.Equal((320, 256), (Decode(vid.Body).W, Decode(vid.Body).H));
        var spec = await Get(s, "/a.flac?th=w");
        Assert.Equal("image/webp", spec.Type);
        Assert.Equal((780, 544), (Decode(spec.Body).W, Decode(spec.Body).H));
        var wave = await Get(s, "/a.flac?th=p");
        Assert.Equal("image/png", wave.Type);
        Assert.Equal((2048, 64), (Decode(wave.Body).W, Decode(wave.Body).H));
    }

    [Fact]
    public async Task A_corrupt_image_gets_an_icon_and_the_server_carries_on()
    {
        await using var s = await TestServer.StartAsync(["-v", "m::r"], root => samples.CopyTo(Path.Combine(root, "m"), "corrupt.jpg", "p.jpg"));
        for (var i = 0; i < 2; i++)
        {
            var (st, ct, body, _) = await Get(s, "/corrupt.jpg?th=w");
            Assert.Equal(HttpStatusCode.OK, st);
            Assert.Equal("image/svg+xml", ct);
            Assert.Contains(">jpg</text>", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
        Assert.Equal("image/webp", (await Get(s, "/p.jpg?th=w")).Type);
        // not a media file: an icon with its extension
        File.WriteAllText(s.PathOf("m/notes.tar.gz"), "x");
        var icon = await Get(s, "/notes.tar.gz?th=w");
        Assert.Contains(">tar.gz</text>", System.Text.Encoding.UTF8.GetString(icon.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(s, "/missing.jpg?th=w")).Status);
    }

    [Fact]
    public async Task Cache_hits_revalidate_and_eviction_makes_it_again()
    {
        await using var s = await TestServer.StartAsync(["-v", "m::r", "--th-maxage", "3600"], root => samples.CopyTo(Path.Combine(root, "m"), "p.jpg"));
        var svc = s.Services.GetRequiredService<ThumbService>();
        var first = await Get(s, "/p.jpg?th=w");
        var made = svc.Conversions;
        var etag = first.Res.Headers.ETag!.Tag;
        var second = await Get(s, "/p.jpg?th=w");
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(etag, second.Res.Headers.ETag!.Tag);
        Assert.Equal(made, svc.Conversions);
        Assert.Equal(HttpStatusCode.NotModified, (await Get(s, "/p.jpg?th=w", ("If-None-Match", etag))).Status);

        // the cache lives under the volume's hist folder
        var cached = Directory.GetFiles(s.PathOf("m/.hist/th"), "*.webp", SearchOption.AllDirectories);
        Assert.Single(cached);
        // unused for longer than --th-maxage: the sweep removes it, and the next request converts again
        File.SetLastWriteTimeUtc(cached[0], DateTime.UtcNow.AddHours(-2));
        File.SetLastAccessTimeUtc(cached[0], DateTime.UtcNow.AddHours(-2));
        Assert.Equal(1, s.Services.GetRequiredService<ThumbSweeper>().SweepAll());
        Assert.False(File.Exists(cached[0]));
        Assert.Equal("image/webp", (await Get(s, "/p.jpg?th=w")).Type);
        Assert.Equal(made + 1, svc.Conversions);

        // a changed source is a new key: never the stale thumbnail
        File.WriteAllBytes(s.PathOf("m/p.jpg"), ThumbSamples.Encode(800, 800, SKEncodedImageFormat.Jpeg));
        var fresh = await Get(s, "/p.jpg?th=wf");
        Assert.Equal((256, 256), (Decode(fresh.Body).W, Decode(fresh.Body).H));
    }

    [Fact]
    public async Task A_conversion_past_th_convt_is_killed_and_gets_an_icon()
    {
        if (!samples.HaveFfmpeg)
        {
            return;
        }
        await using var s = await TestServer.StartAsync(["-v", "m::r", "--th-convt", "0.2"], root => samples.CopyTo(Path.Combine(root, "m"), "long.wav"));
        var sw = Stopwatch.StartNew();
        var (st, ct, _, _) = await Get(s, "/long.wav?th=w");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("image/svg+xml", ct);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        await Task.Delay(300);
        var wav = s.PathOf("m/long.wav");
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            string cmd;
            try
            {
                cmd = File.ReadAllText(Path.Combine(d, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            Assert.DoesNotContain(wav, cmd, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Transcodes_probe_as_opus_mp3_and_caf()
    {
        if (!samples.HaveFfmpeg)
        {
            return;
        }
        await using var s = await TestServer.StartAsync(["-v", "m::r"], root => samples.CopyTo(Path.Combine(root, "m"), "a.flac", "v.mp4"));
        foreach (var (src, q, type, format, codec) in new[]
        {
            ("a.flac", "opus", "audio/ogg", "ogg", "opus"), ("a.flac", "mp3", "audio/mpeg", "mp3", "mp3"),
            ("a.flac", "caf", "audio/x-caf", "caf", "opus"), ("v.mp4", "opus", "audio/ogg", "ogg", "opus"),
        })
        {
            var (st, ct, body, res) = await Get(s, $"/{src}?th={q}");
            Assert.Equal(HttpStatusCode.OK, st);
            Assert.Equal(type, ct);
            Assert.Equal(body.Length, res.Content.Headers.ContentLength);
            var tmp = Path.Combine(s.Root, "probe." + q);
            File.WriteAllBytes(tmp, body);
            var probe = Probe(tmp);
            Assert.Contains("format_name=" + format, probe, StringComparison.Ordinal);
            Assert.Contains("codec_name=" + codec, probe, StringComparison.Ordinal);
            Assert.DoesNotContain("codec_name=mpeg4", probe, StringComparison.Ordinal); // video played as audio: no picture
        }
        // seeking in the finished transcode works (ranges)
        using var req = new HttpRequestMessage(HttpMethod.Get, "/a.flac?th=opus");
        req.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using var part = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(100, (await part.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(2, Directory.GetFiles(s.PathOf("m/.hist/ac"), "*.opus", SearchOption.AllDirectories).Length);
    }

    private static string Probe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "format=format_name:stream=codec_name", "-of", "default=nw=1", path])
        { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit(30_000);
        return o;
    }

    [Fact]
    public async Task Switches_turn_thumbnails_and_transcoding_off()
    {
        await using var s = await TestServer.StartAsync(["-v", "m::r", "-v", "off:off:r:c,dthumb", "--no-acode"], root =>
        {
            samples.CopyTo(Path.Combine(root, "m"), "p.jpg");
            samples.CopyTo(Path.Combine(root, "off"), "p.jpg");
            if (samples.HaveFfmpeg)
            {
                samples.CopyTo(Path.Combine(root, "m"), "a.flac");
            }
        });
        Assert.Equal("image/webp", (await Get(s, "/p.jpg?th=w")).Type);
        Assert.Equal("image/svg+xml", (await Get(s, "/off/p.jpg?th=w")).Type);
        if (samples.HaveFfmpeg)
        {
            Assert.Equal("image/svg+xml", (await Get(s, "/a.flac?th=opus")).Type);
        }
        await using var s2 = await TestServer.StartAsync(["-v", "m::r", "--no-thumb"], root => samples.CopyTo(Path.Combine(root, "m"), "p.jpg"));
        Assert.Equal("image/svg+xml", (await Get(s2, "/p.jpg?th=w")).Type);
    }

    [Fact]
    public async Task Folders_show_their_cover()
    {
        await using var s = await TestServer.StartAsync(["-v", "m::r", "-v", "c:c:r:c,dthumb"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "m", "album"));
            File.Copy(Path.Combine(samples.Dir, "p.jpg"), Path.Combine(root, "m", "album", "cover.jpg"));
            Directory.CreateDirectory(Path.Combine(root, "m", "empty"));
            Directory.CreateDirectory(Path.Combine(root, "c"));
            File.Copy(Path.Combine(samples.Dir, "p.jpg"), Path.Combine(root, "c", "folder.jpg"));
        });
        var cover = await Get(s, "/album/?th=w");
        Assert.Equal("image/webp", cover.Type);
        Assert.True(IsRed(Decode(cover.Body).Left));
        var empty = await Get(s, "/empty/?th=w");
        Assert.Equal("image/svg+xml", empty.Type);
        Assert.Contains(">folder</text>", System.Text.Encoding.UTF8.GetString(empty.Body), StringComparison.Ordinal);
        Assert.Equal("image/svg+xml", (await Get(s, "/c/?th=w")).Type);
    }

    [Fact]
    public async Task Permissions_follow_copyparty()
    {
        await using var s = await TestServer.StartAsync(["-a", "u:pw", "-v", "pub:pub:r", "-v", "wo:wo:w", "-v", "go:go:g", "-v", "priv:priv:r,u",
            "-v", "dot:dot:r"], root =>
        {
            foreach (var v in (string[])["pub", "wo", "go", "priv", "dot"])
            {
                samples.CopyTo(Path.Combine(root, v), "p.jpg");
            }
            File.Copy(Path.Combine(samples.Dir, "p.jpg"), Path.Combine(root, "dot", ".secret.jpg"));
            File.Copy(Path.Combine(samples.Dir, "p.jpg"), Path.Combine(root, "pub", "cover.jpg"));
        });
        Assert.Equal("image/webp", (await Get(s, "/pub/p.jpg?th=w")).Type);
        // write-only: copyparty's "upload only" icon
        var wo = await Get(s, "/wo/p.jpg?th=w");
        Assert.Equal("image/svg+xml", wo.Type);
        Assert.Contains(">upload</text>", System.Text.Encoding.UTF8.GetString(wo.Body), StringComparison.Ordinal);
        // get-only: a file by its exact URL, but no folder thumbnail
        Assert.Equal("image/webp", (await Get(s, "/go/p.jpg?th=w")).Type);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(s, "/go/?th=w")).Status);
        // no access: refused, with or without a way around
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(s, "/priv/p.jpg?th=w")).Status);
        Assert.Equal("image/webp", (await Get(s, "/priv/p.jpg?th=w&pw=pw")).Type);
        foreach (var url in new[] { "/pub/../priv/p.jpg?th=w", "/pub/%2e%2e/priv/p.jpg?th=w", "/pub/..%2fpriv/p.jpg?th=w", "/pub/%2e%2e%2f%2e%2e/etc/passwd?th=w" })
        {
            var st = (await Get(s, url)).Status;
            Assert.True(st is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{url}: {st}");
        }
        // dotfiles and the hist folder stay hidden
        Assert.Equal(HttpStatusCode.NotFound, (await Get(s, "/dot/.secret.jpg?th=w")).Status);
        await Get(s, "/pub/p.jpg?th=w");
        Assert.Equal(HttpStatusCode.NotFound, (await Get(s, "/pub/.hist/?th=w")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(s, "/pub/.hist/th/?ls")).Status);
    }
}
