using System.Diagnostics;
using System.Net;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>The executable itself: exit codes, warnings, help, and the config reload paths.</summary>
public class CliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(string cwd, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sharpparty.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return await Cli.RunAsync(psi);
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "sp-cli-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    [Theory]
    [InlineData("--definitely-not-an-option", "unknown option '--definitely-not-an-option'")]
    [InlineData("-v", "needs a value")]
    [InlineData("-v nocolon", "at least one colon")]
    [InlineData("-v .:x:rq", "unknown permission 'q'")]
    [InlineData("-v missing-folder:x:r", "does not exist")]
    [InlineData("-a nopass", "expected USER:PASS")]
    [InlineData("-p 99999", "bad port")]
    [InlineData("-i not-an-ip", "not an IP address")]
    [InlineData("--ban-pw 1,2", "bad ban rule")]
    [InlineData("stray", "unexpected argument")]
    public async Task Bad_command_lines_exit_2_with_one_line(string args, string fragment)
    {
        var dir = TempDir();
        var (code, _, err) = await RunAsync(dir, args.Split(' '));
        Assert.Equal(2, code);
        var lines = err.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains(fragment, lines[0], StringComparison.Ordinal);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Unsupported_copyparty_flags_warn_once_and_start()
    {
        var dir = TempDir();
        var (code, _, err) = await RunAsync(dir, "--smb", "--no-robots", "--xff-src", "lan", "--smb", "--exit", "cfg");
        Assert.Equal(0, code);
        Assert.Single(err.Split('\n'), l => l.Contains("--smb", StringComparison.Ordinal));
        Assert.Contains("--no-robots", err, StringComparison.Ordinal);
        Assert.Contains("--xff-src", err, StringComparison.Ordinal);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Help_lists_every_option_with_defaults()
    {
        var (code, output, _) = await RunAsync(Path.GetTempPath(), "-h");
        Assert.Equal(0, code);
        foreach (var opt in new[] { "-v SRC:DST:PERMS", "-a USER:PASS", "--grp", "-ed", "--hist", "-lo", "--ban-pw N,W,B", "(default: 9,60,1440)", "(default: 3923)", "(default: 43200)", "--vague-403" })
        {
            Assert.Contains(opt, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reload_by_admin_swaps_volumes_and_a_bad_config_keeps_the_old()
    {
        // the reload re-reads the config files; start with one volume, then add a second in the file
        var conf = Path.Combine(Path.GetTempPath(), "sp-reload-" + Guid.NewGuid().ToString("N")[..8] + ".conf");
        await using var s = await TestServer.StartAsync(["-a", "ed:wark", "-v", "srv::r:A,ed", "-c", conf], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            Directory.CreateDirectory(Path.Combine(root, "two"));
            File.WriteAllText(Path.Combine(root, "two", "t.txt"), "two");
            File.WriteAllText(conf, "[global]\n  q\n");
        });
        var (st, _) = await s.Client.SendText(HttpMethod.Get, "/two/t.txt");
        Assert.Equal(HttpStatusCode.NotFound, st);
        File.WriteAllText(conf, $"[/two]\n  {Path.Combine(s.Root, "two")}\n  accs:\n    r: *\n");
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/?reload=cfg");
        Assert.Equal(HttpStatusCode.Forbidden, st);
        (st, var body) = await s.Client.SendText(HttpMethod.Get, "/?reload=cfg&pw=wark");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("config reloaded", body, StringComparison.Ordinal);
        (st, body) = await s.Client.SendText(HttpMethod.Get, "/two/t.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("two", body);
        File.WriteAllText(conf, "[/two]\n  /does/not/exist\n  accs:\n    r: *\n");
        (st, body) = await s.Client.SendText(HttpMethod.Get, "/?reload=cfg&pw=wark");
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("still running the previous config", body, StringComparison.Ordinal);
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/two/t.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        File.Delete(conf);
    }

    [Fact]
    public async Task Sigusr1_reloads_the_config_of_a_running_executable()
    {
        var dir = TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "a"));
        Directory.CreateDirectory(Path.Combine(dir, "b"));
        File.WriteAllText(Path.Combine(dir, "b", "x.txt"), "bee");
        var conf = Path.Combine(dir, "v.conf");
        File.WriteAllText(conf, "[/]\n  a\n  accs:\n    r: *\n");
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "sharpparty.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { dll, "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", conf })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        p.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.True(await PollAsync(async () => (await TryGet(http, "/")) == HttpStatusCode.OK), "server did not come up");
            Assert.Equal(HttpStatusCode.NotFound, await TryGet(http, "/b/x.txt"));
            File.WriteAllText(conf, "[/]\n  a\n  accs:\n    r: *\n[/b]\n  b\n  accs:\n    r: *\n");
            using (var kill = Process.Start("kill", ["-USR1", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            Assert.True(await PollAsync(async () => (await TryGet(http, "/b/x.txt")) == HttpStatusCode.OK), "reload did not add /b");
            lock (output)
            {
                Assert.Contains("config reloaded", output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            Directory.Delete(dir, true);
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode?> TryGet(HttpClient http, string url)
    {
        try
        {
            using var r = await http.GetAsync(url);
            return r.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> cond)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await cond())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
