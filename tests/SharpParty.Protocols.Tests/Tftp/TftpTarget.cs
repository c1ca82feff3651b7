using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Protocols.Tftp;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>A real server with <c>--tftp</c> on a free UDP port of 127.0.0.1, and the real clients (tftp-hpa, curl).</summary>
internal sealed class TftpTarget : IAsyncDisposable
{
    private TftpTarget(TestServer server, IPEndPoint endpoint)
    {
        Server = server;
        EndPoint = endpoint;
    }

    public TestServer Server { get; }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public string Root => Server.Root;

    public string PathOf(string rel) => Server.PathOf(rel);

    public static async Task<TftpTarget> StartAsync(string[] args, Action<string>? prepare = null)
    {
        // --tftp 0 means "off" (as copyparty): take a port the kernel says is free, and try another if it was taken since
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            }
            var s = await TestServer.StartAsync(["--tftp", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args], prepare);
            var svc = s.Services.GetRequiredService<TftpService>();
            if (svc.Bound.Count > 0)
            {
                return new TftpTarget(s, svc.Bound[0]);
            }
            await s.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException("no free UDP port for the TFTP server");
            }
            prepare = null;
        }
    }

    public RawTftpClient Client(TimeSpan? timeout = null) => new(EndPoint, timeout);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Runs a program with arguments (and optional stdin), bounded; returns exit code and stdout+stderr.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            p.Kill(true);
            throw;
        }
        return (p.ExitCode, await o + await e);
    }

    /// <summary>tftp-hpa in command mode: <c>tftp -m MODE 127.0.0.1 PORT -c get|put A B</c>.</summary>
    public Task<(int Code, string Output)> TftpHpaAsync(string mode, params string[] command) =>
        RunAsync("tftp", null, ["-m", mode, "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", .. command]);

    /// <summary>curl's TFTP client (curl supports blksize and tsize, not windowsize).</summary>
    public static Task<(int Code, string Output)> CurlAsync(params string[] args) =>
        RunAsync("curl", null, ["-sS", "--max-time", "60", .. args]);

    public string Url(string path) => $"tftp://127.0.0.1:{Port}/{path}";
}
