namespace SharpParty.Media.Tags;

/// <summary>
/// Runs <c>ffprobe -v error -print_format json -show_format -show_streams</c> on one file, with copyparty's
/// <c>--mtag-to</c> timeout, and parses what it says.
/// </summary>
internal static class FfprobeRunner
{
    /// <summary>ffprobe's JSON for a file with many streams and chapters stays well below this.</summary>
    public const int OutputCap = 4 << 20;

    public static async Task<ProbedMedia> ProbeAsync(string path, TagOptions options, CancellationToken ct)
    {
        // "file:" + an absolute path: a name such as "concat:a|b" or "http:…" can never be taken for a protocol, and
        // the whitelist stops a playlist inside the file from opening anything but local files
        var args = new[]
        {
            "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
            "-protocol_whitelist", "file", "-i", "file:" + Path.GetFullPath(path),
        };
        var outcome = await ProcessRunner.RunAsync(
            new ProcessRequest(options.FfprobePath, args, options.FfprobeTimeout) { OutputCap = OutputCap, CaptureStderr = false },
            ct);
        return outcome.Ok && !outcome.Truncated ? FfprobeOutput.Parse(outcome.Stdout) : new ProbedMedia();
    }
}
