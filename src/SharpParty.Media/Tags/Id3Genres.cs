namespace SharpParty.Media.Tags;

/// <summary>
/// The ID3v1 genre list (0-79 from the ID3v1 definition, 80-147 the Winamp extensions that every tagger uses);
/// ID3v1 stores an index, ID3v2 TCON may hold "(17)", "17" or "(17)Rock", MP4 <c>gnre</c> holds index + 1.
/// </summary>
internal static class Id3Genres
{
    private static readonly string[] Names =
    [
        "Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop", "Jazz", "Metal",
        "New Age", "Oldies", "Other", "Pop", "R&B", "Rap", "Reggae", "Rock", "Techno", "Industrial",
        "Alternative", "Ska", "Death Metal", "Pranks", "Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal", "Jazz+Funk",
        "Fusion", "Trance", "Classical", "Instrumental", "Acid", "House", "Game", "Sound Clip", "Gospel", "Noise",
        "Alternative Rock", "Bass", "Soul", "Punk", "Space", "Meditative", "Instrumental Pop", "Instrumental Rock", "Ethnic", "Gothic",
        "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk", "Eurodance", "Dream", "Southern Rock", "Comedy", "Cult", "Gangsta",
        "Top 40", "Christian Rap", "Pop/Funk", "Jungle", "Native American", "Cabaret", "New Wave", "Psychedelic", "Rave", "Showtunes",
        "Trailer", "Lo-Fi", "Tribal", "Acid Punk", "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll", "Hard Rock",
        "Folk", "Folk-Rock", "National Folk", "Swing", "Fast Fusion", "Bebop", "Latin", "Revival", "Celtic", "Bluegrass",
        "Avantgarde", "Gothic Rock", "Progressive Rock", "Psychedelic Rock", "Symphonic Rock", "Slow Rock", "Big Band", "Chorus", "Easy Listening", "Acoustic",
        "Humour", "Speech", "Chanson", "Opera", "Chamber Music", "Sonata", "Symphony", "Booty Bass", "Primus", "Porn Groove",
        "Satire", "Slow Jam", "Club", "Tango", "Samba", "Folklore", "Ballad", "Power Ballad", "Rhythmic Soul", "Freestyle",
        "Duet", "Punk Rock", "Drum Solo", "A Cappella", "Euro-House", "Dance Hall", "Goa", "Drum & Bass", "Club-House", "Hardcore Techno",
        "Terror", "Indie", "BritPop", "Negerpunk", "Polsk Punk", "Beat", "Christian Gangsta Rap", "Heavy Metal", "Black Metal", "Crossover",
        "Contemporary Christian", "Christian Rock", "Merengue", "Salsa", "Thrash Metal", "Anime", "Jpop", "Synthpop",
    ];

    public static string? Name(int index) => index >= 0 && index < Names.Length ? Names[index] : null;

    /// <summary>Turns TCON's "(17)", "17", "(17)Rock" and "(RX)"/"(CR)" into a name; other text is returned as is.</summary>
    public static string FromTcon(string tcon)
    {
        var s = tcon.Trim();
        if (s.StartsWith('('))
        {
            var close = s.IndexOf(')', StringComparison.Ordinal);
            if (close > 0)
            {
                var inner = s[1..close];
                var rest = s[(close + 1)..].Trim();
                if (rest.Length > 0)
                {
                    return rest; // "(17)Rock": the refinement is the text
                }

                return inner switch
                {
                    "RX" => "Remix",
                    "CR" => "Cover",
                    _ => int.TryParse(inner, out var i) ? Name(i) ?? s : s,
                };
            }
        }

        return s.Length is > 0 and <= 3 && int.TryParse(s, out var n) ? Name(n) ?? s : s;
    }
}
