using System.Text;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>The control connection at the byte level: bad lines get a 5xx and the session keeps working (house rule 10).</summary>
public class FtpRawTests
{
    private static readonly string[] Args = ["-a", "ed:hunter2", "-v", "srv::r:rwmd,ed"];

    private static Task<(Web.Tests.Infra.TestServer, int, int)> Start() =>
        FtpTestKit.StartAsync(Args, r =>
        {
            Directory.CreateDirectory(Path.Combine(r, "srv"));
            File.WriteAllText(Path.Combine(r, "srv", "a.txt"), "abc");
        });

    [Fact]
    public async Task Malformed_lines_get_5xx_and_the_session_survives()
    {
        var (s, port, _) = await Start();
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        Assert.StartsWith("530", await c.CmdAsync("LIST"), StringComparison.Ordinal); // not logged in
        Assert.StartsWith("200", await c.CmdAsync("NOOP"), StringComparison.Ordinal);
        byte[][] bad =
        [
            Encoding.ASCII.GetBytes("\r\n"),
            Encoding.ASCII.GetBytes("FOOBAR x\r\n"),
            Encoding.ASCII.GetBytes("NOOPNOOPNOOP\r\n"),
            [0x55, 0x53, 0x45, 0x52, 0x20, 0xC3, 0x28, 0x0D, 0x0A], // USER + invalid UTF-8
            Encoding.ASCII.GetBytes("USER a\u0001b\r\n"),
            Encoding.ASCII.GetBytes(new string('A', 10_000) + "\r\n"),
        ];
        foreach (var b in bad)
        {
            await c.SendRawAsync(b);
            var reply = await c.ReadAsync();
            Assert.Matches("^5[0-9][0-9] ", reply);
            Assert.StartsWith("200", await c.CmdAsync("NOOP"), StringComparison.Ordinal);
        }
        // an over-long line arriving in pieces, without a newline for a while
        await c.SendRawAsync(Encoding.ASCII.GetBytes(new string('B', 6000)));
        await Task.Delay(50);
        await c.SendRawAsync(Encoding.ASCII.GetBytes(new string('B', 6000) + "\r\n"));
        Assert.StartsWith("500", await c.ReadAsync(), StringComparison.Ordinal);
        Assert.StartsWith("200", await c.CmdAsync("noop"), StringComparison.Ordinal); // verbs are case-insensitive
        await c.LoginAsync("anonymous", "x");
        Assert.StartsWith("501", await c.CmdAsync("REST abc"), StringComparison.Ordinal);
        Assert.StartsWith("501", await c.CmdAsync("PORT 1,2,3"), StringComparison.Ordinal);
        Assert.StartsWith("501", await c.CmdAsync("EPRT |9|x|1|"), StringComparison.Ordinal);
        Assert.StartsWith("504", await c.CmdAsync("TYPE X"), StringComparison.Ordinal);
        Assert.StartsWith("425", await c.CmdAsync("RETR a.txt"), StringComparison.Ordinal); // no data connection set up
        Assert.StartsWith("503", await c.CmdAsync("RNTO b"), StringComparison.Ordinal);
        var (reply150, data, final) = await c.DataCmdAsync("RETR a.txt");
        Assert.StartsWith("150", reply150, StringComparison.Ordinal);
        Assert.Equal("abc", Encoding.UTF8.GetString(data));
        Assert.StartsWith("226", final, StringComparison.Ordinal);
        Assert.StartsWith("221", await c.CmdAsync("QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_mode_only_back_to_the_client_and_never_to_low_ports()
    {
        var (s, port, _) = await Start();
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync("anonymous", "x");
        // FXP / bounce (RFC 2577): another host, or a privileged port of ours, is refused
        Assert.StartsWith("501", await c.CmdAsync("PORT 10,1,2,3,200,10"), StringComparison.Ordinal);
        Assert.StartsWith("501", await c.CmdAsync("EPRT |1|192.168.1.1|5000|"), StringComparison.Ordinal);
        Assert.StartsWith("501", await c.CmdAsync("PORT 127,0,0,1,0,25"), StringComparison.Ordinal);
        Assert.StartsWith("200", await c.CmdAsync("PORT 127,0,0,1,200,10"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feat_syst_pwd_mlst_size_mdtm_and_sha512()
    {
        var (s, port, _) = await Start();
        await using var server = s;
        await using var c = await RawFtp.ConnectAsync(port);
        var feat = await c.CmdAsync("FEAT");
        Assert.Contains(" MLST type*;size*;modify*;perm*;", feat, StringComparison.Ordinal);
        Assert.Contains(" REST STREAM", feat, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH TLS", feat, StringComparison.Ordinal); // plain port: no TLS offered (as copyparty)
        Assert.StartsWith("215 UNIX", await c.CmdAsync("SYST"), StringComparison.Ordinal);
        Assert.StartsWith("200", await c.CmdAsync("OPTS UTF8 ON"), StringComparison.Ordinal);
        await c.LoginAsync("ed", "hunter2");
        Assert.StartsWith("257 \"/\"", await c.CmdAsync("PWD"), StringComparison.Ordinal);
        Assert.StartsWith("257", await c.CmdAsync("MKD sub/deeper"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CmdAsync("CWD sub/deeper"), StringComparison.Ordinal);
        Assert.StartsWith("257 \"/sub/deeper\"", await c.CmdAsync("XPWD"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CmdAsync("CDUP"), StringComparison.Ordinal);
        Assert.StartsWith("257 \"/sub\"", await c.CmdAsync("PWD"), StringComparison.Ordinal);
        Assert.Equal("213 3", await c.CmdAsync("SIZE /a.txt"));
        Assert.StartsWith("213 Modify=20200102030405", await c.CmdAsync("MFMT 20200102030405 ../a.txt"), StringComparison.Ordinal);
        Assert.Equal("213 20200102030405", await c.CmdAsync("MDTM /a.txt"));
        var mlst = await c.CmdAsync("MLST /a.txt");
        Assert.Contains("type=file;size=3;modify=20200102030405;perm=adfrw; /a.txt", mlst, StringComparison.Ordinal);
        var (_, mlsd, _) = await c.DataCmdAsync("MLSD /");
        var text = Encoding.UTF8.GetString(mlsd);
        Assert.Contains("type=cdir;", text, StringComparison.Ordinal);
        Assert.Contains("type=dir;modify=", text, StringComparison.Ordinal);
        Assert.Contains("; sub\r\n", text, StringComparison.Ordinal);
        Assert.Equal("213 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData("abc"u8)), await c.CmdAsync("XSHA512 /a.txt"));
        Assert.StartsWith("350", await c.CmdAsync("RNFR /a.txt"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CmdAsync("RNTO deeper/b.txt"), StringComparison.Ordinal);
        Assert.True(File.Exists(s.PathOf("srv/sub/deeper/b.txt")));
        Assert.StartsWith("550", await c.CmdAsync("RMD deeper"), StringComparison.Ordinal); // not empty
        Assert.StartsWith("250", await c.CmdAsync("DELE deeper/b.txt"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CmdAsync("RMD deeper"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(s.PathOf("srv/sub/deeper")));
    }

    [Fact]
    public async Task Bad_passwords_are_refused_and_lead_to_a_ban_shared_with_http()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(["-a", "ed:hunter2", "-v", "srv::rw,ed", "--ban-pw", "2,60,60"], r => Directory.CreateDirectory(Path.Combine(r, "srv")));
        await using var server = s;
        await using (var c = await RawFtp.ConnectAsync(port))
        {
            // anonymous has no access at all on this server: its login fails too
            await c.CmdAsync("USER anonymous");
            Assert.StartsWith("530", await c.CmdAsync("PASS x"), StringComparison.Ordinal);
            await c.CmdAsync("USER ed");
            Assert.StartsWith("530", await c.CmdAsync("PASS wrong"), StringComparison.Ordinal);
            await c.CmdAsync("USER ed");
            Assert.StartsWith("421", await c.CmdAsync("PASS wrong2"), StringComparison.Ordinal);
        }
        await using (var c2 = new RawFtpProbe())
        {
            Assert.StartsWith("421", await c2.GreetingAsync(port), StringComparison.Ordinal);
        }
        using var res = await s.Client.GetAsync("/?pw=hunter2");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, res.StatusCode);
    }

    /// <summary>Reads just the greeting (a banned client gets 421 and a closed connection).</summary>
    private sealed class RawFtpProbe : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpClient _tcp = new();

        public async Task<string> GreetingAsync(int port)
        {
            await _tcp.ConnectAsync("127.0.0.1", port);
            using var r = new StreamReader(_tcp.GetStream());
            return await r.ReadLineAsync() ?? "";
        }

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
