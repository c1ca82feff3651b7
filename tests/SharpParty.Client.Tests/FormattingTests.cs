using SharpParty.Client.Up2k;

namespace SharpParty.Client.Tests;

public class FormattingTests
{
    [Fact]
    public void Progress_line()
    {
        var s = new ProgressSnapshot(12, 2000, 35L << 20, 1L << 30, 0, 1L << 30, TimeSpan.FromSeconds(3));
        Assert.Equal("12/2000 files, 35.0/1024.0 MiB, 100.0 MiB/s, ETA 0:10", ProgressLine.Format(s, 100 << 20));
    }

    [Fact]
    public void Progress_line_without_a_speed_has_no_eta()
    {
        var s = new ProgressSnapshot(0, 1, 0, 1000, 0, 250, TimeSpan.Zero);
        Assert.EndsWith("0.0 MiB/s, ETA -:--, hashed 25%", ProgressLine.Format(s, 0));
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(0.2, "0:01")]
    [InlineData(61, "1:01")]
    [InlineData(3600, "1:00:00")]
    [InlineData(3723, "1:02:03")]
    [InlineData(1e12, "99:00:00")]
    public void Eta(double seconds, string expected) => Assert.Equal(expected, ProgressLine.Eta(seconds));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(8192, "8.0 KiB")]
    [InlineData(1073741824, "1.0 GiB")]
    public void Sizes(double bytes, string expected) => Assert.Equal(expected, ProgressLine.Size(bytes));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a b/ü", "a%20b/%C3%BC")]
    [InlineData("x?y#z%&+", "x%3Fy%23z%25%26%2B")]
    [InlineData("keep_.-~/", "keep_.-~/")]
    public void Paths_are_quoted_as_u2c(string path, string expected) => Assert.Equal(expected, UrlPath.Quote(path));

    [Fact]
    public void Folder_urls()
    {
        Assert.Equal("/inc/", UrlPath.Folder("/inc/", ""));
        Assert.Equal("/inc/d%20d/e/", UrlPath.Folder("/inc/", "d d/e"));
    }

    [Fact]
    public void Error_text_drops_the_pre_and_url()
    {
        var r = new HttpReply(422, "<pre>partial upload exists at a different location; please resume uploading here instead:\n/x/a.bin \r\nURL: x\r\n");
        Assert.Equal("http 422: partial upload exists at a different location; please resume uploading here instead:\n/x/a.bin", Up2kHttp.ErrorText(r));
        Assert.Equal("no reply: Connection refused", Up2kHttp.ErrorText(new HttpReply(0, "Connection refused")));
    }

    [Fact]
    public void Listing_names_are_unquoted_without_filekeys()
    {
        const string json = """
            {"dirs":[{"href":"sub%20d/","sz":5,"ts":1}],"files":[{"href":"a%20b.txt?k=abc","sz":3,"ts":1700000000},{"href":"%C3%BC","sz":0,"ts":2}]}
            """;
        var ls = RemoteListing.Parse(json);
        Assert.Equal(new RemoteItem("a b.txt", false, 3, 1700000000), ls["a b.txt"]);
        Assert.True(ls["sub d"].IsDir);
        Assert.True(ls.ContainsKey("ü"));
    }
}
