using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// Values of iTunes-style metadata items. The <c>data</c> box holds a type (1 UTF-8, 2 UTF-16, 21 signed and 22 unsigned
/// big-endian integer, 0 implicit: <c>trkn</c>/<c>disk</c> are binary), a locale, then the value. Names follow mutagen's
/// EasyMP4 ("©ART" is "artist", "trkn" "tracknumber"…), which is how copyparty reads MP4 tags.
/// </summary>
internal static class Mp4Items
{
    private static readonly Dictionary<string, string> EasyNames = new(StringComparer.Ordinal)
    {
        ["\u00a9nam"] = "title",
        ["\u00a9ART"] = "artist",
        ["\u00a9alb"] = "album",
        ["aART"] = "albumartist",
        ["\u00a9day"] = "date",
        ["\u00a9gen"] = "genre",
        ["\u00a9cmt"] = "comment",
        ["\u00a9wrt"] = "composer",
        ["\u00a9grp"] = "grouping",
        ["desc"] = "description",
        ["cprt"] = "copyright",
    };

    public static void Add(string key, string? freeformName, ReadOnlySpan<byte> data, ProbedMedia into)
    {
        var type = BinaryPrimitives.ReadUInt32BigEndian(data) & 0xFFFFFF;
        var v = data[8..];
        switch (key)
        {
            case "trkn" or "disk":
                // 2 reserved bytes, number, total (each 16-bit)
                if (v.Length >= 4)
                {
                    var n = BinaryPrimitives.ReadUInt16BigEndian(v[2..]);
                    var total = v.Length >= 6 ? BinaryPrimitives.ReadUInt16BigEndian(v[4..]) : 0;
                    var s = total > 0 ? $"{n}/{total}" : n.ToString(CultureInfo.InvariantCulture);
                    into.Add(key == "trkn" ? "tracknumber" : "discnumber", s);
                }

                return;
            case "tmpo":
                if (Integer(v) is { } bpm)
                {
                    into.Add("bpm", bpm.ToString(CultureInfo.InvariantCulture));
                }

                return;
            case "gnre":
                // the ID3v1 genre index plus one
                if (Integer(v) is { } g && Id3Genres.Name((int)g - 1) is { } genre)
                {
                    into.Add("genre", genre);
                }

                return;
        }

        var text = type switch
        {
            1 => Encoding.UTF8.GetString(v),
            2 => Encoding.BigEndianUnicode.GetString(v),
            21 or 22 => Integer(v)?.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (text is null)
        {
            return;
        }

        var field = key == "----" ? freeformName : EasyNames.GetValueOrDefault(key, key);
        if (field is not null)
        {
            into.Add(field, text);
        }
    }

    private static long? Integer(ReadOnlySpan<byte> v) => v.Length switch
    {
        1 => (sbyte)v[0],
        2 => BinaryPrimitives.ReadInt16BigEndian(v),
        4 => BinaryPrimitives.ReadInt32BigEndian(v),
        8 => BinaryPrimitives.ReadInt64BigEndian(v),
        _ => null,
    };
}
