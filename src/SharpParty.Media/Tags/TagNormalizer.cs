namespace SharpParty.Media.Tags;

/// <summary>
/// Turns a reader's <see cref="ProbedMedia"/> into copyparty's tags: stream properties as mutagen reports them to
/// copyparty (<c>ac</c>, <c>chs</c>, <c>.hz</c>, <c>.aq</c> kbps, <c>.dur</c> whole seconds, <c>.q</c> = file size over
/// duration / 128), then each tag from the most preferred raw field (<see cref="TagMap"/>), values trimmed, numbers
/// cut at '/' ("3/12" is track 3), musical keys in Camelot notation.
/// </summary>
internal static class TagNormalizer
{
    public static MediaTags Normalize(ProbedMedia m, long fileSize, TagMap map)
    {
        var tags = new MediaTags();
        foreach (var (k, v) in m.Direct)
        {
            tags.Set(k, v);
        }

        if (m.Duration > 0 && !tags.ContainsKey(".dur"))
        {
            // mutagen's .q: bytes per second / 128, i.e. kbit/s counted in 1024s
            SetPositive(tags, ".q", Math.Floor(fileSize / m.Duration / 128));
        }

        if (m.Codec is { Length: > 0 } codec && !tags.ContainsKey("ac"))
        {
            tags.Set("ac", codec);
        }

        if (!tags.ContainsKey("chs"))
        {
            SetPositive(tags, "chs", m.Channels);
        }

        SetPositive(tags, ".hz", m.SampleRate);
        SetPositive(tags, ".aq", Math.Floor(m.BitRate / 1000));
        SetPositive(tags, ".dur", Math.Floor(m.Duration)); // mutagen's length, truncated as copyparty does with int()

        var best = new Dictionary<string, (int Rank, string Value)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (raw, value) in m.Fields)
        {
            if (!map.TryResolve(raw, out var tag, out var rank) || tags.ContainsKey(tag))
            {
                continue;
            }

            if (!best.TryGetValue(tag, out var have))
            {
                order.Add(tag);
                best[tag] = (rank, value);
            }
            else if (rank < have.Rank)
            {
                best[tag] = (rank, value);
            }
        }

        foreach (var tag in order)
        {
            var v = best[tag].Value.Trim();
            tags.Set(tag, tag == "key" ? CamelotKeys.Normalize(v) : v);
        }

        return tags;
    }

    private static void SetPositive(MediaTags tags, string key, double value)
    {
        if (value > 0 && double.IsFinite(value) && !tags.ContainsKey(key))
        {
            tags.Set(key, value);
        }
    }
}
