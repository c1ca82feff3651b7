using System.Text.Json;
using SharpParty.Client.Up2k;

namespace SharpParty.Web.Tests.Infra;

/// <summary>
/// Where the client tests upload: our own server (a <see cref="TestServer"/>), or, when UP2K_TEST_URL is set, any up2k
/// server at that URL (copyparty: <c>python3 -m copyparty -i 127.0.0.1 -p PORT -v DIR::rw -e2d</c>), so the same tests
/// check the client against the reference. Each target is a fresh folder; results are checked over HTTP only.
/// </summary>
public sealed class Up2kTarget : IAsyncDisposable
{
    private readonly TestServer? _server;

    private Up2kTarget(TestServer? server, string baseUrl)
    {
        _server = server;
        BaseUrl = baseUrl.TrimEnd('/');
        Folder = "/ct-" + Guid.NewGuid().ToString("N")[..10] + "/";
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        Local = Path.Combine(Path.GetTempPath(), "sp-client-src-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Local);
    }

    /// <summary>The copyparty (or other) server the tests run against instead of ours.</summary>
    public static string? ExternalUrl => Environment.GetEnvironmentVariable("UP2K_TEST_URL") is { Length: > 0 } u ? u : null;

    public bool External => _server is null;

    public string BaseUrl { get; }

    /// <summary>This test's folder on the server, "/ct-…/".</summary>
    public string Folder { get; }

    public string Url => BaseUrl + Folder;

    public HttpClient Http { get; }

    /// <summary>A temp folder for the local files to upload.</summary>
    public string Local { get; }

    /// <param name="serverArgs">our server's volumes and flags; an external server is taken as it is</param>
    public static async Task<Up2kTarget> StartAsync(string[]? serverArgs = null)
    {
        if (ExternalUrl is { } url)
        {
            return new Up2kTarget(null, url);
        }
        var server = await TestServer.StartAsync(serverArgs ?? ["-v", "srv::rw"], root => Directory.CreateDirectory(Path.Combine(root, "srv")));
        return new Up2kTarget(server, server.BaseUrl);
    }

    public string Write(string rel, byte[] data, double? mtime = null)
    {
        var p = Path.Combine(Local, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, data);
        File.SetLastWriteTimeUtc(p, DateTime.UnixEpoch.AddSeconds(mtime ?? 1_700_000_000.75));
        return p;
    }

    /// <summary>Runs <c>sharpparty up</c> in-process with --cd 0 (no pauses between retries); returns exit code and output.</summary>
    public static async Task<(int Code, string Out, string Err)> UpAsync(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var rc = await UpCommand.RunAsync(["--cd", "0", .. args], o, e, terminal: false, cts.Token);
        return (rc, o.ToString(), e.ToString());
    }

    /// <summary>The server's bytes of a file below this test's folder (rel is a plain path).</summary>
    public async Task<byte[]?> GetAsync(string rel)
    {
        using var res = await Http.GetAsync(Folder + UrlPath.Quote(rel));
        return res.IsSuccessStatusCode ? await res.Content.ReadAsByteArrayAsync() : null;
    }

    /// <summary>Name → (size, mtime) of the files in a folder below this test's folder.</summary>
    public async Task<Dictionary<string, (long Size, long Ts)>> ListAsync(string relDir = "")
    {
        var res = await Http.GetStringAsync(UrlPath.Folder(Folder, relDir) + "?ls");
        using var doc = JsonDocument.Parse(res);
        var d = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
        {
            var name = Uri.UnescapeDataString(f.GetProperty("href").GetString()!.Split('?')[0]);
            d[name] = (f.GetProperty("sz").GetInt64(), (long)f.GetProperty("ts").GetDouble());
        }
        return d;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        try
        {
            Directory.Delete(Local, true);
        }
        catch (IOException)
        {
        }
    }
}
