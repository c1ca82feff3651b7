namespace SharpParty.Media.Tags;

/// <summary>How <see cref="TagReader"/> reads one file.</summary>
internal sealed record TagOptions
{
    public static TagOptions Default { get; } = new();

    /// <summary>FFprobe may be asked (false: copyparty's <c>--no-mtag-ff</c>).</summary>
    public bool AllowFfprobe { get; init; } = true;

    /// <summary>The ffprobe program; a bare name is looked up on PATH.</summary>
    public string FfprobePath { get; init; } = "ffprobe";

    /// <summary>Per-file FFprobe timeout, as copyparty's <c>--mtag-to</c> (default 60 s).</summary>
    public TimeSpan FfprobeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Skip FFprobe for extensions that are never media (<see cref="NonMediaExtensions"/>). copyparty asks FFprobe about
    /// every file; that costs a process per text file for nothing, so we do not by default.
    /// </summary>
    public bool SkipNonMedia { get; init; } = true;

    /// <summary>The <c>-mtm</c> mappings in effect.</summary>
    public TagMap Map { get; init; } = TagMap.Default;
}
