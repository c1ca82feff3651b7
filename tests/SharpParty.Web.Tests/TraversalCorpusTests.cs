using System.Net;
using System.Net.Sockets;
using System.Text;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// Hundreds of encoded traversal attempts sent as raw bytes (HttpClient would normalise dot segments away) for GET, PUT,
/// <c>?ls</c> and as a <c>?move=</c> destination. A secret lives next to the volume, and a symlink inside the volume
/// points at it: no response may carry the secret, nothing may appear outside the volume, and nothing may be a 5xx.
/// </summary>
public sealed class TraversalCorpusTests : IAsyncLifetime
{
    private const string Secret = "TOPSECRET-5f0c1e";

    private TestServer _s = null!;

    public async Task InitializeAsync()
    {
        _s = await TestServer.StartAsync(["-v", "srv::rwmd", "-v", "srv/inner:inner:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
            Directory.CreateDirectory(Path.Combine(root, "srv", "inner"));
            Directory.CreateDirectory(Path.Combine(root, "outside"));
            File.WriteAllText(Path.Combine(root, "outside", "secret.txt"), Secret);
            File.WriteAllText(Path.Combine(root, "srv", "sub", "ok.txt"), "fine");
            File.WriteAllText(Path.Combine(root, "srv", "mv.txt"), "move me");
            File.CreateSymbolicLink(Path.Combine(root, "srv", "escape"), Path.Combine(root, "outside"));
            File.CreateSymbolicLink(Path.Combine(root, "srv", "escape.txt"), Path.Combine(root, "outside", "secret.txt"));
            File.CreateSymbolicLink(Path.Combine(root, "srv", "dangling"), Path.Combine(root, "outside", "new-by-link.txt"));
            File.CreateSymbolicLink(Path.Combine(root, "srv", "tosub"), Path.Combine(root, "srv", "sub"));
        });
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    /// <summary>Ways to write "..", "/" and "\" that some server, proxy or filesystem has decoded at some point.</summary>
    private static readonly string[] Dots = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "%c0%ae%c0%ae", "%e0%80%ae%e0%80%ae",
        "%ef%bc%8e%ef%bc%8e", "%e2%80%a4%e2%80%a4", "%e2%80%a5", "%ef%b9%92%ef%b9%92", "..%00", "...."];

    private static readonly string[] Slashes = ["/", "%2f", "%2F", "%5c", "\\", "%252f", "%c0%af", "%e0%80%af", "%ef%bc%8f", "%e2%88%95", "%e2%81%84"];

    public static IEnumerable<string> Corpus()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var d in Dots)
        {
            foreach (var sl in Slashes)
            {
                set.Add($"/{d}{sl}outside{sl}secret.txt");
                set.Add($"/sub{sl}{d}{sl}{d}{sl}outside{sl}secret.txt");
                set.Add($"/inner/{d}{sl}{d}{sl}{d}{sl}outside/secret.txt");
            }
        }
        foreach (var p in new[]
        {
            "//../outside/secret.txt", "/./../outside/secret.txt", "/sub/./../../outside/secret.txt", "/%2e/%2e%2e/outside/secret.txt",
            "/escape/secret.txt", "/escape.txt", "/escape/", "/escape/../escape/secret.txt", "/tosub/../../outside/secret.txt",
            "/sub/..;/..;/outside/secret.txt", "/..%3b/outside/secret.txt", "/%00/../outside/secret.txt", "/sub%00/../../outside/secret.txt",
            "http://127.0.0.1/../outside/secret.txt", "/..\\..\\outside\\secret.txt", "/....//....//outside/secret.txt",
            "/sub/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt", "/%u002e%u002e/outside/secret.txt", "/.hist/../../outside/secret.txt",
        })
        {
            set.Add(p);
        }
        return set;
    }

    private async Task<(int Status, string Text)> RawAsync(string method, string target, string? body = null)
    {
        var port = new Uri(_s.BaseUrl).Port;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var payload = body ?? "";
        var req = $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {Encoding.UTF8.GetByteCount(payload)}\r\n\r\n{payload}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(req));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var ms = new MemoryStream();
        try
        {
            await stream.CopyToAsync(ms, cts.Token);
        }
        catch (IOException)
        {
        }
        var text = Encoding.UTF8.GetString(ms.ToArray());
        var status = text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var st) ? st : 0;
        return (status, text);
    }

    [Fact]
    public async Task Corpus_has_at_least_200_paths()
    {
        Assert.True(Corpus().Count() >= 200, $"only {Corpus().Count()} paths");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task No_path_escapes_for_any_method()
    {
        var escapes = new List<string>();
        var outside = Path.Combine(_s.Root, "outside");
        var rootEntries = Directory.GetFileSystemEntries(_s.Root).Length;
        var n = 0;
        foreach (var path in Corpus())
        {
            foreach (var (method, target, body) in new[]
            {
                ("GET", path, (string?)null),
                ("GET", path + (path.Contains('?', StringComparison.Ordinal) ? "&ls" : "?ls"), null),
                ("PUT", path, "planted"),
                ("POST", "/mv.txt?move=" + path, null),
                ("POST", "/mv.txt?copy=" + path, null),
            })
            {
                n++;
                var (status, text) = await RawAsync(method, target, body);
                // a PUT may succeed: then it created an oddly named file INSIDE the volume ("....", "%2e%2e/x"), which is fine;
                // an escape is the secret in a reply, anything new outside the volume, or a crash
                var bad = text.Contains(Secret, StringComparison.Ordinal) || status >= 500 || status == 0
                    || Directory.GetFileSystemEntries(outside).Length != 1 || Directory.GetFileSystemEntries(_s.Root).Length != rootEntries;
                if (bad)
                {
                    escapes.Add($"{method} {target} -> {status}");
                }
            }
        }
        Assert.True(n >= 1000, $"only {n} requests");
        Assert.True(escapes.Count == 0, $"{escapes.Count} escapes or errors:\n" + string.Join('\n', escapes.Take(30)));
        Assert.Equal([Path.Combine(outside, "secret.txt")], Directory.GetFiles(outside));
        Assert.Equal("move me", File.ReadAllText(Path.Combine(_s.Root, "srv", "mv.txt")));
    }

    [Fact]
    public async Task Symlinks_inside_the_volumes_still_work()
    {
        var (status, text) = await RawAsync("GET", "/tosub/ok.txt");
        Assert.Equal(200, status);
        Assert.EndsWith("fine", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/escape.txt")]
    [InlineData("/escape/secret.txt")]
    [InlineData("/dangling")]
    public async Task Symlinks_leading_out_are_not_found_and_not_listed(string path)
    {
        var (status, _) = await RawAsync("GET", path);
        Assert.Equal(404, status);
        var (pst, _) = await RawAsync("PUT", path, "through the link");
        Assert.NotEqual(201, pst);
        Assert.False(File.Exists(Path.Combine(_s.Root, "outside", "new-by-link.txt")));
        var (_, listing) = await RawAsync("GET", "/?ls");
        Assert.DoesNotContain("escape", listing, StringComparison.Ordinal);
        Assert.Contains("tosub", listing, StringComparison.Ordinal);
    }
}
