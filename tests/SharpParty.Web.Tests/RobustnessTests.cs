using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>Bad input gets a clear status and a one-line reason, and nothing half-written is ever left under a real name.</summary>
public class RobustnessTests
{
    private static Task<TestServer> Start(params string[] extra) => TestServer.StartAsync(["-v", "up::rwmd", .. extra], root =>
        Directory.CreateDirectory(Path.Combine(root, "up")));

    private static async Task<string> RawAsync(TestServer s, string request, byte[]? body = null, bool closeEarly = false)
    {
        var uri = new Uri(s.BaseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }
        if (closeEarly)
        {
            tcp.Client.Shutdown(SocketShutdown.Both);
            return "";
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buf = new byte[65536];
        var sb = new StringBuilder();
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buf, cts.Token);
                if (n == 0)
                {
                    break;
                }
                sb.Append(Encoding.UTF8.GetString(buf, 0, n));
                if (sb.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return sb.ToString();
    }

    private static async Task<bool> EventuallyAsync(Func<bool> cond)
    {
        for (var i = 0; i < 50; i++)
        {
            if (cond())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return cond();
    }

    [Fact]
    public async Task Truncated_put_leaves_nothing_behind()
    {
        await using var s = await Start();
        await RawAsync(s, "PUT /trunc.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", new byte[4096], closeEarly: true);
        var dir = s.PathOf("up");
        Assert.True(await EventuallyAsync(() => Directory.GetFiles(dir, "*", new EnumerationOptions { AttributesToSkip = 0 }).Length == 0),
            "left: " + string.Join(", ", Directory.GetFiles(dir, "*", new EnumerationOptions { AttributesToSkip = 0 })));
    }

    [Fact]
    public async Task Truncated_multipart_leaves_nothing_behind()
    {
        await using var s = await Start();
        var head = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"half.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        var req = $"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 2000000\r\n\r\n{head}";
        await RawAsync(s, req, new byte[100_000], closeEarly: true);
        var dir = s.PathOf("up");
        Assert.True(await EventuallyAsync(() => Directory.GetFiles(dir, "*", new EnumerationOptions { AttributesToSkip = 0 }).Length == 0));
    }

    [Theory]
    [InlineData("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400", "bad %-escape")]
    // Kestrel's own parser refuses a NUL in the target before our code runs: 400 with its status line as the reason
    [InlineData("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", "400", "Bad Request")]
    [InlineData("GET /a%5c..%5c..%5cetc HTTP/1.1\r\nHost: x\r\n\r\n", "400", "backslash")]
    [InlineData("GET /%c0%ae%c0%ae/ HTTP/1.1\r\nHost: x\r\n\r\n", "400", "UTF-8")]
    [InlineData("GET /?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400", "bad %-escape in query")]
    [InlineData("GET /?a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q HTTP/1.1\r\nHost: x\r\n\r\n", "400", "too many query parameters")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 0\r\n\r\n", "400", "boundary")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/weird\r\nContent-Length: 0\r\n\r\n", "400", "unsupported POST")]
    [InlineData("POST /?delete HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n[1,2]", "422", "invalid json")]
    [InlineData("BREW / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "405", "not supported")]
    [InlineData("PROPPATCH / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "400", "propertyupdate")]
    [InlineData("GET /x?move=/y HTTP/1.1\r\nHost: x\r\n\r\n", "405", "needs a POST")]
    public async Task Bad_requests_get_a_status_and_a_reason(string request, string status, string reason)
    {
        await using var s = await Start();
        var res = await RawAsync(s, request);
        Assert.StartsWith("HTTP/1.1 " + status, res, StringComparison.Ordinal);
        Assert.Contains(reason, res, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Root, res, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", res, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_json_batch_delete_is_422()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Post, "/?delete", new StringContent("[\"/a\"", Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)st);
        Assert.Contains("invalid json", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disk_full_gives_507_and_keeps_nothing()
    {
        if (Environment.UserName != "root")
        {
            return; // mounting a small tmpfs needs root; CI runs as root
        }
        var mnt = Path.Combine(Path.GetTempPath(), "sp-full-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mnt);
        var mount = Process.Start("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt]);
        await mount.WaitForExitAsync();
        Assert.Equal(0, mount.ExitCode);
        try
        {
            await using var s = await TestServer.StartAsync(["-v", mnt + ":full:rwmd"]);
            var big = new byte[3 << 20];
            Random.Shared.NextBytes(big);
            var (st, body) = await s.Client.SendText(HttpMethod.Put, "/full/big.bin", new ByteArrayContent(big));
            Assert.Equal(507, (int)st);
            Assert.Contains("disk is full", body, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(mnt, "*", new EnumerationOptions { AttributesToSkip = 0 }));
            // an up2k handshake for more than fits is refused up front (the free space is compared on tmpfs, where
            // fallocate would zero every page first), with no placeholder or partial file left behind
            var up = await Up2k.Up2kWire.HandshakeAsync(s.Client, "/full/", new Up2k.Up2kFile(big, "big2.bin"));
            Assert.Equal(507, (int)up.Status);
            Assert.Contains("not enough free disk space", up.Body, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(mnt, "*", new EnumerationOptions { AttributesToSkip = 0 }));
            // and the server still works once there is room
            (st, _) = await s.Client.SendText(HttpMethod.Put, "/full/small.txt", new StringContent("ok"));
            Assert.Equal(HttpStatusCode.Created, st);
            var fits = new Up2k.Up2kFile(Up2k.Up2kFile.Random((1 << 20) + 100, 7), "fits.bin");
            up = await Up2k.Up2kWire.HandshakeAsync(s.Client, "/full/", fits);
            Assert.Equal(HttpStatusCode.OK, up.Status);
            Assert.Equal(fits.Hashes.Distinct().Count(), up.Need.Length);
        }
        finally
        {
            using var umount = Process.Start("umount", [mnt]);
            await umount.WaitForExitAsync();
            Directory.Delete(mnt);
        }
    }

    /// <summary>
    /// Starting in a big folder must not walk it: ASP.NET's config-reload watcher is a recursive inotify watch on the
    /// content root, one watch per folder (found by strace: 3,387 folders opened when started in /tmp).
    /// </summary>
    [Fact]
    public async Task Starting_in_a_folder_with_many_subfolders_does_not_watch_them()
    {
        static int InotifyWatches()
        {
            var n = 0;
            foreach (var f in Directory.EnumerateFiles("/proc/self/fdinfo"))
            {
                try
                {
                    n += File.ReadLines(f).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    // the descriptor closed meanwhile
                }
            }
            return n;
        }
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var before = InotifyWatches();
        await using var s = await TestServer.StartAsync(["-v", "big::r"], root =>
        {
            for (var i = 0; i < 300; i++)
            {
                Directory.CreateDirectory(Path.Combine(root, "big", "d" + i, "e"));
            }
        });
        Assert.Equal(HttpStatusCode.OK, (await s.Client.SendText(HttpMethod.Get, "/?ls")).Status);
        Assert.True(InotifyWatches() - before < 50, $"{InotifyWatches() - before} inotify watches after start");
    }
}
