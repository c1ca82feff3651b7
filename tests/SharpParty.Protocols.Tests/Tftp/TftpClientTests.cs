namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>Get and put with the clients people use: tftp-hpa (RFC 1350, 512-byte blocks) and curl (blksize, tsize).</summary>
public sealed class TftpClientTests : IAsyncLifetime
{
    private TftpTarget _t = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _t = await TftpTarget.StartAsync(["-v", "srv::rwd"], root =>
        {
            var srv = Path.Combine(root, "srv");
            Directory.CreateDirectory(Path.Combine(srv, "sub"));
            File.WriteAllBytes(Path.Combine(srv, "random.bin"), Random(300_001, 1));
            File.WriteAllBytes(Path.Combine(srv, "x512.bin"), Random(512 * 40, 2));
            File.WriteAllBytes(Path.Combine(srv, "x1428.bin"), Random(1428 * 7, 3));
            File.WriteAllBytes(Path.Combine(srv, "x8192.bin"), Random(8192 * 3, 4));
            File.WriteAllBytes(Path.Combine(srv, "empty.bin"), []);
            File.WriteAllText(Path.Combine(srv, "sub", "lines.txt"), "one\ntwo\r\nthree\rfour\n");
        });
        _work = Path.Combine(_t.Root, "client");
        Directory.CreateDirectory(_work);
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    internal static byte[] Random(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private string Local(string name) => Path.Combine(_work, name);

    [Theory]
    [InlineData("random.bin")]
    [InlineData("x512.bin")]
    [InlineData("empty.bin")]
    public async Task Tftp_hpa_gets_a_file_byte_for_byte(string name)
    {
        var (_, output) = await _t.TftpHpaAsync("octet", "get", name, Local("hpa-" + name));
        Assert.True(File.Exists(Local("hpa-" + name)), output);
        Assert.Equal(await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)), await File.ReadAllBytesAsync(Local("hpa-" + name)));
    }

    [Theory]
    [InlineData("random.bin", 512)]
    [InlineData("random.bin", 1428)]
    [InlineData("random.bin", 8192)]
    [InlineData("x512.bin", 512)]
    [InlineData("x1428.bin", 1428)]
    [InlineData("x8192.bin", 8192)]
    [InlineData("empty.bin", 1428)]
    public async Task Curl_gets_with_each_block_size_including_exact_multiples(string name, int blksize)
    {
        var local = Local($"curl-{blksize}-{name}");
        var (code, output) = await TftpTarget.CurlAsync("--tftp-blksize", blksize.ToString(System.Globalization.CultureInfo.InvariantCulture), _t.Url(name), "-o", local);
        Assert.True(code == 0, output);
        Assert.Equal(await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)), await File.ReadAllBytesAsync(local));
    }

    [Theory]
    [InlineData(512, 300_001)]
    [InlineData(1428, 1428 * 9)]
    [InlineData(8192, 8192 * 4)]
    [InlineData(8192, 0)]
    public async Task Curl_puts_with_each_block_size_and_the_file_appears_complete(int blksize, int size)
    {
        var name = $"curlput-{blksize}-{size}.bin";
        var data = Random(size, size + 7);
        await File.WriteAllBytesAsync(Local(name), data);
        var (code, output) = await TftpTarget.CurlAsync("--tftp-blksize", blksize.ToString(System.Globalization.CultureInfo.InvariantCulture), "-T", Local(name), _t.Url(name));
        Assert.True(code == 0, output);
        Assert.Equal(data, await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)));
        Assert.Empty(Directory.GetFiles(_t.PathOf("srv"), "*.PARTIAL", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(512 * 20)]
    [InlineData(0)]
    public async Task Tftp_hpa_puts_a_file(int size)
    {
        var name = $"hpaput-{size}.bin";
        var data = Random(size, size + 11);
        await File.WriteAllBytesAsync(Local(name), data);
        var (_, output) = await _t.TftpHpaAsync("octet", "put", Local(name), name);
        Assert.True(File.Exists(_t.PathOf("srv/" + name)), output);
        Assert.Equal(data, await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)));
    }

    [Fact]
    public async Task Netascii_turns_line_ends_into_cr_lf_on_the_wire_and_back()
    {
        // tftp-hpa decodes netascii into local line ends (LF): what arrives is the file as it is on the server
        await _t.TftpHpaAsync("netascii", "get", "sub/lines.txt", Local("lines.txt"));
        Assert.Equal("one\ntwo\r\nthree\rfour\n", await File.ReadAllTextAsync(Local("lines.txt")));
        // and on the wire: raw bytes through our own client
        using var c = _t.Client();
        var r = c.Get("sub/lines.txt", "netascii");
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal("one\r\ntwo\r\0\r\nthree\r\0four\r\n", System.Text.Encoding.ASCII.GetString(r.Data));
        // an upload in netascii is stored with the line ends decoded
        await File.WriteAllTextAsync(Local("up.txt"), "a\nb\rc\r\n");
        await _t.TftpHpaAsync("netascii", "put", Local("up.txt"), "sub/up.txt");
        Assert.Equal("a\nb\rc\r\n", await File.ReadAllTextAsync(_t.PathOf("srv/sub/up.txt")));
    }

    [Fact]
    public async Task Curl_asks_for_tsize_and_gets_the_size()
    {
        // curl sends tsize=0 with every read; the OACK's value must be the file's size (RFC 2349), checked raw too
        var (code, _) = await TftpTarget.CurlAsync(_t.Url("x1428.bin"), "-o", Local("ts.bin"));
        Assert.Equal(0, code);
        using var c = _t.Client();
        var r = c.Get("x1428.bin", "octet", ("tsize", "0"), ("blksize", "1428"));
        Assert.Equal((1428 * 7).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Oack["tsize"]);
        Assert.Equal("1428", r.Oack["blksize"]);
    }

    [Fact]
    public async Task A_folder_listing_comes_from_requesting_dot_ls()
    {
        var (code, output) = await TftpTarget.CurlAsync(_t.Url(".ls"));
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# permissions: read, overwrite", lines[0]);
        Assert.Contains(lines, l => l.EndsWith("  sub/", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  300,001  random\.bin$"));
        // a folder's own name, and copyparty's other names for it
        var sub = await TftpTarget.CurlAsync(_t.Url("sub/dir.txt"));
        Assert.Contains("lines.txt", sub.Output, StringComparison.Ordinal);
        var sub2 = await TftpTarget.CurlAsync(_t.Url("sub"));
        Assert.Contains("lines.txt", sub2.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_file_is_error_1_and_the_client_says_so()
    {
        var (_, output) = await _t.TftpHpaAsync("octet", "get", "nope.bin", Local("nope.bin"));
        Assert.Contains("Error code 1", output, StringComparison.Ordinal);
        var (code, _) = await TftpTarget.CurlAsync(_t.Url("nope.bin"), "-o", Local("nope2.bin"));
        Assert.NotEqual(0, code);
    }
}
