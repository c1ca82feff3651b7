using Microsoft.Playwright;
using SharpParty.E2E.Tests.Infra;

namespace SharpParty.E2E.Tests;

[Collection(BrowserGroup.Name)]
public sealed class AccessTests(BrowserFixture fx)
{
    private static readonly string[] Accounts = ["-a", "ed:wark", "-a", "guest:visit", "-v", ".::r:rwmd,ed"];

    private static void OneFile(string root) => File.WriteAllText(Path.Combine(root, "hello.txt"), "hi");

    private static async Task LoginAsync(UiSession s, string pw)
    {
        await s.Page.ClickAsync(".who .login");
        await s.Page.FillAsync("dialog[open] input[type=password]", pw);
        await s.Page.ClickAsync("dialog[open] button[value=ok]");
    }

    [Fact]
    public async Task A_writer_gets_the_write_tools_a_reader_does_not()
    {
        await using var s = await UiSession.StartAsync(fx, Accounts, OneFile);
        await s.OpenAsync();
        await s.WaitForNameAsync("hello.txt");
        // anonymous: read only
        Assert.False(await s.Page.IsVisibleAsync(".tabs [data-tab=upload]"));
        Assert.Equal(0, await s.Page.Locator(".toolbar button:text-is('New folder')").CountAsync());

        // a wrong password says so and changes nothing
        await LoginAsync(s, "nope");
        await s.Page.WaitForSelectorAsync(".toast.err:text-is('Wrong password.')");
        Assert.True(await s.Page.IsVisibleAsync(".who .login"));

        // the reader logs in: still no write tools
        await LoginAsync(s, "visit");
        await s.Page.WaitForSelectorAsync(".who .user:text-is('guest')");
        Assert.False(await s.Page.IsVisibleAsync(".tabs [data-tab=upload]"));
        await s.Page.ClickAsync(".lv-row .c-size");
        Assert.Equal(0, await s.Page.Locator(".toolbar button:text-is('Delete')").CountAsync());
        await s.Page.ClickAsync(".who .logout");
        await s.Page.WaitForSelectorAsync(".who .login");

        // the writer: upload, new folder, delete
        await LoginAsync(s, "wark");
        await s.Page.WaitForSelectorAsync(".who .user:text-is('ed')");
        Assert.True(await s.Page.IsVisibleAsync(".tabs [data-tab=upload]"));
        Assert.Equal(1, await s.Page.Locator(".toolbar button:text-is('New folder')").CountAsync());
        await s.Page.Keyboard.PressAsync("Escape"); // the reader's selection was kept across the login
        await s.Page.ClickAsync(".lv-row .c-size");
        Assert.Equal(1, await s.Page.Locator(".toolbar button:text-is('Delete')").CountAsync());
        await s.ScreenshotAsync("logged-in-writer");
        // the session survives a reload (cookie)
        await s.Page.ReloadAsync();
        await s.Page.WaitForSelectorAsync(".who .user:text-is('ed')");
        // the name opens the control panel (/?h, server-rendered): this account and its volumes
        await s.Page.ClickAsync(".who .user");
        await s.Page.WaitForSelectorAsync("main.cpanel h1");
        Assert.Contains("logged in as ed", await s.Page.InnerTextAsync("main.cpanel"), StringComparison.Ordinal);
        await s.ScreenshotAsync("control-panel");
        Assert.Equal([$"403 POST {s.Server.BaseUrl}/"], s.ConsoleErrors); // the wrong password, nothing else
    }

    [Fact]
    public async Task Without_javascript_the_server_page_lists_sorts_and_uploads()
    {
        await using var server = await SharpParty.Web.Tests.Infra.TestServer.StartAsync(["-v", ".::rw"], r =>
        {
            OneFile(r);
            File.WriteAllBytes(Path.Combine(r, "big.bin"), new byte[5000]);
        });
        await using var ctx = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await ctx.NewPageAsync();
        // the folder page sends a browser without JavaScript on to the simplified page (a refresh right after the
        // first page commits: waiting for that page's load event could race with the second navigation)
        await page.GotoAsync(server.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync(server.BaseUrl + "/?b=u");
        await page.WaitForSelectorAsync("#files");
        Assert.Equal(0, await page.Locator(".app").CountAsync());
        var names = await page.EvalOnSelectorAllAsync<string[]>("#files tbody td:first-child a", "as => as.map(a => a.textContent)");
        Assert.Equal(["big.bin", "hello.txt"], names);
        await page.ClickAsync("#files th a:text('size')");
        names = await page.EvalOnSelectorAllAsync<string[]>("#files tbody td:first-child a", "as => as.map(a => a.textContent)");
        Assert.Equal(["hello.txt", "big.bin"], names);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "nojs.png") });
        var tmp = Path.Combine(Path.GetTempPath(), "sp-nojs-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        await File.WriteAllTextAsync(tmp, "sent without javascript");
        try
        {
            await page.SetInputFilesAsync("form.up input[type=file]", tmp);
            var done = page.WaitForResponseAsync(r => r.Request.Method == "POST");
            await page.ClickAsync("form.up button[type=submit]");
            Assert.Equal(201, (await done).Status);
            Assert.Equal("sent without javascript", File.ReadAllText(server.PathOf(Path.GetFileName(tmp))));
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    [Fact]
    public async Task Should_the_module_not_load_the_server_table_shows_after_all()
    {
        // if the module never starts, the page shows its link to the simplified page after 4 s
        await using var server = await SharpParty.Web.Tests.Infra.TestServer.StartAsync(["-v", ".::rw"], OneFile);
        await using var ctx = await fx.Browser.NewContextAsync();
        var page = await ctx.NewPageAsync();
        await page.RouteAsync("**/js/app.js", r => r.AbortAsync());
        await page.GotoAsync(server.BaseUrl + "/");
        Assert.Equal(0, await page.Locator("#files").CountAsync());
        Assert.False(await page.IsVisibleAsync("a[href='?b=u']")); // hidden while the module may still come
        await page.ClickAsync("a[href='?b=u']", new() { Timeout = 10_000 });
        await page.WaitForSelectorAsync("#files tbody a:text-is('hello.txt')", new() { Timeout = 10_000 });
        Assert.EndsWith("/?b=u", page.Url, StringComparison.Ordinal);
        Assert.True(await page.IsVisibleAsync("#files"));
        Assert.True(await page.IsVisibleAsync("form.up"));
    }
}
