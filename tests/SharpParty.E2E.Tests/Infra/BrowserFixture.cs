using Microsoft.Playwright;

namespace SharpParty.E2E.Tests.Infra;

/// <summary>
/// One headless Chromium for the whole run: Debian's <c>/usr/bin/chromium</c>, never a downloaded browser. A missing
/// chromium is a failure with a clear message, not a skip: CI installs it (<c>.ci/run</c>).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The sandbox needs user namespaces CI does not have; the rest keeps Chromium from phoning home.</summary>
    internal static readonly string[] BaseArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run",
    ];

    private IPlaywright? _pw;

    public IBrowser Browser { get; private set; } = null!;

    public IPlaywright Playwright => _pw!;

    /// <summary>Screenshots go next to the test assembly, in screenshots/: the CI artifacts.</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"the end-to-end tests need Debian's chromium at {ChromiumPath} (apt-get install chromium)");
        }
        Directory.CreateDirectory(ScreenshotDir);
        _pw = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Launch();
    }

    /// <summary>Another browser process with extra arguments (e.g. a host-resolver rule).</summary>
    public Task<IBrowser> Launch(params string[] extraArgs) => _pw!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = [.. BaseArgs, .. extraArgs],
        Timeout = 60_000,
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _pw?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
