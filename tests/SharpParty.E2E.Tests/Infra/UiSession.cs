using Microsoft.Playwright;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.E2E.Tests.Infra;

/// <summary>A real server plus a fresh browser context and page on it; dispose closes both.</summary>
internal sealed class UiSession : IAsyncDisposable
{
    private UiSession(TestServer server, IBrowserContext context, IPage page)
    {
        Server = server;
        Context = context;
        Page = page;
    }

    public TestServer Server { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public static async Task<UiSession> StartAsync(BrowserFixture fx, string[] args, Action<string>? prepare = null,
        BrowserNewContextOptions? options = null, IBrowser? browser = null)
    {
        var server = await TestServer.StartAsync(args, prepare);
        var ctx = await (browser ?? fx.Browser).NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 800 } });
        ctx.SetDefaultTimeout(15_000);
        var page = await ctx.NewPageAsync();
        var s = new UiSession(server, ctx, page);
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                s.ConsoleErrors.Add(m.Text);
            }
        };
        page.PageError += (_, e) => s.ConsoleErrors.Add(e);
        page.Response += (_, r) =>
        {
            // thumbnails may fail (the img falls back to an icon); anything else the page asks for must exist
            if (r.Status >= 400 && !r.Url.EndsWith("?th", StringComparison.Ordinal))
            {
                s.ConsoleErrors.Add($"{r.Status} {r.Request.Method} {r.Url}");
            }
        };
        return s;
    }

    /// <summary>Opens a folder and waits until the script has drawn the listing.</summary>
    public async Task OpenAsync(string path = "/", string? baseUrl = null)
    {
        await Page.GotoAsync((baseUrl ?? Server.BaseUrl) + path);
        await WaitReadyAsync();
    }

    public Task WaitReadyAsync() => Page.WaitForSelectorAsync(".app[data-ready='1']");

    /// <summary>Waits for the listing to show exactly these names (order-insensitive unless ordered).</summary>
    public Task<string[]> NamesAsync() => Page.EvalOnSelectorAllAsync<string[]>(".lv-row .nm, .card .cname span", "els => els.map(e => e.textContent)");

    public async Task WaitForNameAsync(string name, bool present = true)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var names = await NamesAsync();
            if (names.Contains(name) == present)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"'{name}' {(present ? "never appeared" : "never went away")}; listing: {string.Join(", ", await NamesAsync())}");
    }

    /// <summary>Waits until the page shows this folder (pushState changes no document, so poll the location).</summary>
    public async Task WaitForPathAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await Page.EvaluateAsync<string>("location.pathname") == path && await Page.EvaluateAsync<bool>("!document.querySelector('.app.loading')"))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the page never showed {path}; it is at {await Page.EvaluateAsync<string>("location.pathname")}");
    }

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, name + ".png") });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await Server.DisposeAsync();
    }
}
