namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>Idle timeouts and the per-address connection cap.</summary>
public class FtpLimitTests
{
    [Fact]
    public async Task Idle_control_connection_is_closed_and_per_ip_cap_holds()
    {
        var (s, port, _) = await FtpTestKit.StartAsync(["-v", "srv::r", "--ftp-idle", "3", "--ftp-ip-max", "2"], r => Directory.CreateDirectory(Path.Combine(r, "srv")));
        await using var server = s;
        await using var a = await RawFtp.ConnectAsync(port);
        await using var b = await RawFtp.ConnectAsync(port);
        // a third connection from the same address is turned away at once
        using (var third = new System.Net.Sockets.TcpClient())
        {
            await third.ConnectAsync("127.0.0.1", port);
            using var r = new StreamReader(third.GetStream());
            Assert.StartsWith("421", await r.ReadLineAsync() ?? "", StringComparison.Ordinal);
        }
        await a.LoginAsync("anonymous", "x");
        // silence past --ftp-idle: 421 and the connection closes
        Assert.StartsWith("421", await a.ReadAsync(), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<IOException>(() => a.CmdAsync("NOOP"));
        // with both idle ones gone, a new connection is admitted
        await Task.Delay(3500);
        await using var c = await RawFtp.ConnectAsync(port);
        Assert.StartsWith("200", await c.CmdAsync("NOOP"), StringComparison.Ordinal);
    }
}
