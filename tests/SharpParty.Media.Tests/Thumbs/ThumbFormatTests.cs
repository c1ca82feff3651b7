using SharpParty.Media.Thumbs;

namespace SharpParty.Media.Tests.Thumbs;

public class ThumbFormatTests
{
    private static readonly string[] Variants = ["w", "wf", "w3", "wf3", "j", "jf", "p", "opus", "mp3", "caf"];

    [Theory]
    [InlineData("", "jpg", true, false)]
    [InlineData("w", "webp", true, false)]
    [InlineData("j", "jpg", true, false)]
    [InlineData("wf", "webp", false, false)]
    [InlineData("jf3", "jpg", false, true)]
    [InlineData("w3", "webp", true, true)]
    [InlineData("p", "png", true, false)]
    [InlineData("x", "jpg", true, false)]
    [InlineData("opus", "opus", false, false)]
    [InlineData("CAF", "caf", false, false)]
    [InlineData("mp3", "mp3", false, false)]
    public void ParsesCopypartyForms(string q, string ext, bool crop, bool x3)
    {
        var f = ThumbFormat.Parse(q);
        Assert.Equal(ext, f.Extension);
        if (!f.IsAudio)
        {
            Assert.Equal(crop, f.Crop);
            Assert.Equal(x3, f.X3);
        }
    }

    [Fact]
    public void ForcedVolumeFlagsWin()
    {
        Assert.False(ThumbFormat.Parse("w", "fn").Crop);
        Assert.True(ThumbFormat.Parse("wf", "fy").Crop);
        Assert.False(ThumbFormat.Parse("wf", "y").Crop);
        Assert.True(ThumbFormat.Parse("w", "n", "fy").X3);
        Assert.False(ThumbFormat.Parse("w3", "y", "fn").X3);
    }

    [Fact]
    public void KeysDifferPerVariant()
    {
        var keys = Variants.Select(q => ThumbFormat.Parse(q).Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
