using SkiaSharp;

namespace SharpParty.Media.Tests.Thumbs;

/// <summary>Images made by SkiaSharp for the tests: left half red, right half blue, so orientation and crop can be checked.</summary>
internal static class TestImages
{
    public static byte[] Encode(int w, int h, SKEncodedImageFormat format, int quality = 90)
    {
        using var bmp = TwoHalves(w, h);
        using var img = SKImage.FromBitmap(bmp);
        using var data = img.Encode(format, quality) ?? throw new InvalidOperationException("Skia cannot encode " + format);
        return data.ToArray();
    }

    public static SKBitmap TwoHalves(int w, int h)
    {
        var bmp = new SKBitmap(w, h);
        using var c = new SKCanvas(bmp);
        c.Clear(SKColors.Blue);
        using var red = new SKPaint { Color = SKColors.Red };
        c.DrawRect(0, 0, w / 2f, h, red);
        return bmp;
    }

    /// <summary>A JPEG with an EXIF APP1 segment whose Orientation (tag 274) is <paramref name="orientation"/>.</summary>
    public static byte[] JpegWithOrientation(int w, int h, ushort orientation)
    {
        var jpeg = Encode(w, h, SKEncodedImageFormat.Jpeg);
        // "Exif\0\0" + big-endian TIFF header + one IFD with one SHORT entry
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var len = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(len >> 8), (byte)len, .. payload];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>Decodes an output file and returns its size and the colour at a point given in fractions of the size.</summary>
    public static (int W, int H, SKColor At) Inspect(string path, float fx = 0.5f, float fy = 0.5f)
    {
        using var bmp = SKBitmap.Decode(path) ?? throw new InvalidOperationException("not an image: " + path);
        return (bmp.Width, bmp.Height, bmp.GetPixel((int)(fx * (bmp.Width - 1)), (int)(fy * (bmp.Height - 1))));
    }

    public static bool IsRed(SKColor c) => c.Red > 180 && c.Green < 80 && c.Blue < 80;

    public static bool IsBlue(SKColor c) => c.Blue > 180 && c.Red < 80 && c.Green < 80;
}
