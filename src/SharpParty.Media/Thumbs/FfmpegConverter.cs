using System.Globalization;
using SharpParty.Media.Tags;

namespace SharpParty.Media.Thumbs;

/// <summary>How an ffmpeg run ended.</summary>
internal enum FfmpegOutcome
{
    Ok,
    Failed,
    /// <summary>It ran past <c>--th-convt</c> and was killed (with its children).</summary>
    TimedOut,
}

/// <summary>Quality settings for transcoding (copyparty's <c>--q-opus</c>, <c>--q-mp3</c>).</summary>
internal sealed record TranscodeQuality(int OpusKbps, string Mp3);

/// <summary>
/// Everything done with ffmpeg: a frame of a video (a third of the way in, as copyparty), images Skia cannot read,
/// spectrograms and waveforms of audio, and audio transcodes. Each run is a separate process with no shell, at low
/// priority, killed with its children when it overstays the timeout; its output goes to the temp file it is given.
/// </summary>
internal static class FfmpegConverter
{
    public static string Ffmpeg { get; set; } = "ffmpeg";

    public static string Ffprobe { get; set; } = "ffprobe";

    public static async Task<FfmpegOutcome> FrameAsync(string source, string target, MediaKind kind, ThumbFormat fmt, int boxW, int boxH,
        TimeSpan timeout, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var args = new List<string> { "-nostdin", "-v", "error", "-hide_banner" };
        if (kind == MediaKind.Video)
        {
            // a third of the way in skips black intros and title cards (copyparty does the same)
            var dur = await DurationAsync(source, timeout / 2, ct);
            if (dur is null)
            {
                return DateTime.UtcNow - started >= timeout / 2 ? FfmpegOutcome.TimedOut : FfmpegOutcome.Failed;
            }
            args.AddRange(["-ss", (dur.Value / 3).ToString("0.###", CultureInfo.InvariantCulture)]);
        }
        var w = fmt.X3 ? boxW * 3 : boxW;
        var h = fmt.X3 ? boxH * 3 : boxH;
        var scale = fmt.Crop
            ? $"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1:1"
            : $"scale={w}:{h}:force_original_aspect_ratio=decrease,setsar=1:1";
        args.AddRange(["-i", source, "-map", "0:v:0", "-vf", scale, "-frames:v", "1", "-update", "1"]);
        AddImageCodec(args, fmt);
        args.Add(target);
        return await RunAsync(args, timeout - (DateTime.UtcNow - started), ct);
    }

    /// <summary>A spectrogram (jpeg/webp; never cropped) or, for <c>p</c>, a 2048x64 PNG waveform.</summary>
    public static Task<FfmpegOutcome> AudioPictureAsync(string source, string target, ThumbFormat fmt, TimeSpan timeout, CancellationToken ct)
    {
        var filter = fmt.Output == ThumbOutput.Png
            ? "[0:a:0]showwavespic=s=2048x64:colors=white[o]"
            : fmt.X3
                ? "[0:a:0]aresample=48000,showspectrumpic=s=1280x1024,crop=1420:1056:70:48[o]"
                : "[0:a:0]aresample=48000,showspectrumpic=s=640x512,crop=780:544:70:48[o]";
        List<string> args = ["-nostdin", "-v", "error", "-hide_banner", "-i", source, "-filter_complex", filter, "-map", "[o]", "-frames:v", "1", "-update", "1"];
        AddImageCodec(args, fmt);
        args.Add(target);
        return RunAsync(args, timeout, ct);
    }

    /// <summary>
    /// The first audio stream (of an audio or a video file) to opus (in ogg), opus in CAF (iOS), or mp3 (always
    /// 44.1 kHz stereo, as copyparty: a device too old for opus is likely picky). Tags are kept.
    /// </summary>
    public static Task<FfmpegOutcome> TranscodeAsync(string source, string target, ThumbOutput output, TranscodeQuality q, TimeSpan timeout,
        CancellationToken ct)
    {
        List<string> args = ["-nostdin", "-v", "error", "-hide_banner", "-i", source, "-map", "0:a:0", "-vn"];
        switch (output)
        {
            case ThumbOutput.Mp3:
                args.AddRange(["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame"]);
                args.AddRange(q.Mp3.EndsWith('k') ? ["-b:a", q.Mp3] : ["-q:a", q.Mp3.TrimStart('q')]);
                args.AddRange(["-f", "mp3"]);
                break;
            case ThumbOutput.Caf:
                args.AddRange(["-map_metadata", "-1", "-c:a", "libopus", "-b:a", q.OpusKbps + "k", "-f", "caf"]);
                break;
            default:
                args.AddRange(["-c:a", "libopus", "-b:a", q.OpusKbps + "k", "-f", "opus"]);
                break;
        }
        args.Add(target);
        return RunAsync(args, timeout, ct);
    }

    private static void AddImageCodec(List<string> args, ThumbFormat fmt)
    {
        switch (fmt.Output)
        {
            case ThumbOutput.Webp:
                args.AddRange(["-c:v", "libwebp", "-q:v", "50", "-f", "webp"]);
                break;
            case ThumbOutput.Png:
                args.AddRange(["-c:v", "png", "-f", "image2"]);
                break;
            default:
                args.AddRange(["-c:v", "mjpeg", "-q:v", "6", "-f", "image2"]);
                break;
        }
    }

    /// <summary>The container's duration in seconds, from ffprobe; null when it failed or took too long.</summary>
    public static async Task<double?> DurationAsync(string source, TimeSpan timeout, CancellationToken ct)
    {
        var r = await ProcessRunner.RunAsync(new ProcessRequest(Ffprobe,
            ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", source], timeout)
        { OutputCap = 4096, CaptureStderr = false }, ct);
        if (!r.Ok)
        {
            return null;
        }
        return double.TryParse(r.Stdout.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 ? d : 4;
    }

    private static async Task<FfmpegOutcome> RunAsync(List<string> args, TimeSpan timeout, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return FfmpegOutcome.TimedOut;
        }
        var r = await ProcessRunner.RunAsync(new ProcessRequest(Ffmpeg, args, timeout) { CaptureStdout = false, OutputCap = 16 * 1024 }, ct);
        return r.TimedOut ? FfmpegOutcome.TimedOut : r.Ok ? FfmpegOutcome.Ok : FfmpegOutcome.Failed;
    }
}
