namespace SharpParty.Media.Tags;

/// <summary>What a file looks like to the tag reader: which built-in reader fits, or none.</summary>
internal enum MediaFormat
{
    Unknown,
    Mp3,
    Flac,
    Ogg,
    Mp4,
}

/// <summary>Chooses a reader from the first bytes (magic numbers first; the extension only settles MPEG audio without an ID3v2 tag).</summary>
internal static class FormatSniffer
{
    private static readonly HashSet<string> MpegExtensions = new(StringComparer.OrdinalIgnoreCase) { ".mp3", ".mp2", ".mp1", ".mpga" };

    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".mpg", ".mpeg", ".ts", ".m2ts", ".ogv", ".3gp",
    };

    /// <summary>Extensions that are never audio or video (text, documents, archives, code): FFprobe is not asked about them.</summary>
    public static readonly HashSet<string> NonMediaExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".md", ".log", ".csv", ".json", ".xml", ".html", ".htm", ".css", ".js", ".ts.map", ".py", ".cs", ".c", ".h",
        ".cpp", ".java", ".go", ".rs", ".sh", ".ini", ".conf", ".cfg", ".yml", ".yaml", ".toml", ".pdf", ".doc", ".docx",
        ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".zip", ".tar", ".gz", ".tgz", ".xz", ".bz2", ".zst", ".7z", ".rar",
        ".iso", ".img", ".exe", ".dll", ".so", ".bin", ".db", ".sqlite", ".partial", ".torrent", ".srt", ".vtt", ".ass",
    };

    public static bool IsVideoExtension(string path) => VideoExtensions.Contains(Path.GetExtension(path));

    public static bool IsNonMedia(string path) => NonMediaExtensions.Contains(Path.GetExtension(path));

    public static MediaFormat Sniff(MediaFile f, string path)
    {
        Span<byte> h = stackalloc byte[12];
        var n = f.ReadAt(0, h);
        h = h[..n];
        if (h.StartsWith("fLaC"u8))
        {
            return MediaFormat.Flac;
        }

        if (h.StartsWith("OggS"u8))
        {
            return MediaFormat.Ogg;
        }

        if (n >= 8 && h[4..8].SequenceEqual("ftyp"u8))
        {
            return MediaFormat.Mp4;
        }

        if (h.StartsWith("ID3"u8))
        {
            // an ID3v2 tag also sits in front of some FLAC files
            var after = Id3v2Reader.TagSize(f, 0);
            Span<byte> m = stackalloc byte[4];
            return f.TryRead(after, m) && m.SequenceEqual("fLaC"u8) ? MediaFormat.Flac : MediaFormat.Mp3;
        }

        // raw MPEG frames have no magic of their own (a frame sync is common in any data), and junk before the first
        // frame or an ID3v1-only file is common: the extension decides
        return MpegExtensions.Contains(Path.GetExtension(path)) ? MediaFormat.Mp3 : MediaFormat.Unknown;
    }
}
