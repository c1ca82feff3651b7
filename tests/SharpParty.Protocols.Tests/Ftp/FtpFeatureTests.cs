using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Protocols.Ftp;
using SharpParty.Web.Hosting;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>TYPE A, HASH/XSHA512, uploads at odd offsets (the O_DIRECT path), --ftp-ipa, --ftp4, --ftpv, and the
/// removal of abandoned partial uploads; Python's ftplib, curl and lftp as the clients.</summary>
public class FtpFeatureTests
{
    private static readonly string[] Args = ["-a", "ed:hunter2", "-v", "srv::r:rwmd,ed"];

    private static void Prepare(string root) => Directory.CreateDirectory(Path.Combine(root, "srv"));

    private static string P(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a Python ftplib script; "ftp" is a logged-in FTP object (user ed) and "port" the port.</summary>
    private static async Task<string> FtplibAsync(int port, string body, string user = "ed", string pass = "hunter2")
    {
        var script = "import ftplib, sys\nftp = ftplib.FTP()\nftp.connect('127.0.0.1', " + P(port) + ", timeout=20)\n"
            + $"ftp.login('{user}', '{pass}')\n" + body + "\nftp.quit()\n";
        var (code, o, e) = await FtpTestKit.RunAsync("python3", ["-c", script]);
        Assert.True(code == 0, o + e);
        return o;
    }

    [Fact]
    public async Task Type_a_turns_lf_into_crlf_on_the_wire_and_back()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var text = "one\ntwo\r\nthree\rfour\n\nlast";
        await File.WriteAllTextAsync(s.PathOf("srv/t.txt"), text);
        // raw bytes of an A download, and an A upload of CRLF text (a CR at the very end of a piece stays data)
        var o = await FtplibAsync(port, """
            ftp.voidcmd('TYPE A')
            c = ftp.transfercmd('RETR t.txt')
            got = b''
            while True:
                b = c.recv(65536)
                if not b: break
                got += b
            c.close(); ftp.voidresp()
            sys.stdout.write(got.hex() + '\n')
            c = ftp.transfercmd('STOR up.txt')
            c.sendall(b'a\r\nb\r\r\nc\rd\r\n\r'); c.close(); ftp.voidresp()
            ftp.voidcmd('TYPE I')
            c = ftp.transfercmd('RETR t.txt')
            got = b''
            while True:
                b = c.recv(65536)
                if not b: break
                got += b
            c.close(); ftp.voidresp()
            sys.stdout.write(got.hex() + '\n')
            """);
        var lines = o.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("one\r\ntwo\r\r\nthree\rfour\r\n\r\nlast", Encoding.ASCII.GetString(Convert.FromHexString(lines[0])));
        Assert.Equal("a\nb\r\nc\rd\n\r", await File.ReadAllTextAsync(s.PathOf("srv/up.txt")));
        // TYPE I again: bytes as they are
        Assert.Equal(text, Encoding.ASCII.GetString(Convert.FromHexString(lines[1])));
        // lftp's ascii mode round-trips a text file of LF lines (it sends CRLF, we store LF)
        var src = Path.Combine(s.Root, "lf.txt");
        var big = string.Concat(Enumerable.Range(0, 50_000).Select(i => "line " + P(i) + "\n"));
        await File.WriteAllTextAsync(src, big);
        var (code, _, err) = await FtpTestKit.LftpAsync(port, "ed", "hunter2", $"put -a {src} -o lf.txt");
        Assert.True(code == 0, err);
        Assert.Equal(big, await File.ReadAllTextAsync(s.PathOf("srv/lf.txt")));
    }

