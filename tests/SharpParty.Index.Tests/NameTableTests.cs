namespace SharpParty.Index.Tests;

public class NameTableTests
{
    private static NameTable Table(params string[] names) => NameTable.Build(names.Select((n, i) => ((long)(i + 1) * 10, n)));

    [Theory]
    [InlineData("Contains", "ab", "10,20,30")]
    [InlineData("Prefix", "ab", "10,30")]
    [InlineData("Suffix", "ab", "20,30")]
    [InlineData("Exact", "ab", "30")]
    [InlineData("Contains", "ÄB", "40")]
    [InlineData("Contains", "äb", "")]
    [InlineData("Contains", "Äb", "40")]
    [InlineData("Suffix", "x", "")]
    public void Anchors_and_ascii_case_folding_follow_sqlite_like(string kind, string literal, string expected)
    {
        // 10 "abc", 20 "cab", 30 "AB", 40 "xÄby": non-ASCII letters keep their case, as in SQLite's LIKE
        var t = Table("abc", "cab", "AB", "xÄby");
        Assert.Equal(expected, string.Join(',', t.Match(Enum.Parse<NameMatch>(kind), literal, 100)!));
    }

    [Fact]
    public void A_match_may_not_span_two_names_and_each_name_counts_once()
    {
        var t = Table("aa", "aa", "a");
        Assert.Equal([10L, 20L], t.Match(NameMatch.Contains, "aa", 100)!);
        Assert.Equal([10L, 20L, 30L], t.Match(NameMatch.Contains, "a", 100)!);
        Assert.Empty(t.Match(NameMatch.Contains, "aaa", 100)!);
    }

    [Fact]
    public void Changes_after_the_build_are_carried_and_too_many_candidates_give_null()
    {
        var t = Table("one", "two", "three");
        t.Set(20, "renamed");
        t.Remove(30);
        t.Add(40, "another");
        t.Add(10, "ignored: id known");
        Assert.Equal([10L, 40L], t.Match(NameMatch.Contains, "o", 100)!.Order());
        Assert.Equal([20L], t.Match(NameMatch.Prefix, "ren", 100)!);
        Assert.Null(t.Match(NameMatch.Contains, "e", 2));
        Assert.False(t.Overgrown);
        for (var i = 0; i <= NameTable.MaxDelta; i++)
        {
            t.Add(1000 + i, "n");
        }
        Assert.True(t.Overgrown);
    }
}
