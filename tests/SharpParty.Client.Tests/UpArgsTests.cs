using SharpParty.Client.Up2k;

namespace SharpParty.Client.Tests;

public class UpArgsTests
{
    [Fact]
    public void Defaults_are_u2cs()
    {
        var o = UpArgs.Parse(["http://127.0.0.1:3923/inc", "f"], out var err, out _)!;
        Assert.Null(err);
        Assert.Equal(2, o.Connections);
        Assert.Equal(64L << 20, o.StitchBytes);
        Assert.Equal(96L << 20, o.MaxPostBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), o.RetryDelay);
        Assert.Equal(Environment.ProcessorCount, o.HashThreads);
        Assert.Equal("http://127.0.0.1:3923/inc/", o.Url);
        Assert.Equal("http://127.0.0.1:3923", o.BaseUrl);
        Assert.Equal("/inc/", o.FolderPath);
        Assert.Equal(["f"], o.Paths);
    }

    [Theory]
    [InlineData("127.0.0.1:3923", "http://127.0.0.1:3923", "/")]
    [InlineData("http://h:1/a%20b/c/", "http://h:1", "/a%20b/c/")]
    [InlineData("https://example.com/x", "https://example.com", "/x/")]
    public void Url_gets_a_scheme_and_a_trailing_slash(string url, string baseUrl, string folder)
    {
        var o = UpArgs.Parse([url, "f"], out _, out _)!;
        Assert.Equal(baseUrl, o.BaseUrl);
        Assert.Equal(folder, o.FolderPath);
    }

    [Fact]
    public void Options_in_argparse_forms_anywhere()
    {
        var o = UpArgs.Parse(["-j4", "URL", "--sz=8", "a", "--szm", "1", "-a", "pw", "-x", "x1", "b", "-x", ".*y", "--cd", "0.5", "-J", "3"], out var err, out _)!;
        Assert.Null(err);
        Assert.Equal(4, o.Connections);
        Assert.Equal(8L << 20, o.StitchBytes);
        Assert.Equal(1L << 20, o.MaxPostBytes);
        Assert.Equal("pw", o.Password);
        Assert.Equal(["x1", ".*y"], o.Excludes);
        Assert.Equal(TimeSpan.FromSeconds(0.5), o.RetryDelay);
        Assert.Equal(3, o.HashThreads);
        Assert.Equal(["a", "b"], o.Paths);
    }

    [Fact]
    public void Switches()
    {
        var o = UpArgs.Parse(["-s", "-z", "--touch", "-q", "-nh", "-ns", "--spd", "--dl", "u", "f"], out _, out _)!;
        Assert.True(o.Search && o.SkipSame && o.Touch && o.Quiet && o.NoHashWhileUploading && o.NoStatus && o.ShowSpeed && o.DeleteLocal);
        Assert.False(o.Overwrite);
        Assert.False(o.DeleteRemote);
    }

    [Fact]
    public void Delete_remote_implies_overwrite()
    {
        var o = UpArgs.Parse(["--dr", "u", "f"], out _, out _)!;
        Assert.True(o.DeleteRemote);
        Assert.True(o.Overwrite);
    }

    [Fact]
    public void Dash_url_lists_warks()
    {
        var o = UpArgs.Parse(["-", "f", "--wsalt", "pepper", "--jw"], out _, out _)!;
        Assert.True(o.ListWarks);
        Assert.Equal("pepper", o.WarkSalt);
        Assert.True(o.JustWarks);
    }

    [Theory]
    [InlineData("unrecognized argument: --nope", "--nope", "u", "f")]
    [InlineData("the following arguments are required: url, files", "u")]
    [InlineData("argument -j: expected one argument", "u", "f", "-j")]
    [InlineData("argument -j: invalid int value: 'x'", "-j", "x", "u", "f")]
    [InlineData("argument -j: must be between 1 and 64", "-j", "0", "u", "f")]
    [InlineData("not an http(s) URL: ftp://h/", "ftp://h/", "f")]
    public void Bad_command_lines_say_why(string expected, params string[] args)
    {
        Assert.Null(UpArgs.Parse(args, out var err, out _));
        Assert.Equal(expected, err);
    }

    [Fact]
    public void Help_is_information_not_an_error()
    {
        Assert.Null(UpArgs.Parse(["-h"], out var err, out var info));
        Assert.Null(err);
        Assert.Contains("usage: sharpparty up", info);
    }
}
