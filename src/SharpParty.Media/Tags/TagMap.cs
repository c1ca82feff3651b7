namespace SharpParty.Media.Tags;

/// <summary>
/// Which raw field names feed which copyparty tag, in order of preference (copyparty's table, itself after MusicBrainz
/// Picard's tag map), with <c>-mtm NEW=a,b,c</c> adding or replacing entries. A name with '-' also matches with ' ', '_'
/// or nothing in its place ("album-artist" matches "album_artist" and "albumartist"), as in copyparty.
/// </summary>
internal sealed class TagMap
{
    private static readonly (string Tag, string[] Sources)[] Defaults =
    [
        ("album", ["album", "talb", "\u00a9alb", "original-album", "toal"]),
        ("artist", ["artist", "tpe1", "\u00a9art", "composer", "performer", "arranger", "\u00a9wrt", "tcom", "tpe3", "original-artist", "tope"]),
        ("title", ["title", "tit2", "\u00a9nam"]),
        ("circle", ["album-artist", "tpe2", "aart", "conductor", "organization", "band"]),
        (".tn", ["tracknumber", "trck", "trkn", "track"]),
        ("genre", ["genre", "tcon", "\u00a9gen"]),
        ("date", ["original-release-date", "release-date", "date", "tdrc", "\u00a9day", "original-date", "original-year", "tyer", "tdor", "tory", "year", "creation-time"]),
        (".bpm", ["bpm", "tbpm", "tmpo", "tbp"]),
        ("key", ["initial-key", "tkey", "key"]),
        ("comment", ["comment", "comm", "\u00a9cmt", "comments", "description"]),
    ];

    public static TagMap Default { get; } = new([]);

    private readonly Dictionary<string, (string Tag, int Rank)> _bySource = new(StringComparer.Ordinal);

    /// <param name="mappings">parsed <c>-mtm</c> values; a tag named here gets exactly these sources</param>
    public TagMap(IEnumerable<TagMapping> mappings)
    {
        var table = Defaults.ToDictionary(d => d.Tag, d => (IReadOnlyList<string>)d.Sources, StringComparer.Ordinal);
        var order = Defaults.Select(d => d.Tag).ToList();
        foreach (var m in mappings)
        {
            if (!table.ContainsKey(m.Tag))
            {
                order.Add(m.Tag);
            }

            table[m.Tag] = m.Sources;
        }

        foreach (var tag in order)
        {
            var rank = 0;
            foreach (var src in Expand(table[tag]))
            {
                // a source named by two tags belongs to the later one, as copyparty's dict comprehension leaves it
                _bySource[src] = (tag, rank++);
            }
        }
    }

    /// <summary>The tag a raw field feeds and its rank (lower is preferred), or false when it feeds none.</summary>
    public bool TryResolve(string rawKey, out string tag, out int rank)
    {
        var k = rawKey.ToLowerInvariant();
        var sep = k.IndexOf("::", StringComparison.Ordinal);
        if (sep >= 0)
        {
            k = k[..sep]; // copyparty drops a "::suffix"
        }

        if (_bySource.TryGetValue(k.Trim(), out var hit))
        {
            (tag, rank) = hit;
            return true;
        }

        tag = "";
        rank = 0;
        return false;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> sources)
    {
        foreach (var s in sources)
        {
            if (!s.Contains('-', StringComparison.Ordinal))
            {
                yield return s;
                continue;
            }

            yield return s.Replace('-', ' ');
            yield return s.Replace('-', '_');
            yield return s.Replace("-", "", StringComparison.Ordinal);
        }
    }
}
