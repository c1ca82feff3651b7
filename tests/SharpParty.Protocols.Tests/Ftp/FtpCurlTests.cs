using System.Security.Cryptography;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>curl as the client: ftp:// get, put, list, resume, active mode, and FTPS with --ssl-reqd.</summary>
public class FtpCurlTests
{
    private static readonly string[] Args = ["-a", "ed:hunter2", "-v", "srv::r:rwmd,ed", "-v", "w:w:w:rwmd,ed"];

    private static void Prepare(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
        Directory.CreateDirectory(Path.Combine(root, "w"));
        File.WriteAllText(Path.Combine(root, "srv", "hello.txt"), "hello ftp\n");
        File.WriteAllBytes(Path.Combine(root, "srv", "big.bin"), RandomNumberGenerator.GetBytes(3_000_000));
    }

    [Fact]
    public async Task Anonymous_get_list_and_resume()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var url = $"ftp://127.0.0.1:{port}/";
        var (code, body, err) = await FtpTestKit.CurlAsync(url + "hello.txt");
        Assert.True(code == 0, err);
        Assert.Equal("hello ftp\n", body);
        (code, body, err) = await FtpTestKit.CurlAsync(url);
        Assert.True(code == 0, err);
        Assert.Contains("hello.txt", body, StringComparison.Ordinal);
        Assert.Contains("big.bin", body, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^drwxr-xr-x .* sub\r?$", body);
        // the volume mounted at /w (write-only for anonymous) is listed in the root as a folder
        Assert.Matches(@"(?m)^drwxr-xr-x .* w\r?$", body);
        (code, body, _) = await FtpTestKit.CurlAsync("--list-only", url);
        Assert.Equal(0, code);
        Assert.Contains("hello.txt\n", body, StringComparison.Ordinal);
        // REST: curl -C asks for the rest of the file
        var dst = Path.Combine(s.Root, "part.bin");
        var whole = await File.ReadAllBytesAsync(s.PathOf("srv/big.bin"));
        await File.WriteAllBytesAsync(dst, whole[..1_000_000]);
        (code, _, err) = await FtpTestKit.CurlAsync("-C", "-", "-o", dst, url + "big.bin");
        Assert.True(code == 0, err);
        Assert.Equal(whole, await File.ReadAllBytesAsync(dst));
        // active mode to our own address
        (code, _, err) = await FtpTestKit.CurlAsync("-P", "127.0.0.1", "-o", dst, url + "big.bin");
        Assert.True(code == 0, err);
        Assert.Equal(whole, await File.ReadAllBytesAsync(dst));
    }

    [Fact]
    public async Task Put_needs_write_and_lands_under_its_name()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var src = Path.Combine(s.Root, "up.bin");
        await File.WriteAllBytesAsync(src, RandomNumberGenerator.GetBytes(2_500_000));
        var (code, _, _) = await FtpTestKit.CurlAsync("-T", src, $"ftp://127.0.0.1:{port}/up.bin");
        Assert.Equal(25, code); // anonymous has r only: 550
        Assert.False(File.Exists(s.PathOf("srv/up.bin")));
        (code, _, var err) = await FtpTestKit.CurlAsync("-T", src, $"ftp://anyname:hunter2@127.0.0.1:{port}/up.bin");
        Assert.True(code == 0, err);
        Assert.Equal(await File.ReadAllBytesAsync(src), await File.ReadAllBytesAsync(s.PathOf("srv/up.bin")));
        // no partial file is left behind
        Assert.DoesNotContain(Directory.GetFiles(s.PathOf("srv")), f => f.EndsWith(".PARTIAL", StringComparison.Ordinal));
        // the password as the user name works too (copyparty's rule)
        (code, _, err) = await FtpTestKit.CurlAsync("-T", src, $"ftp://hunter2:x@127.0.0.1:{port}/w/second.bin");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(s.PathOf("w/second.bin")));
    }

    [Fact]
    public async Task Ftps_with_ssl_reqd_lists_gets_and_puts()
    {
        var (s, _, tlsPort) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var url = $"ftp://ed:hunter2@127.0.0.1:{tlsPort}/";
        var (code, body, err) = await FtpTestKit.CurlAsync("--ssl-reqd", "-k", url);
        Assert.True(code == 0, err);
        Assert.Contains("big.bin", body, StringComparison.Ordinal);
        var dst = Path.Combine(s.Root, "got.bin");
        (code, _, err) = await FtpTestKit.CurlAsync("--ssl-reqd", "-k", "-o", dst, url + "big.bin");
        Assert.True(code == 0, err);
        Assert.Equal(await File.ReadAllBytesAsync(s.PathOf("srv/big.bin")), await File.ReadAllBytesAsync(dst));
        (code, _, err) = await FtpTestKit.CurlAsync("--ssl-reqd", "-k", "-T", dst, url + "sub/tls.bin");
        Assert.True(code == 0, err);
        Assert.Equal(await File.ReadAllBytesAsync(dst), await File.ReadAllBytesAsync(s.PathOf("srv/sub/tls.bin")));
        // without TLS the FTPS port refuses to log in
        (code, _, _) = await FtpTestKit.CurlAsync(url + "hello.txt");
        Assert.NotEqual(0, code);
    }
}
