using System.Text;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>The traversal corpus and the permission matrix over FTP: the same Vfs resolver and rules as HTTP.</summary>
public class FtpSecurityTests
{
    private static void Prepare(string root)
    {
        foreach (var v in new[] { "srv", "ro", "wo", "rw", "adm" })
        {
            Directory.CreateDirectory(Path.Combine(root, v));
            File.WriteAllText(Path.Combine(root, v, "f.txt"), v);
        }
        File.WriteAllText(Path.Combine(root, "secret.txt"), "outside every volume");
        File.WriteAllText(Path.Combine(root, "srv", ".env"), "dotfile");
        Directory.CreateSymbolicLink(Path.Combine(root, "srv", "out"), "/etc");
        File.CreateSymbolicLink(Path.Combine(root, "srv", "sec"), Path.Combine(root, "secret.txt"));
    }

    private static readonly string[] Args =
    [
        "-a", "ed:hunter2", "-a", "k:k",
        "-v", "srv::r",
        "-v", "ro:ro:r",
        "-v", "wo:wo:w",
        "-v", "rw:rw:rw",
        "-v", "adm:adm:A,ed",
    ];

    public static TheoryData<string> Traversals => new()
    {
        "../secret.txt",
        "../../../../etc/passwd",
        "/../../etc/passwd",
        "..\\secret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        "\uff0e\uff0e/secret.txt",
        "out/passwd",
        "out/hostname",
        "sec",
        ".env",
        ".hist/up2k.db",
        "/secret.txt",
        "ro/../../secret.txt",
        "adm/f.txt",
    };

    [Theory]
    [MemberData(nameof(Traversals))]
    public async Task Traversal_corpus_reads_nothing_outside(string path)
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync("anonymous", "x");
        var (reply, data, _) = await c.DataCmdAsync("RETR " + path);
        Assert.Matches("^55[03] ", reply);
        Assert.Empty(data);
        Assert.Matches("^55[03] ", await c.CmdAsync("SIZE " + path));
        Assert.Matches("^55[03] ", await c.CmdAsync("CWD " + path));
        Assert.StartsWith("257 \"/\"", await c.CmdAsync("PWD"), StringComparison.Ordinal);
        var (lr, listing, _) = await c.DataCmdAsync("LIST " + path);
        Assert.True(lr.StartsWith("55", StringComparison.Ordinal) || listing.Length == 0, lr);
        Assert.StartsWith("200", await c.CmdAsync("NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_hides_dotfiles_escaping_symlinks_and_volumes_without_access()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync("anonymous", "x");
        var (_, data, _) = await c.DataCmdAsync("NLST");
        var names = Encoding.UTF8.GetString(data).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        Assert.Equal(["f.txt", "ro", "rw", "wo"], names);
        // a write-only folder lists as empty
        (_, data, _) = await c.DataCmdAsync("LIST /wo");
        Assert.Empty(data);
        Assert.StartsWith("550", await c.CmdAsync("CWD /adm"), StringComparison.Ordinal);
    }

    /// <summary>What each user may do in each volume: r = RETR/LIST, w = STOR, d = DELE, m = RNFR; "-" = refused.</summary>
    [Theory]
    [InlineData("anonymous", "ro", "r---")]
    [InlineData("anonymous", "wo", "-w--")]
    [InlineData("anonymous", "rw", "rw--")]
    [InlineData("anonymous", "adm", "----")]
    [InlineData("k", "rw", "rw--")]
    [InlineData("ed", "adm", "rwdm")]
    [InlineData("ed", "ro", "r---")]
    public async Task Permission_matrix(string user, string vol, string expect)
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync(user, user == "ed" ? "hunter2" : user == "k" ? "k" : "x");
        var (r, data, _) = await c.DataCmdAsync($"RETR /{vol}/f.txt");
        Assert.Equal(expect[0] == 'r', r.StartsWith("150", StringComparison.Ordinal) && Encoding.UTF8.GetString(data) == vol);
        var (w, _, _) = await SendAsync(c, $"STOR /{vol}/new.txt", "new");
        Assert.Equal(expect[1] == 'w', w.StartsWith("226", StringComparison.Ordinal));
        Assert.Equal(expect[1] == 'w', File.Exists(s.PathOf($"{vol}/new.txt")));
        var d = await c.CmdAsync($"DELE /{vol}/f.txt");
        Assert.Equal(expect[2] == 'd', d.StartsWith("250", StringComparison.Ordinal));
        Assert.Equal(expect[2] != 'd', File.Exists(s.PathOf($"{vol}/f.txt")));
        var m = await c.CmdAsync($"RNFR /{vol}/new.txt");
        Assert.Equal(expect[3] == 'm', m.StartsWith("350", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overwrite_needs_delete_or_the_ftp_wt_grace_period()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync("anonymous", "x");
        Assert.StartsWith("226", (await SendAsync(c, "STOR /rw/x.txt", "one")).Reply, StringComparison.Ordinal);
        // within --ftp-wt (7 s) of its last change anyone who may write may replace it (a client resuming)
        Assert.StartsWith("226", (await SendAsync(c, "STOR /rw/x.txt", "two")).Reply, StringComparison.Ordinal);
        Assert.Equal("two", await File.ReadAllTextAsync(s.PathOf("rw/x.txt")));
        File.SetLastWriteTimeUtc(s.PathOf("rw/x.txt"), DateTime.UtcNow.AddMinutes(-5));
        Assert.StartsWith("229", await c.CmdAsync("EPSV"), StringComparison.Ordinal);
        Assert.StartsWith("550", await c.CmdAsync("STOR /rw/x.txt"), StringComparison.Ordinal);
        Assert.Equal("two", await File.ReadAllTextAsync(s.PathOf("rw/x.txt")));
    }

    /// <summary>EPSV + a command that sends <paramref name="text"/> on the data connection; returns the final reply.</summary>
    private static async Task<(string Reply, string First, string Final)> SendAsync(RawFtp c, string cmd, string text)
    {
        var pasv = await c.CmdAsync("EPSV");
        using var data = new System.Net.Sockets.TcpClient();
        await data.ConnectAsync("127.0.0.1", int.Parse(pasv.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture));
        var first = await c.CmdAsync(cmd);
        if (!first.StartsWith("150", StringComparison.Ordinal))
        {
            return (first, first, first);
        }
        await data.GetStream().WriteAsync(Encoding.UTF8.GetBytes(text));
        data.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var final = await c.ReadAsync();
        return (final, first, final);
    }
}
