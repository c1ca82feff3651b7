namespace SharpParty.Media.Tags;

/// <summary>
/// Musical keys in the notation copyparty normalises to (Rekordbox's / the Camelot wheel's "8A", "1B"…): a key tag
/// of "A minor", "Am", "1m" or "8a" becomes "8A". Anything not in the table is kept as written.
/// </summary>
internal static class CamelotKeys
{
    // wheel position, then the spellings that mean it: Open Key ("6d"), flat and sharp names
    private static readonly string[] Table =
    [
        "1B 6d B", "2B 7d Gb F#", "3B 8d Db C#", "4B 9d Ab G#", "5B 10d Eb D#", "6B 11d Bb A#", "7B 12d F", "8B 1d C",
        "9B 2d G", "10B 3d D", "11B 4d A", "12B 5d E",
        "1A 6m Abm G#m", "2A 7m Ebm D#m", "3A 8m Bbm A#m", "4A 9m Fm", "5A 10m Cm", "6A 11m Gm", "7A 12m Dm", "8A 1m Am",
        "9A 2m Em", "10A 3m Bm", "11A 4m Gbm F#m", "12A 5m Dbm C#m",
    ];

    private static readonly Dictionary<string, string> Lookup = Build();

    private static Dictionary<string, string> Build()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Table)
        {
            var parts = line.Split(' ');
            foreach (var p in parts)
            {
                d[p.ToLowerInvariant()] = parts[0];
            }
        }

        return d;
    }

    /// <summary>Drops spaces and "maj", turns "min" into "m", then looks the key up case-insensitively.</summary>
    public static string Normalize(string key)
    {
        var k = key.Replace(" ", "", StringComparison.Ordinal).Replace("maj", "", StringComparison.Ordinal)
            .Replace("min", "m", StringComparison.Ordinal).ToLowerInvariant();
        return Lookup.GetValueOrDefault(k, key);
    }
}
