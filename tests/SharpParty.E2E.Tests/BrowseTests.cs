using System.Text;
using System.Text.Json;
using SharpParty.E2E.Tests.Infra;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.E2E.Tests;

[Collection(BrowserGroup.Name)]
public sealed class BrowseTests(BrowserFixture fx)
{
    private static void Tree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "music", "album one"));
        Directory.CreateDirectory(Path.Combine(root, "photos"));
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "music", "album one", "track 01.txt"), "la la");
        File.WriteAllText(Path.Combine(root, "readme.md"), "# hello\n");
        File.WriteAllBytes(Path.Combine(root, "big.bin"), new byte[300_000]);
        File.WriteAllText(Path.Combine(root, "a.txt"), "a");
        File.SetLastWriteTimeUtc(Path.Combine(root, "a.txt"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Click_and_hotkeys_navigate_with_history()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], Tree);
        await s.OpenAsync();
        await s.WaitForNameAsync("music/");
        await s.ScreenshotAsync("browse-list");
        await s.Page.ClickAsync(".lv-row .nm >> text=music/");
        await s.WaitForNameAsync("album one/");
        Assert.EndsWith("/music/", s.Page.Url);
        await s.Page.ClickAsync(".lv-row .nm >> text=album one/");
        await s.WaitForNameAsync("track 01.txt");
        Assert.EndsWith("/music/album%20one/", s.Page.Url);
        // M goes up and puts the cursor on the folder we came from
        await s.Page.Keyboard.PressAsync("m");
        await s.WaitForNameAsync("album one/");
        Assert.EndsWith("/music/", s.Page.Url);
        // the browser's back button: history entries were pushed
        await s.Page.GoBackAsync();
        await s.WaitForNameAsync("track 01.txt");
        await s.Page.Keyboard.PressAsync("Backspace");
        await s.WaitForNameAsync("album one/");
        await s.Page.Keyboard.PressAsync("Backspace");
        await s.WaitForNameAsync("music/");
        // the cursor is on the folder we came up from; arrows move it, Enter opens (folders first: docs, music, photos)
        Assert.Equal("music/", await s.Page.TextContentAsync(".lv-row.cur .nm"));
        await s.Page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("photos/", await s.Page.TextContentAsync(".lv-row.cur .nm"));
        await s.Page.Keyboard.PressAsync("ArrowUp");
        await s.Page.Keyboard.PressAsync("Enter");
        await s.WaitForNameAsync("album one/");
        // K: the next folder beside this one (photos), I: back to music
        await s.Page.Keyboard.PressAsync("k");
        await s.WaitForPathAsync("/photos/");
        await s.Page.Keyboard.PressAsync("i");
        await s.WaitForPathAsync("/music/");
        // breadcrumbs
        await s.Page.ClickAsync(".crumbs a.home");
        await s.WaitForNameAsync("docs/");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task The_server_sends_the_pages_own_name_order_so_the_first_listing_is_not_sorted_again()
    {
        // names where case, punctuation, digit runs and leading zeros decide the order
        string[] names = ["a10.txt", "a9.txt", "A2.txt", "a02b", "a2a", "a_b", "a-b", "a b", "a.b", "a~b", "B", "b1",
            "$x", "~y", "x007", "x7y", "x08", "x8", "Zz", "zZ1"];
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "dir 10"));
            Directory.CreateDirectory(Path.Combine(root, "Dir 9"));
            foreach (var n in names)
            {
                File.WriteAllText(Path.Combine(root, n), n);
            }
        });
        await s.OpenAsync();
        await s.WaitForNameAsync("zZ1");
        Assert.True(await s.Page.EvaluateAsync<bool>("window.sp.view.sortSkipped"));
        var first = await s.NamesAsync();
        // the page's own sort (name descending, then ascending again) puts them in the same order
        await s.Page.ClickAsync(".lv-head [data-sort=name]");
        await s.Page.ClickAsync(".lv-head [data-sort=name]");
        Assert.False(await s.Page.EvaluateAsync<bool>("window.sp.view.sortSkipped"));
        Assert.Equal(first, await s.NamesAsync());
        Assert.Equal(["Dir 9/", "dir 10/"], first[..2]);
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Headers_sort_and_the_choice_is_kept()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], Tree);
        await s.OpenAsync();
        await s.WaitForNameAsync("a.txt");
        Assert.Equal(["docs/", "music/", "photos/", "a.txt", "big.bin", "readme.md"], await s.NamesAsync());
        await s.Page.ClickAsync(".lv-head [data-sort=size]"); // biggest first
        Assert.Equal(["docs/", "music/", "photos/", "big.bin", "readme.md", "a.txt"], await s.NamesAsync());
        await s.Page.ClickAsync(".lv-head [data-sort=size]");
        Assert.Equal(["docs/", "music/", "photos/", "a.txt", "readme.md", "big.bin"], await s.NamesAsync());
        await s.Page.ClickAsync(".lv-head [data-sort=name]");
        await s.Page.ClickAsync(".lv-head [data-sort=name]"); // z-a
        Assert.Equal(["photos/", "music/", "docs/", "readme.md", "big.bin", "a.txt"], await s.NamesAsync());
        await s.Page.ReloadAsync();
        await s.WaitReadyAsync();
        Assert.Equal(["photos/", "music/", "docs/", "readme.md", "big.bin", "a.txt"], await s.NamesAsync());
        // G: grid view
        await s.Page.Keyboard.PressAsync("g");
        await s.Page.WaitForSelectorAsync(".card");
        await s.ScreenshotAsync("browse-grid");
        // B: the folder tree (open by default on a wide window) goes away and comes back
        await s.Page.WaitForSelectorAsync(".nav-open .tree a");
        await s.Page.Keyboard.PressAsync("b");
        await s.Page.WaitForSelectorAsync(".app:not(.nav-open)");
        await s.Page.Keyboard.PressAsync("b");
        await s.Page.WaitForSelectorAsync(".nav-open .tree a");
        await s.ScreenshotAsync("browse-grid-navpane");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Grid_keys_select_mode_zoom_and_tree_width()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], Tree);
        await s.OpenAsync();
        await s.WaitForNameAsync("a.txt");
        await s.Page.Keyboard.PressAsync("g");
        await s.Page.WaitForSelectorAsync(".card");
        Task<float> CardWidth() => s.Page.EvalOnSelectorAsync<float>(".card", "c => c.getBoundingClientRect().width");
        var w0 = await CardWidth();
        // shift+D / shift+A: bigger and smaller pictures (copyparty's grid zoom)
        await s.Page.Keyboard.PressAsync("Shift+D");
        Assert.True(await CardWidth() > w0);
        await s.Page.Keyboard.PressAsync("Shift+A");
        await s.Page.Keyboard.PressAsync("Shift+A");
        var small = await CardWidth();
        Assert.True(small < w0);
        await s.Page.ReloadAsync();
        await s.WaitReadyAsync();
        Assert.Equal(small, await CardWidth());

        // S: select mode, where a click on a picture selects instead of opening
        await s.Page.Keyboard.PressAsync("s");
        await s.Page.WaitForSelectorAsync(".lv.selmode");
        await s.Page.ClickAsync(".card:has(.cname span:text-is('music')) .pic");
        await s.Page.ClickAsync(".card:has(.cname span:text-is('a.txt')) .pic");
        Assert.Equal(2, await s.Page.Locator(".card.sel").CountAsync());
        Assert.Equal("/", await s.Page.EvaluateAsync<string>("location.pathname"));
        Assert.Contains("2 selected", await s.Page.TextContentAsync(".toolbar .selinfo"));
        await s.ScreenshotAsync("browse-grid-select");
        // S again (or the toolbar's button): a click opens
        await s.Page.ClickAsync(".toolbar button.selmode");
        await s.Page.WaitForSelectorAsync(".lv.grid:not(.selmode)");
        await s.Page.ClickAsync(".card:has(.cname span:text-is('music')) .pic");
        await s.WaitForPathAsync("/music/");

        // A / D with the folder tree open: narrower and wider
        Task<float> TreeWidth() => s.Page.EvalOnSelectorAsync<float>(".navpane", "n => n.getBoundingClientRect().width");
        await s.Page.WaitForSelectorAsync(".nav-open .tree a");
        var t0 = await TreeWidth();
        await s.Page.Keyboard.PressAsync("d");
        Assert.True(await TreeWidth() > t0);
        await s.Page.Keyboard.PressAsync("a");
        await s.Page.Keyboard.PressAsync("a");
        Assert.True(await TreeWidth() < t0);
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task An_upload_in_progress_is_marked_in_the_listing()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r => File.WriteAllText(Path.Combine(r, "done.txt"), "x"));
        // a real up2k handshake with no chunks sent after it: the server reserves big.iso (0 bytes) and writes big.iso.PARTIAL
        var hashes = Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 43) + "Q").ToArray();
        var body = JsonSerializer.Serialize(new { name = "big.iso", size = 2_621_440, lmod = 1_700_000_000, hash = hashes });
        using (var res = await s.Server.Client.PostAsync("/", new StringContent(body, Encoding.UTF8, "text/plain")))
        {
            Assert.True(res.IsSuccessStatusCode, await res.Content.ReadAsStringAsync());
        }
        Assert.True(File.Exists(s.Server.PathOf("big.iso.PARTIAL")));
        Assert.Equal(0, new FileInfo(s.Server.PathOf("big.iso")).Length);
        await s.OpenAsync();
        await s.WaitForNameAsync("big.iso");
        // one row, marked; the .PARTIAL is not a row of its own
        Assert.Equal(["big.iso", "done.txt"], await s.NamesAsync());
        Assert.Equal("uploading…", await s.Page.TextContentAsync(".lv-row.partial .c-name .upl"));
        Assert.True(await s.Page.IsVisibleAsync(".lv-row.partial .c-name .upl"));
        Assert.Equal(1, await s.Page.Locator(".lv-row.partial").CountAsync());
        await s.ScreenshotAsync("browse-upload-in-progress");
        await s.Page.Keyboard.PressAsync("g");
        await s.Page.WaitForSelectorAsync(".card.partial .upl");
        // the page without JavaScript says so too
        var (_, html) = await s.Server.Client.SendText(HttpMethod.Get, "/?b=u");
        Assert.Contains(">big.iso</a></td><td>uploading</td>", html, StringComparison.Ordinal);
        Assert.Contains(">done.txt</a></td><td>1</td>", html, StringComparison.Ordinal);
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task The_readme_and_the_logues_are_shown_around_the_listing()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r =>
        {
            Directory.CreateDirectory(Path.Combine(r, "sub"));
            File.WriteAllText(Path.Combine(r, "sub", "x.txt"), "x");
            File.WriteAllText(Path.Combine(r, "README.md"), "# Hello readme\n\nsome *text* <img src=x onerror=window.pwned=1>\n");
            File.WriteAllText(Path.Combine(r, ".prologue.html"), "<h2>Welcome</h2><script>parent.pwned = 2</script>");
            File.WriteAllText(Path.Combine(r, ".epilogue.html"), "<p>bye</p>");
        });
        await s.OpenAsync();
        await s.WaitForNameAsync("README.md");
        Assert.Equal("Hello readme", await s.Page.TextContentAsync(".lv-docs.post article.readme h1"));
        // copyparty's places: the prologue above the list, the epilogue and then the readme under it
        Assert.Equal(["prologue"], await s.Page.EvalOnSelectorAllAsync<string[]>(".lv-docs.pre [data-doc]", "es => es.map(e => e.dataset.doc)"));
        Assert.Equal(["epilogue", "readme"], await s.Page.EvalOnSelectorAllAsync<string[]>(".lv-docs.post [data-doc]", "es => es.map(e => e.dataset.doc)"));
        // a logue is anyone's upload: a sandbox without scripts or the page's origin
        Assert.Equal("", await s.Page.GetAttributeAsync("iframe[data-doc=prologue]", "sandbox"));
        Assert.Equal("Welcome", await s.Page.FrameLocator("iframe[data-doc=prologue]").Locator("h2").TextContentAsync());
        Assert.Null(await s.Page.EvaluateAsync<int?>("window.pwned ?? null"));
        // a folder without documents shows none; going back shows them again (from ?ls this time)
        await s.Page.ClickAsync(".lv-row .nm >> text=sub/");
        await s.WaitForNameAsync("x.txt");
        Assert.Equal(0, await s.Page.Locator(".lv-docs [data-doc]").CountAsync());
        await s.Page.GoBackAsync();
        await s.WaitForNameAsync("README.md");
        Assert.Equal("Hello readme", await s.Page.TextContentAsync(".lv-docs.post article.readme h1"));
        await s.ScreenshotAsync("browse-readme");
        Assert.Null(await s.Page.EvaluateAsync<int?>("window.pwned ?? null"));
        // the only errors: the browser saying it refused the prologue's script
        Assert.NotEmpty(s.ConsoleErrors);
        Assert.All(s.ConsoleErrors, e => Assert.StartsWith("Blocked script execution in 'about:srcdoc'", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markup_in_names_and_readmes_stays_text_in_the_embedded_listing()
    {
        // the page carries the folder's ?ls JSON in a script element: a README or a name must not end it early
        const string evilName = "<img src=x onerror=window.pwned=1>.txt";
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r =>
        {
            File.WriteAllText(Path.Combine(r, evilName), "x");
            File.WriteAllText(Path.Combine(r, "README.md"), "</script><img src=x onerror=window.pwned=2>\n# hi\n");
        });
        var ls = 0;
        s.Page.Request += (_, r) => ls += r.Url.EndsWith("?ls", StringComparison.Ordinal) ? 1 : 0;
        await s.OpenAsync();
        await s.WaitForNameAsync(evilName);
        Assert.Equal(0, ls); // the first listing came with the page
        Assert.Null(await s.Page.EvaluateAsync<int?>("window.pwned ?? null"));
        Assert.Equal(0, await s.Page.Locator("#ls0").CountAsync()); // read once and dropped
        // a folder opened in the page is asked for as before
        await s.Page.ClickAsync(".crumbs a.home");
        await s.WaitForNameAsync("README.md");
        Assert.Equal(1, ls);
        Assert.Null(await s.Page.EvaluateAsync<int?>("window.pwned ?? null"));
        Assert.Empty(s.ConsoleErrors);
    }
}
