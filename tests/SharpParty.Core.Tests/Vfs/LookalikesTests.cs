using System.Globalization;
using System.Text;
using SharpParty.Core.Vfs;
using Xunit;

namespace SharpParty.Core.Tests.Vfs;

/// <summary>The path check's NFKC table against ICU's NFKC (this test host runs with ICU; the server is built without).</summary>
public sealed class LookalikesTests
{
    [Fact]
    public void The_table_holds_exactly_the_code_points_whose_NFKC_form_has_a_dot_or_a_slash()
    {
        Assert.False(GlobalizationMode.Invariant, "this test needs ICU's normalization");
        var found = new Dictionary<int, string>();
        var rejected = new List<int>();
        for (var cp = 0x80; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            string nfkc;
            try
            {
                nfkc = char.ConvertFromUtf32(cp).Normalize(NormalizationForm.FormKC);
            }
            catch (ArgumentException)
            {
                rejected.Add(cp);
                continue;
            }
            if (nfkc.AsSpan().IndexOfAny("./\\") >= 0)
            {
                found[cp] = nfkc;
            }
        }
        Assert.Equal(found.OrderBy(k => k.Key), Lookalikes.Folds.OrderBy(k => k.Key));
        // what ICU's normalization refuses, the fold refuses too (the path check answers "invalid Unicode")
        Assert.Equal([0xFFFE], rejected);
        Assert.All(rejected, cp => Assert.False(Lookalikes.TryFold(char.ConvertFromUtf32(cp), out _)));
    }

    [Theory]
    [InlineData("\u2025", true)]            // two dot leader: ".."
    [InlineData("\uFF0E\uFF0E", true)]      // fullwidth full stops
    [InlineData("\u2024\u2024x", true)]     // starts with ".."
    [InlineData("a\uFF0Fb", true)]          // fullwidth solidus
    [InlineData("Wait\u2026 what.mp3", false)] // an ellipsis inside a name is a name
    [InlineData("caf\u00e9 \u2488 list", false)]
    [InlineData("\u33C2 walk", false)]      // "a.m. walk"
    public void The_folded_segment_decides_as_NFKC_would(string segment, bool rejected)
    {
        Assert.True(Lookalikes.TryFold(segment, out var folded));
        var nfkc = segment.Normalize(NormalizationForm.FormKC);
        static bool Bad(string n) => n is "." or ".." || n.StartsWith("..", StringComparison.Ordinal) || n.Contains('/') || n.Contains('\\');
        Assert.Equal(Bad(nfkc), Bad(folded));
        Assert.Equal(rejected, Bad(folded));
    }

    [Fact]
    public void A_lone_surrogate_is_not_folded() => Assert.False(Lookalikes.TryFold("a\uD800b", out _));
}

internal static class GlobalizationMode
{
    /// <summary>True when the runtime runs without ICU (then Normalize is a no-op).</summary>
    public static bool Invariant => "\uFF0E".Normalize(NormalizationForm.FormKC) == "\uFF0E";
}
