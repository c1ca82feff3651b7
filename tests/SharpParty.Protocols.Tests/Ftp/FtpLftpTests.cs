using System.Net.Sockets;
using System.Security.Cryptography;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>lftp as the client: ls, mirror both ways, get -c, and put -c resuming an upload the server kept.</summary>
public class FtpLftpTests
{
    private static readonly string[] Args = ["-a", "ed:hunter2", "-v", "srv::r:rwmd,ed"];

    [Fact]
    public async Task Mirror_up_and_down_round_trips_a_tree()
    {
        var (s, port, tlsPort) = await FtpTestKit.StartAsync(Args, r => Directory.CreateDirectory(Path.Combine(r, "srv")));
        await using var server = s;
        var local = Path.Combine(s.Root, "local");
        for (var i = 0; i < 30; i++)
        {
            var dir = Path.Combine(local, "d" + (i % 3), "e" + (i % 2));
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i}.bin"), RandomNumberGenerator.GetBytes(1000 + (i * 777)));
        }
        await File.WriteAllTextAsync(Path.Combine(local, "name with spaces ü.txt"), "x");
        var (code, _, err) = await FtpTestKit.LftpAsync(port, "ed", "hunter2", $"mirror -R {local} tree");
        Assert.True(code == 0, err);
        var back = Path.Combine(s.Root, "back");
        (code, _, err) = await FtpTestKit.LftpAsync(tlsPort, "ed", "hunter2", $"mirror tree {back}", tls: true);
        Assert.True(code == 0, err);
        var want = Directory.GetFiles(local, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(local, f)).Order().ToList();
        var got = Directory.GetFiles(back, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(back, f)).Order().ToList();
        Assert.Equal(want, got);
        foreach (var f in want)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(local, f)), await File.ReadAllBytesAsync(Path.Combine(back, f)));
        }
        (code, var listing, err) = await FtpTestKit.LftpAsync(port, "anonymous", "x", "cls -1 tree/d1/e0");
        Assert.True(code == 0, err);
        Assert.Contains("f4.bin", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_c_resumes_a_download()
    {
        var data = RandomNumberGenerator.GetBytes(4_000_000);
        var (s, port, _) = await FtpTestKit.StartAsync(Args, r =>
        {
            Directory.CreateDirectory(Path.Combine(r, "srv"));
            File.WriteAllBytes(Path.Combine(r, "srv", "big.bin"), data);
        });
        await using var server = s;
        var dl = Path.Combine(s.Root, "dl");
        Directory.CreateDirectory(dl);
        // the local head differs in its first byte: a resumed download keeps it, a full one would not
        var head = data[..1_234_567];
        head[0] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(dl, "big.bin"), head);
        var (code, _, err) = await FtpTestKit.LftpAsync(port, "anonymous", "x", "get -c big.bin", cwd: dl);
        Assert.True(code == 0, err);
        var want = data.ToArray();
        want[0] ^= 0xFF;
        Assert.Equal(want, await File.ReadAllBytesAsync(Path.Combine(dl, "big.bin")));
    }

    [Fact]
    public async Task Put_c_resumes_an_interrupted_upload()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(Args, r => Directory.CreateDirectory(Path.Combine(r, "srv")));
        await using var server = s;
        var data = RandomNumberGenerator.GetBytes(6_000_000);
        var src = Path.Combine(s.Root, "up.bin");
        await File.WriteAllBytesAsync(src, data);
        // an upload cut short: 2 MB sent, then ABOR
        await using (var c = await RawFtp.ConnectAsync(port))
        {
            await c.LoginAsync("ed", "hunter2");
            Assert.StartsWith("200", await c.CmdAsync("TYPE I"), StringComparison.Ordinal); // binary, as lftp itself sends
            var pasv = await c.CmdAsync("EPSV");
            using var d = new TcpClient();
            await d.ConnectAsync("127.0.0.1", int.Parse(pasv.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.StartsWith("150", await c.CmdAsync("STOR up.bin"), StringComparison.Ordinal);
            await d.GetStream().WriteAsync(data.AsMemory(0, 2_000_000));
            await d.GetStream().FlushAsync();
            await Task.Delay(300);
            var abor = await c.CmdAsync("ABOR");
            var after = abor.StartsWith("426", StringComparison.Ordinal) ? await c.ReadAsync() : abor;
            Assert.StartsWith("226", after, StringComparison.Ordinal);
            // not visible as a file, but SIZE says how much arrived
            Assert.False(File.Exists(s.PathOf("srv/up.bin")));
            var size = await c.CmdAsync("SIZE up.bin");
            Assert.StartsWith("213 ", size, StringComparison.Ordinal);
            Assert.InRange(long.Parse(size[4..], System.Globalization.CultureInfo.InvariantCulture), 1, 2_000_000);
            var (_, list, _) = await c.DataCmdAsync("NLST");
            Assert.Empty(list);
        }
        // the local first byte changes now: a resumed upload keeps the server's copy of it, a full one would not
        var changed = data.ToArray();
        changed[0] ^= 0xFF;
        await File.WriteAllBytesAsync(src, changed);
        var (code, _, err) = await FtpTestKit.LftpAsync(port, "ed", "hunter2", $"put -c {src} -o up.bin");
        Assert.True(code == 0, err);
        Assert.Equal(data, await File.ReadAllBytesAsync(s.PathOf("srv/up.bin")));
        Assert.DoesNotContain(Directory.GetFiles(s.PathOf("srv")), f => f.EndsWith(".PARTIAL", StringComparison.Ordinal));
    }
}
