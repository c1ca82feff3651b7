using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Protocols.Ftp;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Protocols.Tests.Ftp;

/// <summary>A real server with FTP (and FTPS) on 127.0.0.1 port 0, and the real clients we drive it with.</summary>
internal static class FtpTestKit
{
    public static async Task<(TestServer Server, int Port, int TlsPort)> StartAsync(string[] args, Action<string>? prepare = null)
    {
        var s = await TestServer.StartAsync(["--ftp", "0", "--ftps", "0", .. args], prepare);
        var l = s.Services.GetRequiredService<FtpListeners>();
        return (s, l.Port(false), l.Port(true));
    }

    /// <summary>Runs a client program with a hard timeout; returns exit code, stdout and stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string exe, IEnumerable<string> args, string? cwd = null, int timeoutSec = 60)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (cwd is not null)
        {
            psi.WorkingDirectory = cwd;
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // lftp reads ~/.lftprc and /etc/lftp.conf; a clean HOME keeps a developer's settings out
        psi.Environment["HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(timeoutSec));
        }
        catch (TimeoutException)
        {
            p.Kill(true);
            throw;
        }
        return (p.ExitCode, await o, await e);
    }

    public static Task<(int Code, string Out, string Err)> CurlAsync(params string[] args) =>
        RunAsync("curl", ["-sS", "--max-time", "30", .. args]);

    /// <summary>lftp with settings that make it deterministic: no retries, passive mode, short timeouts.</summary>
    public static Task<(int Code, string Out, string Err)> LftpAsync(int port, string user, string pass, string script, string? cwd = null, bool tls = false)
    {
        var settings = "set net:max-retries 1; set net:reconnect-interval-base 1; set net:timeout 10; set ftp:passive-mode on; set cmd:fail-exit yes; "
            + (tls ? "set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate no; " : "set ftp:ssl-allow no; ");
        return RunAsync("lftp", ["-u", user + "," + pass, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", settings + script + "; quit", "127.0.0.1"], cwd, 90);
    }
}

/// <summary>A raw control connection: send a line, read one (possibly multi-line) reply.</summary>
internal sealed class RawFtp : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private StreamReader _reader = null!;
    private Stream _stream = null!;

    public static async Task<RawFtp> ConnectAsync(int port)
    {
        var r = new RawFtp();
        await r._tcp.ConnectAsync("127.0.0.1", port);
        r._stream = r._tcp.GetStream();
        r._reader = new StreamReader(r._stream, Encoding.UTF8);
        await r.ReadAsync(); // 220
        return r;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task<string> CmdAsync(string line)
    {
        await SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        return await ReadAsync();
    }

    /// <summary>One reply; for "NNN-" the lines up to "NNN " are joined with '\n'.</summary>
    public async Task<string> ReadAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var first = await _reader.ReadLineAsync(cts.Token) ?? throw new IOException("connection closed");
        if (first.Length < 4 || first[3] != '-')
        {
            return first;
        }
        var sb = new StringBuilder(first);
        while (true)
        {
            var l = await _reader.ReadLineAsync(cts.Token) ?? throw new IOException("connection closed");
            sb.Append('\n').Append(l);
            if (l.Length >= 4 && l.StartsWith(first[..3], StringComparison.Ordinal) && l[3] == ' ')
            {
                return sb.ToString();
            }
        }
    }

    public async Task LoginAsync(string user, string pass)
    {
        await CmdAsync("USER " + user);
        var r = await CmdAsync("PASS " + pass);
        Assert.StartsWith("230", r, StringComparison.Ordinal);
    }

    /// <summary>PASV, then the command; returns the reply to the command and the bytes read from the data connection.</summary>
    public async Task<(string Reply, byte[] Data, string Final)> DataCmdAsync(string cmd)
    {
        var pasv = await CmdAsync("EPSV");
        Assert.StartsWith("229", pasv, StringComparison.Ordinal);
        var port = int.Parse(pasv.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);
        using var data = new TcpClient();
        await data.ConnectAsync("127.0.0.1", port);
        var reply = await CmdAsync(cmd);
        if (!reply.StartsWith("150", StringComparison.Ordinal))
        {
            return (reply, [], "");
        }
        using var ms = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await data.GetStream().CopyToAsync(ms, cts.Token);
        return (reply, ms.ToArray(), await ReadAsync());
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await Task.CompletedTask;
    }
}
