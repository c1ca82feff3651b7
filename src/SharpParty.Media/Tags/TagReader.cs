namespace SharpParty.Media.Tags;

/// <summary>
/// Reads the media tags of one file, as copyparty's <c>-e2t</c> does: the built-in reader for MP3, FLAC, Ogg
/// Vorbis/Opus and MP4 audio first (copyparty's mutagen), FFprobe when that finds nothing usable, for video and for
/// anything else. Never throws for what is in the file; only the caller's cancellation surfaces.
/// </summary>
internal static class TagReader
{
    public static async Task<MediaTags> ReadAsync(string path, TagOptions options, CancellationToken ct)
    {
        long size;
        ProbedMedia? builtIn = null;
        using (var f = MediaFile.Open(path, ct))
        {
            if (f is null || f.Length == 0)
            {
                return MediaTags.Empty;
            }

            size = f.Length;
            builtIn = ReadBuiltIn(f, path);
            ct.ThrowIfCancellationRequested();
        }

        var wantFfprobe = options.AllowFfprobe
            && (builtIn is null || !builtIn.IsUsable || builtIn.HasVideo)
            && !(options.SkipNonMedia && builtIn is null && FormatSniffer.IsNonMedia(path));
        if (wantFfprobe)
        {
            var probed = await FfprobeRunner.ProbeAsync(path, options, ct);
            if (probed.Direct.Count > 0 || probed.Fields.Count > 0)
            {
                return TagNormalizer.Normalize(probed, size, options.Map);
            }
        }

        return builtIn is null ? MediaTags.Empty : TagNormalizer.Normalize(builtIn, size, options.Map);
    }

    /// <summary>The built-in readers only (no process is started); null when no reader fits the file.</summary>
    public static ProbedMedia? ReadBuiltIn(MediaFile f, string path)
    {
        try
        {
            return ReadWith(FormatSniffer.Sniff(f, path), f);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException
            or OverflowException or FormatException)
        {
            // a reader bug on a hostile file must cost that file its tags, not the scan
            return new ProbedMedia();
        }
    }

    /// <summary>One reader, without the safety net (the fuzz tests call this: any exception is a bug to fix).</summary>
    internal static ProbedMedia? ReadWith(MediaFormat format, MediaFile f) => format switch
    {
        MediaFormat.Mp3 => Mp3Reader.Read(f),
        MediaFormat.Flac => FlacReader.Read(f),
        MediaFormat.Ogg => OggReader.Read(f),
        MediaFormat.Mp4 => Mp4Reader.Read(f),
        _ => null,
    };
}
