using System.Collections.Frozen;

namespace SharpParty.Media.Thumbs;

/// <summary>How a file can be thumbnailed.</summary>
internal enum MediaKind
{
    None,
    /// <summary>Decoded in-process by SkiaSharp (JPEG, PNG, WebP, GIF, BMP, ICO); ffmpeg if Skia cannot.</summary>
    Image,
    /// <summary>An image format Skia has no decoder for here (HEIC, AVIF, TIFF, …): ffmpeg.</summary>
    FfImage,
    Video,
    Audio,
}

/// <summary>File extension → <see cref="MediaKind"/>. The ffmpeg lists follow copyparty's <c>--th-r-ffi/-ffv/-ffa</c> defaults.</summary>
internal static class MediaKinds
{
    private static readonly FrozenSet<string> Skia = Set("jpg jpeg jfif png apng webp gif bmp dib ico wbmp");

    private static readonly FrozenSet<string> FfImages = Set("avif avifs dds fit fits fts hdr heic heics heif heifs icns jp2 jpx jxl "
        + "pbm pcx pfm pgm pnm ppm psd qoi sgi tga tif tiff xbm xpm");

    private static readonly FrozenSet<string> Videos = Set("3gp asf av1 avc avi flv h264 h265 hevc m4v mjpeg mjpg mkv mov mp4 mpeg "
        + "mpeg2 mpegts mpg mpg2 mts nut ogm ogv rm ts vob webm wmv");

    private static readonly FrozenSet<string> Audios = Set("aac ac3 aif aiff alac alaw amr ape au dts flac gsm it m4a mod mp2 mp3 mpc "
        + "mptm mt2 mulaw ogg okt opus ra s3m tak tta ulaw wav wma wv xm");

    public static MediaKind Of(string fileName)
    {
        var dot = fileName.LastIndexOf('.');
        if (dot < 0 || dot == fileName.Length - 1)
        {
            return MediaKind.None;
        }
        var ext = fileName[(dot + 1)..].ToLowerInvariant();
        return Skia.Contains(ext) ? MediaKind.Image
            : FfImages.Contains(ext) ? MediaKind.FfImage
            : Videos.Contains(ext) ? MediaKind.Video
            : Audios.Contains(ext) ? MediaKind.Audio
            : MediaKind.None;
    }

    private static FrozenSet<string> Set(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
}
