using SharpParty.E2E.Tests.Infra;

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
}