    [Fact]
    public async Task Hash_and_xsha512_with_opts_hash_and_a_size_cap()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var data = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(s.PathOf("srv/h.bin"), data);
        await using (var f = File.Create(s.PathOf("srv/huge.bin")))
        {
            f.SetLength(FtpFileCommands.HashCap + 1); // sparse
        }
        var o = await FtplibAsync(port, """
            print(ftp.sendcmd('FEAT'))
            print(ftp.sendcmd('HASH h.bin'))
            print(ftp.sendcmd('XSHA512 h.bin'))
            print(ftp.sendcmd('OPTS HASH SHA-256'))
            print(ftp.sendcmd('OPTS HASH'))
            print(ftp.sendcmd('HASH h.bin'))
            for c in ['OPTS HASH CRC99', 'HASH huge.bin', 'HASH nope.bin']:
                try:
                    ftp.sendcmd(c)
                except ftplib.error_perm as e:
                    print(e)
            """);
        var sha512 = Convert.ToHexStringLower(SHA512.HashData(data));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
        Assert.Contains(" HASH SHA-1;SHA-256;SHA-512*;MD5", o, StringComparison.Ordinal);
        Assert.Contains($"213 SHA-512 0-300000 {sha512} h.bin", o, StringComparison.Ordinal);
        Assert.Contains($"213 {sha512}\n", o, StringComparison.Ordinal);
        Assert.Contains("200 SHA-256\n200 SHA-256\n", o, StringComparison.Ordinal);
        Assert.Contains($"213 SHA-256 0-300000 {sha256} h.bin", o, StringComparison.Ordinal);
        Assert.Contains("501 Unknown algorithm", o, StringComparison.Ordinal);
        Assert.Contains("550 The file is larger than 512 MiB", o, StringComparison.Ordinal);
        Assert.Contains("550 No such file", o, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_at_odd_offsets_plain_and_tls_land_byte_exact()
    {
        var (s, port, tlsPort) = await FtpTestKit.StartAsync(Args, Prepare);
        await using var server = s;
        var a = RandomNumberGenerator.GetBytes(3_456_789);
        var b = RandomNumberGenerator.GetBytes(a.Length + 2_000_001);
        var fa = Path.Combine(s.Root, "a.bin");
        var fb = Path.Combine(s.Root, "b.bin");
        await File.WriteAllBytesAsync(fa, a);
        await File.WriteAllBytesAsync(fb, b);
        var (code, _, err) = await FtpTestKit.CurlAsync("-T", fa, $"ftp://ed:hunter2@127.0.0.1:{port}/x.bin");
        Assert.True(code == 0, err);
        Assert.Equal(a, await File.ReadAllBytesAsync(s.PathOf("srv/x.bin")));
        // REST at an offset that is not a multiple of 4 KiB, into the finished file (ed may change it: d)
        const int Rest = 1_234_567;
        await FtplibAsync(port, $"""
            f = open('{fb}', 'rb'); f.seek({Rest})
            ftp.storbinary('STOR x.bin', f, rest={Rest})
            """);
        var after = await File.ReadAllBytesAsync(s.PathOf("srv/x.bin"));
        Assert.Equal([.. a[..Rest], .. b[Rest..]], after);
        // APPE of an odd-sized file, and the same bytes over FTPS
        await FtplibAsync(port, $"ftp.storbinary('APPE x.bin', open('{fa}', 'rb'))");
        after = await File.ReadAllBytesAsync(s.PathOf("srv/x.bin"));
        Assert.Equal([.. a[..Rest], .. b[Rest..], .. a], after);
        (code, _, err) = await FtpTestKit.CurlAsync("--ssl-reqd", "-k", "-T", fb, $"ftp://ed:hunter2@127.0.0.1:{tlsPort}/tls.bin");
        Assert.True(code == 0, err);
        Assert.Equal(b, await File.ReadAllBytesAsync(s.PathOf("srv/tls.bin")));
        Assert.DoesNotContain(Directory.GetFiles(s.PathOf("srv")), f => f.EndsWith(".PARTIAL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ftp_ipa_turns_away_clients_outside_the_prefixes()
    {
        var (s, port, _) = await FtpTestKit.StartAsync([.. Args, "--ftp-ipa", "10.89.0.0/16, 192.168.33."], Prepare);
        await using (s)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            using var r = new StreamReader(tcp.GetStream());
            Assert.StartsWith("421 ", await r.ReadLineAsync(), StringComparison.Ordinal);
            Assert.Null(await r.ReadLineAsync()); // and the connection is closed
        }
        // "lan" holds the loopback range
        (s, port, _) = await FtpTestKit.StartAsync([.. Args, "--ftp-ipa", "lan"], Prepare);
        await using (s)
        {
            await using var c = await RawFtp.ConnectAsync(port);
            await c.LoginAsync("ed", "hunter2");
        }
        Assert.False(OptionsBuilder.TryBuild(["--ftp", "0", "--ftp-ipa", "10.0.0.0/99"], Path.GetTempPath(), out _, out var error));
        Assert.Contains("--ftp-ipa", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ftp4_leaves_ipv6_addresses_out()
    {
        // with --ftp4 only the IPv4 address gets FTP endpoints (HTTP keeps both)
        var (s, port, _) = await FtpTestKit.StartAsync(["-i", "::1,127.0.0.1", "--ftp4", .. Args], Prepare);
        await using var server = s;
        var eps = s.Services.GetRequiredService<FtpListeners>().EndPoints;
        Assert.Equal(2, eps.Count); // --ftp and --ftps
        Assert.All(eps, e => Assert.Equal(AddressFamily.InterNetwork, e.AddressFamily));
        await using var c = await RawFtp.ConnectAsync(port);
        await c.LoginAsync("ed", "hunter2");
    }

    [Fact]
    public async Task Ftpv_logs_commands_and_replies_with_the_password_masked()
    {
        var root = Path.Combine(Path.GetTempPath(), "sp-ftpv-" + Guid.NewGuid().ToString("N")[..12]);
        Prepare(root);
        var logs = new CaptureProvider();
        Assert.True(OptionsBuilder.TryBuild(["-i", "127.0.0.1", "-p", "0", "--ses-db", Path.Combine(root, "s.db"), "--ftp", "0", "--ftpv", .. Args], root, out var o, out var error), error);
        var running = await SharpPartyServer.StartAsync(o!, root, logs, modules: ProtocolModules.All);
        try
        {
            var port = running.Services.GetRequiredService<FtpListeners>().Port(false);
            await using (var c = await RawFtp.ConnectAsync(port))
            {
                await c.LoginAsync("ed", "hunter2");
                await c.CmdAsync("NOOP");
            }
            var text = string.Join('\n', logs.Lines);
            Assert.Contains("> PASS ****", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.Contains("> NOOP", text, StringComparison.Ordinal);
            Assert.Contains("< 200 NOOP ok.", text, StringComparison.Ordinal);
        }
        finally
        {
            await running.DisposeAsync();
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public async Task Abandoned_partial_uploads_are_removed_after_a_day_at_startup()
    {
        var root = Path.Combine(Path.GetTempPath(), "sp-partials-" + Guid.NewGuid().ToString("N")[..12]);
        var s = await TestServer.StartAsync(["--ftp", "0", .. Args], Prepare, root);
        var port = s.Services.GetRequiredService<FtpListeners>().Port(false);
        await using (s)
        {
            foreach (var name in new[] { "old.bin", "new.bin" })
            {
                await using var c = await RawFtp.ConnectAsync(port);
                await c.LoginAsync("ed", "hunter2");
                var pasv = await c.CmdAsync("EPSV");
                using var d = new TcpClient();
                await d.ConnectAsync("127.0.0.1", int.Parse(pasv.Split('|')[3], CultureInfo.InvariantCulture));
                Assert.StartsWith("150", await c.CmdAsync("STOR " + name), StringComparison.Ordinal);
                await d.GetStream().WriteAsync(new byte[100_000]);
                await Task.Delay(200);
                var abor = await c.CmdAsync("ABOR");
                Assert.StartsWith("226", abor.StartsWith("426", StringComparison.Ordinal) ? await c.ReadAsync() : abor, StringComparison.Ordinal);
                Assert.StartsWith("213 ", await c.CmdAsync("SIZE " + name), StringComparison.Ordinal);
            }
        }
        var old = FtpStorage.PartialPath("ed", Path.Combine(root, "srv", "old.bin"));
        var fresh = FtpStorage.PartialPath("ed", Path.Combine(root, "srv", "new.bin"));
        Assert.True(File.Exists(old) && File.Exists(fresh));
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - FtpPartials.MaxIdle - TimeSpan.FromMinutes(1));
        // a restart over the same files: the stale partial goes, the one from a minute ago stays for REST + STOR
        var again = await TestServer.StartAsync(["--ftp", "0", .. Args], root: root);
        await using (again)
        {
            Assert.False(File.Exists(old));
            Assert.True(File.Exists(fresh));
        }
        Directory.Delete(root, true);
    }

    private sealed class CaptureProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capture(Lines);

        public void Dispose()
        {
        }

        private sealed class Capture(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
