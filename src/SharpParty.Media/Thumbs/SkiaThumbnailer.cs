using SkiaSharp;

namespace SharpParty.Media.Thumbs;

/// <summary>Why an in-process decode gave no thumbnail.</summary>
internal enum ImageFailure
{
    None,
    /// <summary>Not an image Skia can read (corrupt, or a format it lacks): ffmpeg may still manage.</summary>
    Unreadable,
    /// <summary>Decoding would need more memory than <c>--th-ram-max</c> allows (a decompression bomb, or just huge).</summary>
    TooLarge,
}

/// <summary>
/// Images to thumbnails in-process with SkiaSharp. The codec decodes at a reduced scale where the format allows it
/// (JPEG at 1/8 steps, WebP any): a 4000x3000 JPEG for a 320x256 box is decoded at 500x375, not 12 megapixels. The EXIF
/// orientation is applied in the same single draw that crops and scales, so no full-size intermediate exists.
/// </summary>
internal static class SkiaThumbnailer
{
    /// <summary>JPEG and WebP quality: 60 keeps thumbnails around 10-20 KiB with no visible blocking at this size
    /// (copyparty uses 40 for JPEG via Pillow; its WebP default is 75 via ffmpeg, 50 for video frames).</summary>
    private const int Quality = 60;

    public static ImageFailure Render(string sourcePath, ThumbFormat fmt, int boxW, int boxH, long ramMaxBytes, Stream output)
    {
        using var codec = SKCodec.Create(sourcePath);
        if (codec is null)
        {
            return ImageFailure.Unreadable;
        }
        var src = codec.Info;
        if (src.Width <= 0 || src.Height <= 0)
        {
            return ImageFailure.Unreadable;
        }
        var origin = codec.EncodedOrigin;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        // the picture as it is meant to be seen (after the EXIF rotation)
        var ow = swap ? src.Height : src.Width;
        var oh = swap ? src.Width : src.Height;
        var (outW, outH, scale) = Plan(ow, oh, boxW, boxH, fmt.Crop);

        var dims = PickDecodeSize(codec, src, scale);
        if ((long)dims.Width * dims.Height * 4 > ramMaxBytes)
        {
            return ImageFailure.TooLarge;
        }
        using var bitmap = Decode(codec, dims, ramMaxBytes);
        if (bitmap is null)
        {
            return ImageFailure.Unreadable;
        }

        var info = new SKImageInfo(outW, outH, SKColorType.Rgba8888, fmt.Output == ThumbOutput.Webp ? SKAlphaType.Premul : SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        if (surface is null)
        {
            return ImageFailure.TooLarge;
        }
        var canvas = surface.Canvas;
        canvas.Clear(fmt.Output == ThumbOutput.Webp ? SKColors.Transparent : SKColors.White);
        // decoded pixels → oriented space → scaled and centred in the output (the crop is whatever falls outside)
        var dw = bitmap.Width;
        var dh = bitmap.Height;
        var odw = swap ? dh : dw;
        var odh = swap ? dw : dh;
        var s = fmt.Crop ? Math.Max((float)outW / odw, (float)outH / odh) : Math.Min((float)outW / odw, (float)outH / odh);
        var fit = SKMatrix.CreateScale(s, s).PostConcat(SKMatrix.CreateTranslation((outW - (odw * s)) / 2, (outH - (odh * s)) / 2));
        canvas.SetMatrix(fit.PreConcat(Orientation(origin, dw, dh)));
        using var image = SKImage.FromBitmap(bitmap);
        // linear + mipmaps: good down-scaling at any ratio (the codec already took the big steps for JPEG)
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, s < 0.5f ? SKMipmapMode.Linear : SKMipmapMode.None));
        canvas.Flush();
        using var snap = surface.Snapshot();
        using var data = snap.Encode(fmt.Output == ThumbOutput.Webp ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Jpeg, Quality);
        if (data is null)
        {
            return ImageFailure.Unreadable;
        }
        data.SaveTo(output);
        return ImageFailure.None;
    }

    /// <summary>
    /// Output size and the scale from the oriented picture to it. Cropped (copyparty's default): fill the box, never
    /// larger than the picture. Uncropped (<c>f</c>): fit inside the box, keeping the aspect ratio, never enlarged.
    /// </summary>
    internal static (int W, int H, double Scale) Plan(int ow, int oh, int boxW, int boxH, bool crop)
    {
        if (crop)
        {
            var w = Math.Min(boxW, ow);
            var h = Math.Min(boxH, oh);
            return (w, h, Math.Max((double)w / ow, (double)h / oh));
        }
        var s = Math.Min(1.0, Math.Min((double)boxW / ow, (double)boxH / oh));
        return (Math.Max(1, (int)Math.Round(ow * s)), Math.Max(1, (int)Math.Round(oh * s)), s);
    }

    /// <summary>The smallest size the codec can decode to that still has at least the pixels the output needs.</summary>
    internal static SKSizeI PickDecodeSize(SKCodec codec, SKImageInfo src, double scale)
    {
        var needW = src.Width * scale;
        var needH = src.Height * scale;
        for (var k = 1; k < 8; k++)
        {
            var d = codec.GetScaledDimensions(k / 8f);
            if (d.Width >= needW - 0.5 && d.Height >= needH - 0.5 && d.Width > 0 && d.Height > 0)
            {
                return d;
            }
        }
        return new SKSizeI(src.Width, src.Height);
    }

    private static SKBitmap? Decode(SKCodec codec, SKSizeI dims, long ramMaxBytes)
    {
        var info = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bmp = new SKBitmap();
        if (!bmp.TryAllocPixels(info))
        {
            bmp.Dispose();
            return null;
        }
        var r = codec.GetPixels(info, bmp.GetPixels());
        if (r == SKCodecResult.InvalidScale && (dims.Width != codec.Info.Width || dims.Height != codec.Info.Height)
            && (long)codec.Info.Width * codec.Info.Height * 4 <= ramMaxBytes)
        {
            // the codec offered a size it then could not decode to: the whole picture, if the budget allows
            bmp.Dispose();
            return Decode(codec, new SKSizeI(codec.Info.Width, codec.Info.Height), ramMaxBytes);
        }
        // a truncated file still shows what arrived (IncompleteInput), as browsers do
        if (r is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bmp.Dispose();
            return null;
        }
        return bmp;
    }

    /// <summary>
    /// The EXIF orientation (TIFF tag 274) as a matrix from decoded pixels (w x h) to the upright picture:
    /// x' = a·x + b·y + c, y' = d·x + e·y + f.
    /// </summary>
    internal static SKMatrix Orientation(SKEncodedOrigin origin, float w, float h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
