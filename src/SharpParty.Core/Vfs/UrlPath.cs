using System.Buffers;
using System.Text;

namespace SharpParty.Core.Vfs;

/// <summary>
/// Turns a raw, percent-encoded URL path into a clean virtual path ("a/b/c", no leading or trailing slash),
/// or says why it is refused. Every protocol's path goes through <see cref="TryNormalize"/>; HTTP first
/// through <see cref="TryDecode"/>. Nothing here touches the disk.
/// </summary>
internal static class UrlPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Percent-decodes strictly: a bad escape or bytes that are not shortest-form UTF-8 (overlong, surrogates) fail.</summary>
    public static bool TryDecode(ReadOnlySpan<char> raw, out string decoded, out string error)
    {
        decoded = "";
        error = "";
        if (raw.IndexOf('%') < 0)
        {
            foreach (var c in raw)
            {
                if (c > 0x7e)
                {
                    // Kestrel hands us the raw target; a non-ASCII char here means a broken client
                    error = "bad character in URL";
                    return false;
                }
            }
            decoded = raw.ToString();
            return true;
        }
        var buf = raw.Length <= 512 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    error = "bad %-escape in URL";
                    return false;
                }
                buf[n++] = (byte)((HexVal(raw[i + 1]) << 4) | HexVal(raw[i + 2]));
                i += 2;
            }
            else if (c > 0x7e)
            {
                error = "bad character in URL";
                return false;
            }
            else
            {
                buf[n++] = (byte)c;
            }
        }
        try
        {
            decoded = StrictUtf8.GetString(buf[..n]);
        }
        catch (DecoderFallbackException)
        {
            error = "URL is not valid UTF-8";
            return false;
        }
        return true;
    }

    /// <summary>
    /// Splits on '/', drops empty segments, and refuses any segment that is or could become a traversal:
    /// "." and "..", backslashes, NUL and other control characters, and Unicode lookalikes whose
    /// compatibility form (NFKC) is a dot segment or holds a slash (U+FF0E, U+2024, U+FF0F, U+2215, …).
    /// </summary>
    public static bool TryNormalize(string decoded, out string vpath, out string error)
    {
        vpath = "";
        error = "";
        var span = decoded.AsSpan();
        if (TryFastPath(span, out vpath))
        {
            return true;
        }
        var needsRebuild = span.Length > 0 && (span[0] == '/' || span[^1] == '/');
        var sb = new StringBuilder(decoded.Length);
        var segStart = -1;
        for (var i = 0; i <= span.Length; i++)
        {
            if (i == span.Length || span[i] == '/')
            {
                if (segStart >= 0)
                {
                    var seg = span[segStart..i];
                    if (!SegmentOk(seg, out error))
                    {
                        return false;
                    }
                    if (sb.Length > 0)
                    {
                        sb.Append('/');
                    }
                    sb.Append(seg);
                    segStart = -1;
                }
                else if (i < span.Length && i > 0)
                {
                    needsRebuild = true; // "//"
                }
                continue;
            }
            if (segStart < 0)
            {
                segStart = i;
            }
        }
        vpath = needsRebuild || sb.Length != decoded.Length ? sb.ToString() : decoded;
        return true;
    }

    private static readonly SearchValues<char> PlainPathChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.~!*(),@:+=$&' ");

    /// <summary>
    /// The common case: printable ASCII, no empty, "." or ".." segments, no backslash. Costs one vectorised scan and at
    /// most one substring instead of a rebuild; anything else takes the careful path.
    /// </summary>
    private static bool TryFastPath(ReadOnlySpan<char> span, out string vpath)
    {
        vpath = "";
        if (span.ContainsAnyExcept(PlainPathChars))
        {
            return false;
        }
        var trimmed = span.Trim('/');
        if (trimmed.Length == 0)
        {
            return span.Length <= 1;
        }
        if (trimmed.Contains("//", StringComparison.Ordinal) || trimmed[0] == '.' || trimmed.Contains("/.", StringComparison.Ordinal))
        {
            return false; // possibly "." / ".." segments or dotfiles: checked segment by segment below
        }
        foreach (var r in trimmed.Split('/'))
        {
            if (trimmed[r].Length > 255)
            {
                return false;
            }
        }
        vpath = trimmed.ToString();
        return true;
    }

    /// <summary>
    /// Slashes that NFKC leaves alone but that look like one (fraction slash, division slash, big solidus, set minus…):
    /// harmless on Linux, but a name like "a∕..∕b" is made to fool a person or a tool further down the line.
    /// </summary>
    private static readonly SearchValues<char> SlashLookalikes = SearchValues.Create("\u2044\u2215\u2216\u29F8\u29F9\uFE68\uFF0F\uFF3C");

    private static readonly SearchValues<char> Suspicious = SearchValues.Create("\\\0");

    /// <summary>One path segment (a file or folder name) as accepted from any protocol.</summary>
    public static bool SegmentOk(ReadOnlySpan<char> seg, out string error)
    {
        error = "";
        if (seg.Length == 0 || seg is "." || seg is "..")
        {
            error = "path traversal rejected";
            return false;
        }
        if (seg.Length > 255)
        {
            error = "name too long";
            return false;
        }
        if (seg.IndexOfAny(Suspicious) >= 0)
        {
            error = "backslash or NUL in path";
            return false;
        }
        var ascii = true;
        foreach (var c in seg)
        {
            if (c < 0x20 || c == 0x7f)
            {
                error = "control character in path";
                return false;
            }
            if (c > 0x7f)
            {
                ascii = false;
            }
        }
        if (!ascii)
        {
            // NFKC, for the characters that matter here (Lookalikes: the server is built without ICU)
            if (!Lookalikes.TryFold(seg, out var norm))
            {
                error = "invalid Unicode in path";
                return false;
            }
            if (norm is "." or ".." || norm.Contains('/', StringComparison.Ordinal) || norm.Contains('\\', StringComparison.Ordinal)
                || norm.StartsWith("..", StringComparison.Ordinal) || seg.IndexOfAny(SlashLookalikes) >= 0)
            {
                error = "path traversal rejected (lookalike characters)";
                return false;
            }
        }
        return true;
    }

    /// <summary>Percent-encodes a virtual path for a URL (keeps '/', unreserved chars and a few safe ones, as copyparty's quotep).</summary>
    public static string Quote(string vpath)
    {
        var needs = false;
        foreach (var c in vpath)
        {
            if (!IsSafe(c))
            {
                needs = true;
                break;
            }
        }
        if (!needs)
        {
            return vpath;
        }
        var bytes = Encoding.UTF8.GetBytes(vpath);
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b < 0x80 && IsSafe((char)b))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 15]);
            }
        }
        return sb.ToString();
    }

    private static bool IsSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or '~' or '!' or '*' or '(' or ')' or ',' or '@' or ':';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexVal(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
