namespace SharpParty.Media.Tags;

/// <summary>
/// What a reader found before normalisation: raw metadata fields under the reader's own names (lowercase; the names
/// mutagen's "easy" interfaces give where one exists, so <see cref="TagNormalizer"/> ranks them as copyparty does)
/// and the stream properties copyparty records for audio.
/// </summary>
internal sealed class ProbedMedia
{
    /// <summary>A reader keeps at most this many fields; a hostile file cannot make the list grow without end.</summary>
    public const int MaxFields = 512;

    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>Codec name as copyparty's <c>ac</c> ("mp3", "flac", "vorbis", "opus", "aac"…).</summary>
    public string? Codec { get; set; }

    public int Channels { get; set; }

    public int SampleRate { get; set; }

    /// <summary>Audio bit rate in bits per second, 0 when unknown.</summary>
    public double BitRate { get; set; }

    /// <summary>Duration in seconds, 0 when unknown.</summary>
    public double Duration { get; set; }

    /// <summary>The file holds a video track: the caller should rather ask ffprobe.</summary>
    public bool HasVideo { get; set; }

    /// <summary>Adds a field unless its key or value is empty after trimming; the first value of a key wins later.</summary>
    public void Add(string key, string? value)
    {
        if (_fields.Count >= MaxFields || string.IsNullOrWhiteSpace(key) || value is null)
        {
            return;
        }

        var v = value.Trim().TrimEnd('\0').Trim();
        if (v.Length == 0)
        {
            return;
        }

        _fields.Add(new(key.Trim().ToLowerInvariant(), v));
    }

    /// <summary>Values already under copyparty's names (FFprobe's <c>res</c>, <c>vc</c>, <c>.fps</c>…); they outrank any field.</summary>
    public MediaTags Direct { get; } = new();

    public bool HasField(string key) => _fields.Exists(f => f.Key == key);

    /// <summary>copyparty falls back to FFprobe when mutagen finds no length (and no codec).</summary>
    public bool IsUsable => Duration > 0 || Direct.ContainsKey(".dur");
}
