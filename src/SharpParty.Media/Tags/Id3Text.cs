using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>
/// ID3v2 text decoding. The first byte of a text frame names the encoding (ID3v2.4 "id3v2.4.0-structure" §4):
/// 0 ISO-8859-1, 1 UTF-16 with a BOM, 2 UTF-16BE without one (v2.4), 3 UTF-8 (v2.4). Strings end with, or are separated
/// by, a NUL of the encoding's width (one byte, or two aligned bytes for UTF-16).
/// </summary>
internal static class Id3Text
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);
    private static readonly Encoding Utf16Le = new UnicodeEncoding(false, false, false);
    private static readonly Encoding Utf16Be = new UnicodeEncoding(true, false, false);

    public static bool IsWide(byte encoding) => encoding is 1 or 2;

    /// <summary>Length of the string at the start of <paramref name="data"/>, up to (not including) its terminator.</summary>
    public static int TerminatorAt(ReadOnlySpan<byte> data, byte encoding)
    {
        if (!IsWide(encoding))
        {
            var i = data.IndexOf((byte)0);
            return i < 0 ? data.Length : i;
        }

        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            if (data[i] == 0 && data[i + 1] == 0)
            {
                return i;
            }
        }

        return data.Length & ~1;
    }

    /// <summary>Decodes the first string of <paramref name="data"/> and says how many bytes it took with its terminator.</summary>
    public static string ReadString(ReadOnlySpan<byte> data, byte encoding, out int consumed)
    {
        var len = TerminatorAt(data, encoding);
        var term = IsWide(encoding) ? 2 : 1;
        consumed = Math.Min(data.Length, len + term);
        return Decode(data[..len], encoding);
    }

    /// <summary>Decodes a string without terminator in the given encoding; unknown encodings read as ISO-8859-1.</summary>
    public static string Decode(ReadOnlySpan<byte> s, byte encoding)
    {
        switch (encoding)
        {
            case 1:
                // UTF-16 with a byte order mark; some writers leave it out, little-endian is what they meant
                if (s.Length >= 2 && s[0] == 0xFE && s[1] == 0xFF)
                {
                    return Utf16Be.GetString(s[2..]);
                }

                return s.Length >= 2 && s[0] == 0xFF && s[1] == 0xFE ? Utf16Le.GetString(s[2..]) : Utf16Le.GetString(s);
            case 2:
                return Utf16Be.GetString(s);
            case 3:
                return Utf8.GetString(s);
            default:
                return Encoding.Latin1.GetString(s);
        }
    }
}
