using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SharpParty.Web.Tests.Infra;

/// <summary>
/// The real executable in its own process (for crash tests: it can be killed with SIGKILL). Listens on 127.0.0.1, a
/// port chosen by the OS; the URL is read from its startup line.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _p;

    private ServerProcess(Process p, string baseUrl)
    {
        _p = p;
        BaseUrl = baseUrl;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    public static async Task<ServerProcess> StartAsync(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sharpparty.dll"));
        foreach (var a in (string[])["-i", "127.0.0.1", "-p", "0", "-q", "--ses-db", Path.Combine(cwd, ".state", "sessions.db"), .. args])
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi)!;
        _ = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            var m = ListeningLine().Match(line);
            if (m.Success)
            {
                _ = p.StandardOutput.ReadToEndAsync();
                return new ServerProcess(p, m.Groups[1].Value.TrimEnd('/'));
            }
        }
        p.Kill();
        throw new InvalidOperationException("the server exited before it listened");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (!_p.HasExited)
        {
            _p.Kill();
            _p.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Kill();
        _p.Dispose();
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/?)")]
    private static partial Regex ListeningLine();
}
