using SharpParty.Media.Thumbs;
using SkiaSharp;

namespace SharpParty.Media.Tests.Thumbs;

public sealed class SkiaThumbnailerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-skia-").FullName;

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private (ImageFailure R, string Out) Render(string src, string q, long ram = 1L << 30)
    {
        var fmt = ThumbFormat.Parse(q);
        var outPath = Path.Combine(_dir, Guid.NewGuid().ToString("N") + "." + fmt.Extension);
        using var fs = File.Create(outPath);
        var r = SkiaThumbnailer.Render(src, fmt, fmt.X3 ? 960 : 320, fmt.X3 ? 768 : 256, ram, fs);
        return (r, outPath);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "a.jpg")]
    [InlineData(SKEncodedImageFormat.Png, "a.png")]
    [InlineData(SKEncodedImageFormat.Webp, "a.webp")]
    public void EachFormatGivesACroppedThumbnail(SKEncodedImageFormat format, string name)
    {
        var src = Write(name, TestImages.Encode(1200, 600, format));
        foreach (var q in new[] { "w", "j" })
        {
            var (r, outPath) = Render(src, q);
            Assert.Equal(ImageFailure.None, r);
            var (w, h, mid) = TestImages.Inspect(outPath, 0.1f);
            Assert.Equal((320, 256), (w, h));
            Assert.True(TestImages.IsRed(mid), $"left side should be red, was {mid}");
            Assert.True(TestImages.IsBlue(TestImages.Inspect(outPath, 0.9f).At));
        }
    }

    [Fact]
    public void GifFirstFrame()
    {
        // Skia has no GIF encoder: ffmpeg makes one (palette: the colours stay close)
        if (!Tags.Ffmpeg.Available)
        {
            return;
        }
        var png = Write("g.png", TestImages.Encode(640, 480, SKEncodedImageFormat.Png));
        var gif = Path.Combine(_dir, "g.gif");
        Tags.Ffmpeg.Run("-i", png, gif);
        var (r, outPath) = Render(gif, "j");
        Assert.Equal(ImageFailure.None, r);
        var (w, h, left) = TestImages.Inspect(outPath, 0.1f);
        Assert.Equal((320, 256), (w, h));
        Assert.True(TestImages.IsRed(left));
    }

    [Fact]
    public void UncroppedKeepsTheAspectRatioAndNeverEnlarges()
    {
        var src = Write("wide.png", TestImages.Encode(1000, 250, SKEncodedImageFormat.Png));
        var (_, o) = Render(src, "wf");
        var (w, h, _) = TestImages.Inspect(o);
        Assert.Equal((320, 80), (w, h));
        var small = Write("small.png", TestImages.Encode(100, 50, SKEncodedImageFormat.Png));
        Assert.Equal((100, 50), (TestImages.Inspect(Render(small, "wf").Out).W, TestImages.Inspect(Render(small, "wf").Out).H));
        // cropped: the box, but never larger than the picture
        Assert.Equal((100, 50), (TestImages.Inspect(Render(small, "w").Out).W, TestImages.Inspect(Render(small, "w").Out).H));
    }

    [Fact]
    public void TripleSize()
    {
        var src = Write("big.jpg", TestImages.Encode(2000, 1500, SKEncodedImageFormat.Jpeg));
        var (w, h, _) = TestImages.Inspect(Render(src, "w3").Out);
        Assert.Equal((960, 768), (w, h));
    }

    [Theory]
    [InlineData(6)] // RightTop: shown rotated 90° clockwise, so the red left half ends on top
    [InlineData(8)] // LeftBottom: 90° counter-clockwise, red ends at the bottom
    [InlineData(3)] // BottomRight: 180°, red ends on the right
    [InlineData(1)]
    public void ExifOrientationIsHonoured(ushort orientation)
    {
        var src = Write($"o{orientation}.jpg", TestImages.JpegWithOrientation(400, 200, orientation));
        var (_, o) = Render(src, "jf");
        var (w, h, _) = TestImages.Inspect(o);
        switch (orientation)
        {
            case 6:
                Assert.Equal((128, 256), (w, h));
                Assert.True(TestImages.IsRed(TestImages.Inspect(o, 0.5f, 0.1f).At));
                Assert.True(TestImages.IsBlue(TestImages.Inspect(o, 0.5f, 0.9f).At));
                break;
            case 8:
                Assert.Equal((128, 256), (w, h));
                Assert.True(TestImages.IsBlue(TestImages.Inspect(o, 0.5f, 0.1f).At));
                Assert.True(TestImages.IsRed(TestImages.Inspect(o, 0.5f, 0.9f).At));
                break;
            case 3:
                Assert.Equal((320, 160), (w, h));
                Assert.True(TestImages.IsRed(TestImages.Inspect(o, 0.9f, 0.5f).At));
                break;
            default:
                Assert.Equal((320, 160), (w, h));
                Assert.True(TestImages.IsRed(TestImages.Inspect(o, 0.1f, 0.5f).At));
                break;
        }
    }

    [Fact]
    public void A4000x3000JpegIsDecodedAtAnEighth()
    {
        var src = Write("photo.jpg", TestImages.Encode(4000, 3000, SKEncodedImageFormat.Jpeg, 70));
        using var codec = SKCodec.Create(src);
        var (_, _, scale) = SkiaThumbnailer.Plan(4000, 3000, 320, 256, crop: true);
        var d = SkiaThumbnailer.PickDecodeSize(codec, codec.Info, scale);
        Assert.Equal((500, 375), (d.Width, d.Height));
        // and the budget check sees the reduced size: 500x375x4 bytes fit in 1 MiB, 12 megapixels would not
        var (r, _) = Render(src, "w", ram: 1 << 20);
        Assert.Equal(ImageFailure.None, r);
    }

    [Fact]
    public void CorruptAndOversizedInputsFailCleanly()
    {
        var junk = Write("junk.jpg", [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251))]);
        Assert.Equal(ImageFailure.Unreadable, Render(junk, "w").R);
        var empty = Write("empty.png", []);
        Assert.Equal(ImageFailure.Unreadable, Render(empty, "w").R);
        var png = Write("big.png", TestImages.Encode(2000, 2000, SKEncodedImageFormat.Png));
        Assert.Equal(ImageFailure.TooLarge, Render(png, "w", ram: 1 << 20).R);
        // truncated JPEG: what arrived is shown
        var full = TestImages.Encode(800, 600, SKEncodedImageFormat.Jpeg);
        var cut = Write("cut.jpg", full[..(full.Length / 2)]);
        Assert.Equal(ImageFailure.None, Render(cut, "j").R);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
