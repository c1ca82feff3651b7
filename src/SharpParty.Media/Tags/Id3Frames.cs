namespace SharpParty.Media.Tags;

/// <summary>
/// Turns ID3v2 frames into fields. Names follow mutagen's EasyID3 (TPE1 "artist", TPE2 "albumartist", TRCK "tracknumber"…)
/// because copyparty reads MP3 tags through it, so its key priorities (<see cref="TagMap"/>) rank ours the same way;
/// frames EasyID3 does not name keep their frame id ("tkey", "toal"). v2.2's three-letter ids are mapped to v2.3's.
/// </summary>
internal static class Id3Frames
{
    private static readonly Dictionary<string, string> V22 = new(StringComparer.Ordinal)
    {
        ["TT2"] = "TIT2",
        ["TP1"] = "TPE1",
        ["TP2"] = "TPE2",
        ["TP3"] = "TPE3",
        ["TP4"] = "TPE4",
        ["TAL"] = "TALB",
        ["TRK"] = "TRCK",
        ["TPA"] = "TPOS",
        ["TYE"] = "TYER",
        ["TCO"] = "TCON",
        ["TBP"] = "TBPM",
        ["TKE"] = "TKEY",
        ["TCM"] = "TCOM",
        ["TXX"] = "TXXX",
        ["COM"] = "COMM",
        ["TOA"] = "TOPE",
        ["TOT"] = "TOAL",
        ["TPB"] = "TPUB",
        ["TOR"] = "TORY",
    };

    private static readonly Dictionary<string, string> EasyNames = new(StringComparer.Ordinal)
    {
        ["TIT2"] = "title",
        ["TPE1"] = "artist",
        ["TALB"] = "album",
        ["TPE2"] = "albumartist",
        ["TPE3"] = "conductor",
        ["TPE4"] = "arranger",
        ["TCOM"] = "composer",
        ["TPUB"] = "organization",
        ["TRCK"] = "tracknumber",
        ["TPOS"] = "discnumber",
        ["TCON"] = "genre",
        ["TBPM"] = "bpm",
        // v2.4 TDRC "recording time" replaced v2.3's TYER; mutagen upgrades TYER into TDRC, so both read as "date"
        ["TDRC"] = "date",
        ["TYER"] = "date",
        ["TDOR"] = "originaldate",
        ["TORY"] = "originaldate",
    };

    public static string Normalize(string id) => id.Length == 3 && V22.TryGetValue(id, out var v3) ? v3 : id;

    public static bool IsWanted(string id)
    {
        id = Normalize(id);
        return id.Length == 4 && (id[0] == 'T' || id == "COMM");
    }

    public static void Decode(string rawId, ReadOnlySpan<byte> data, ProbedMedia into)
    {
        var id = Normalize(rawId);
        if (data.Length < 2)
        {
            return;
        }

        var enc = data[0];
        var rest = data[1..];
        switch (id)
        {
            case "TXXX":
                {
                    // user text (2.4.0 frames §4.2.6): encoding, description, NUL, value
                    var desc = Id3Text.ReadString(rest, enc, out var used);
                    into.Add(desc, FirstValue(rest[used..], enc));
                    return;
                }

            case "COMM":
                {
                    // comment (§4.10): encoding, 3-byte language, short description, NUL, text
                    if (rest.Length < 4)
                    {
                        return;
                    }

                    _ = Id3Text.ReadString(rest[3..], enc, out var used);
                    into.Add("comment", FirstValue(rest[(3 + used)..], enc));
                    return;
                }

            default:
                {
                    if (id.Length != 4 || id[0] != 'T')
                    {
                        return;
                    }

                    var value = FirstValue(rest, enc);
                    if (id == "TCON")
                    {
                        value = Id3Genres.FromTcon(value);
                    }

                    into.Add(EasyNames.TryGetValue(id, out var easy) ? easy : id.ToLowerInvariant(), value);
                    return;
                }
        }
    }

    /// <summary>v2.4 text frames may hold several NUL-separated values (§4.2); copyparty keeps the first.</summary>
    private static string FirstValue(ReadOnlySpan<byte> text, byte enc)
    {
        for (var guard = 0; guard < 64 && !text.IsEmpty; guard++)
        {
            var s = Id3Text.ReadString(text, enc, out var used);
            if (s.Trim().Length > 0 || used <= 0)
            {
                return s;
            }

            text = text[used..];
        }

        return "";
    }
}
