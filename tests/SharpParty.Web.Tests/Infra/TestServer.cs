using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Tests.Infra;

/// <summary>
/// A real SharpParty on 127.0.0.1, port 0, serving a temp folder: built from a copyparty-style command line exactly as
/// the executable does. Dispose stops it and removes the folder.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly RunningServer _server;

    private readonly bool _ownsRoot;

    private TestServer(RunningServer server, string root, bool ownsRoot)
    {
        _ownsRoot = ownsRoot;
        _server = server;
        Root = root;
        BaseUrl = server.Urls[0].ToString().TrimEnd('/');
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>The temp folder; volumes in the args are relative to it.</summary>
    public string Root { get; }

    /// <summary>"http://127.0.0.1:PORT"</summary>
    public string BaseUrl { get; }

    public HttpClient Client { get; }

    internal ConfigHolder Config => _server.Config;

    internal IServiceProvider Services => _server.Services;

    /// <summary>The certificate this server offers on https (null with --http-only).</summary>
    internal TlsIdentity? Tls => _server.Tls;

    /// <summary>Starts a server; <paramref name="args"/> are copyparty-style, e.g. ["-v", "srv::r"]; "-i 127.0.0.1 -p 0 -q" are added.</summary>
    /// <param name="root">an existing folder to serve (a restart over the same files); it is then left in place</param>
    public static async Task<TestServer> StartAsync(string[] args, Action<string>? prepare = null, string? root = null)
    {
        var owns = root is null;
        root ??= Path.Combine(Path.GetTempPath(), "sp-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        prepare?.Invoke(root);
        string[] all = ["-i", "127.0.0.1", "-p", "0", "-q", "--ses-db", Path.Combine(root, ".state", "sessions.db"), .. args];
        if (!OptionsBuilder.TryBuild(all, root, out var options, out var error))
        {
            throw new InvalidOperationException("bad test config: " + error);
        }
        var server = await SharpPartyServer.StartAsync(options!, root, new NullProvider(), modules: SharpParty.Protocols.ProtocolModules.All);
        return new TestServer(server, root, owns);
    }

    public string PathOf(string rel) => Path.Combine(Root, rel);

    /// <summary>Runs curl against this server; returns exit code and stdout. Bounded by a timeout.</summary>
    public async Task<(int Code, string Out)> CurlAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-s", "--max-time", "30", .. args])
        {
            psi.ArgumentList.Add(a.Replace("{base}", BaseUrl, StringComparison.Ordinal));
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
        return (p.ExitCode, await stdout);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
        if (!_ownsRoot)
        {
            return;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class NullProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }
    }
}

public static class HttpExtensions
{
    public static async Task<(HttpStatusCode Status, string Body)> SendText(this HttpClient c, HttpMethod method, string url,
        HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        using var req = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (n, v) in headers)
        {
            req.Headers.TryAddWithoutValidation(n, v);
        }
        using var res = await c.SendAsync(req);
        return (res.StatusCode, await res.Content.ReadAsStringAsync());
    }
}
