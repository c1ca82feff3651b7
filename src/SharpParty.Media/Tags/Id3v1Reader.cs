using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// ID3v1 / v1.1: the last 128 bytes of the file, "TAG" + title 30 + artist 30 + album 30 + year 4 + comment 30 + genre 1;
/// in v1.1 a zero at comment[28] makes comment[29] the track number. ISO-8859-1, padded with NULs or spaces.
/// Only fields the ID3v2 tag did not have are added (as mutagen merges them).
/// </summary>
internal static class Id3v1Reader
{
    public const int Size = 128;

    public static bool Has(MediaFile f)
    {
        Span<byte> t = stackalloc byte[3];
        return f.Length >= Size && f.TryRead(f.Length - Size, t) && t.SequenceEqual("TAG"u8);
    }

    public static void Read(MediaFile f, ProbedMedia into)
    {
        Span<byte> b = stackalloc byte[Size];
        if (f.Length < Size || !f.TryRead(f.Length - Size, b) || !b[..3].SequenceEqual("TAG"u8))
        {
            return;
        }

        AddIfMissing(into, "title", Field(b.Slice(3, 30)));
        AddIfMissing(into, "artist", Field(b.Slice(33, 30)));
        AddIfMissing(into, "album", Field(b.Slice(63, 30)));
        AddIfMissing(into, "date", Field(b.Slice(93, 4)));
        var comment = b.Slice(97, 30);
        if (comment[28] == 0 && comment[29] != 0)
        {
            AddIfMissing(into, "tracknumber", comment[29].ToString(System.Globalization.CultureInfo.InvariantCulture));
            comment = comment[..28];
        }

        AddIfMissing(into, "comment", Field(comment));
        if (Id3Genres.Name(b[127]) is { } genre)
        {
            AddIfMissing(into, "genre", genre);
        }
    }

    private static string Field(ReadOnlySpan<byte> s)
    {
        var end = s.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end >= 0 ? s[..end] : s).Trim();
    }

    private static void AddIfMissing(ProbedMedia into, string key, string value)
    {
        if (!into.HasField(key))
        {
            into.Add(key, value);
        }
    }
}
