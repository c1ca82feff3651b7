using System.Collections.Frozen;
using System.Text;

namespace SharpParty.Core.Vfs;

/// <summary>
/// What a path segment turns into under Unicode compatibility normalization (NFKC), as far as the traversal check
/// needs it: the characters whose NFKC form holds '.', '/' or '\' are replaced by that form, every other character is
/// kept as it is. That is enough to tell whether the normalized segment is "." or "..", starts with "..", or holds a
/// slash or a backslash: no other character normalizes to one of those, and composition never makes or takes one.
/// The server is built without ICU (InvariantGlobalization: ICU's libraries were 4.3 MiB of its resident memory and
/// ~3 ms of its start), where string.Normalize does nothing; the table is checked against ICU's NFKC over every code
/// point by a test that runs with ICU.
/// </summary>
internal static class Lookalikes
{
    /// <summary>Every code point from U+0080 whose NFKC form contains '.', '/' or '\' (Unicode 15), with that form.</summary>
    internal static readonly FrozenDictionary<int, string> Folds = new Dictionary<int, string>
    {
        [0x2024] = ".",
        [0x2025] = "..",
        [0x2026] = "...",
        [0x2100] = "a/c",
        [0x2101] = "a/s",
        [0x2105] = "c/o",
        [0x2106] = "c/u",
        [0x2488] = "1.",
        [0x2489] = "2.",
        [0x248A] = "3.",
        [0x248B] = "4.",
        [0x248C] = "5.",
        [0x248D] = "6.",
        [0x248E] = "7.",
        [0x248F] = "8.",
        [0x2490] = "9.",
        [0x2491] = "10.",
        [0x2492] = "11.",
        [0x2493] = "12.",
        [0x2494] = "13.",
        [0x2495] = "14.",
        [0x2496] = "15.",
        [0x2497] = "16.",
        [0x2498] = "17.",
        [0x2499] = "18.",
        [0x249A] = "19.",
        [0x249B] = "20.",
        [0x33C2] = "a.m.",
        [0x33C7] = "Co.",
        [0x33D8] = "p.m.",
        [0xFE19] = "...",
        [0xFE30] = "..",
        [0xFE52] = ".",
        [0xFE68] = "\\",
        [0xFF0E] = ".",
        [0xFF0F] = "/",
        [0xFF3C] = "\\",
        [0x1F100] = "0.",
    }.ToFrozenDictionary();

    /// <summary>The segment with those characters replaced; false if it is not valid UTF-16 (a lone surrogate) or holds U+FFFE.</summary>
    public static bool TryFold(ReadOnlySpan<char> segment, out string folded)
    {
        var sb = new StringBuilder(segment.Length + 8);
        while (!segment.IsEmpty)
        {
            // .NET's Normalize refuses a lone surrogate and U+FFFE (a noncharacter), and so does this
            if (Rune.DecodeFromUtf16(segment, out var rune, out var used) != System.Buffers.OperationStatus.Done || rune.Value == 0xFFFE)
            {
                folded = "";
                return false;
            }
            if (Folds.TryGetValue(rune.Value, out var to))
            {
                sb.Append(to);
            }
            else
            {
                sb.Append(segment[..used]);
            }
            segment = segment[used..];
        }
        folded = sb.ToString();
        return true;
    }
}
