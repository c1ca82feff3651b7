using System.Diagnostics;

namespace SharpParty.Media.Tests.Tags;

/// <summary>ffmpeg on PATH, or not: the sample-file tests need it (CI installs it; see .ci/run).</summary>
internal static class Ffmpeg
{
    public static bool Available { get; } = Probe();

    private static bool Probe()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "ffmpeg")) && File.Exists(Path.Combine(dir, "ffprobe")))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] Quiet = ["-v", "error", "-nostdin", "-y"];

    /// <summary>Runs ffmpeg with a 60 s limit; throws with its stderr when it fails (a test setup error).</summary>
    public static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in Quiet.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new InvalidOperationException("ffmpeg timed out");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("ffmpeg failed: " + err.Result);
        }
    }
}

/// <summary>
/// A test that needs ffmpeg: skipped when it is missing on this machine, unless SHARPPARTY_REQUIRE_FFMPEG is set
/// (.ci/run sets it), where a missing ffmpeg must fail rather than hide the tests.
/// </summary>
internal sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute()
    {
        if (!Ffmpeg.Available && Environment.GetEnvironmentVariable("SHARPPARTY_REQUIRE_FFMPEG") is null or "")
        {
            Skip = "ffmpeg/ffprobe not installed (apt-get install ffmpeg)";
        }
    }
}

/// <summary>The sample files, made once per test run by ffmpeg in a temp folder: 2.5 s of sine with tags.</summary>
public sealed class SampleFiles : IDisposable
{
    public const double Seconds = 2.5;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _made = [];

    public string Dir { get; } = Directory.CreateTempSubdirectory("sp-media-").FullName;

    private static readonly string[] Tags =
    [
        "-metadata", "artist=Ärtist Ünicode", "-metadata", "title=A Title", "-metadata", "album=The Album",
        "-metadata", "track=3/7", "-metadata", "date=2024", "-metadata", "genre=Jazz", "-metadata", "album_artist=The Circle",
    ];

    /// <summary>The sample named <paramref name="name"/> (its extension picks the container), made on first use.</summary>
    public string Get(string name)
    {
        lock (_lock)
        {
            if (_made.TryGetValue(name, out var have))
            {
                return have;
            }

            var path = Path.Combine(Dir, name);
            var sine = new[] { "-f", "lavfi", "-i", $"sine=frequency=440:duration={Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}" };
            string[] args = name switch
            {
                "id3v24.mp3" => [.. sine, .. Tags, "-metadata", "TBPM=128", "-metadata", "TKEY=Am", "-c:a", "libmp3lame", "-b:a", "64k", path],
                "id3v23.mp3" => [.. sine, .. Tags, "-metadata", "TBPM=128", "-id3v2_version", "3", "-write_id3v1", "1", "-c:a", "libmp3lame", "-b:a", "64k", path],
                "vbr.mp3" => [.. sine, .. Tags, "-c:a", "libmp3lame", "-q:a", "4", path],
                "plain.flac" => [.. sine, .. Tags, "-metadata", "BPM=90", "-metadata", "INITIALKEY=C", path],
                "plain.opus" => [.. sine, .. Tags, "-c:a", "libopus", "-b:a", "32k", path],
                "plain.ogg" => [.. sine, .. Tags, "-c:a", "libvorbis", "-q:a", "2", path],
                "plain.m4a" => [.. sine, .. Tags, "-c:a", "aac", "-b:a", "64k", path],
                "video.mp4" => ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
                    "-c:v", "mpeg4", "-c:a", "aac", "-shortest", "-metadata", "title=Clip", path],
                "video.webm" => ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:duration=1", "-c:v", "libvpx", "-b:v", "100k",
                    "-metadata", "title=Web Clip", path],
                _ => throw new ArgumentException(name),
            };
            Ffmpeg.Run(args);
            _made[name] = path;
            return path;
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
