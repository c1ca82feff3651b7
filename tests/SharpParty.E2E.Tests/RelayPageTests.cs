using System.Security.Cryptography;
using Microsoft.Playwright;
using SharpParty.Client.Relay;
using SharpParty.E2E.Tests.Infra;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.E2E.Tests;

/// <summary>/.cpr/relay.html in headless Chromium against <c>sharpparty send/receive</c> through the real relay.</summary>
[Collection(BrowserGroup.Name)]
public sealed class RelayPageTests(BrowserFixture browser)
{
    private const string Code = "page code";

    private static readonly string[] Encrypt = ["--encrypt"];

    private static readonly System.Text.Json.JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private static async Task<TestServer> StartAsync() =>
        await TestServer.StartAsync(["--relay", "-v", "srv::"], root => Directory.CreateDirectory(Path.Combine(root, "srv")));

    private static string Ws(TestServer s) => "ws" + s.BaseUrl[4..] + "/.cpr/relay";

    private static string MakeFiles(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "sp-relay-page-" + Guid.NewGuid().ToString("N")[..8], name);
        Directory.CreateDirectory(d);
        var rnd = new Random(5);
        var big = new byte[(2 << 20) + 4321];
        rnd.NextBytes(big);
        File.WriteAllBytes(Path.Combine(d, "big.bin"), big);
        File.WriteAllText(Path.Combine(d, "notes ü.txt"), string.Concat(Enumerable.Range(0, 40000).Select(i => $"line {i} of text\n")));
        File.WriteAllBytes(Path.Combine(d, "empty"), []);
        return d;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_page_sends_to_sharpparty_receive(bool encrypt)
    {
        await using var srv = await StartAsync();
        var src = MakeFiles("src");
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(srv.BaseUrl + "/.cpr/relay.html");
            await page.FillAsync("#code", Code);
            if (encrypt)
            {
                await page.CheckAsync("#encrypt");
            }
            await page.SetInputFilesAsync("#files", Directory.GetFiles(src));
            var outDir = Path.Combine(Path.GetDirectoryName(src)!, "out");
            var err = new StringWriter();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var recv = Task.Run(() => RelayCommand.ReceiveAsync([Ws(srv), Code, "--out", outDir, .. encrypt ? Encrypt : []],
                TextWriter.Null, err, false, cts.Token));
            await page.ClickAsync("#send");
            Assert.True(await recv == 0, err.ToString());
            await page.WaitForFunctionAsync("window.spRelay.state !== 'busy'", null, new() { Timeout = 60_000 });
            Assert.Equal("done", await page.EvaluateAsync<string>("window.spRelay.state + (window.spRelay.error ?? '')"));
            foreach (var f in Directory.GetFiles(src))
            {
                Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(outDir, Path.GetFileName(f))));
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Theory]
    [InlineData(false, "auto")]
    [InlineData(true, "on")]
    public async Task The_page_receives_from_sharpparty_send(bool encrypt, string compress)
    {
        await using var srv = await StartAsync();
        var src = MakeFiles("tree");
        Directory.CreateDirectory(Path.Combine(src, "sub"));
        File.WriteAllText(Path.Combine(src, "sub", "deep.txt"), "deep");
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(srv.BaseUrl + "/.cpr/relay.html");
            await page.FillAsync("#code", Code);
            if (encrypt)
            {
                await page.CheckAsync("#encrypt");
            }
            await page.ClickAsync("#receive");
            var err = new StringWriter();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string[] args = [Ws(srv), Code, src, "--compress", compress, .. encrypt ? Encrypt : []];
            Assert.True(await Task.Run(() => RelayCommand.SendAsync(args, TextWriter.Null, err, false, cts.Token)) == 0, err.ToString());
            await page.WaitForFunctionAsync("window.spRelay.state !== 'busy'", null, new() { Timeout = 60_000 });
            Assert.Equal("done", await page.EvaluateAsync<string>("window.spRelay.state + (window.spRelay.error ?? '')"));
            var got = System.Text.Json.JsonSerializer.Deserialize<Received[]>(await page.EvaluateAsync<string>("JSON.stringify(window.spRelay.received)"),
                CaseInsensitive)!;
            var want = Directory.GetFiles(src, "*", SearchOption.AllDirectories)
                .Select(f => new Received("tree/" + Path.GetRelativePath(src, f), new FileInfo(f).Length, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))))
                .OrderBy(r => r.Path, StringComparer.Ordinal).ToArray();
            Assert.Equal(want, got.OrderBy(r => r.Path, StringComparer.Ordinal).ToArray());
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public sealed record Received(string Path, long Size, string Sha256);
}
