using Microsoft.Playwright;
using SharpParty.E2E.Tests.Infra;

namespace SharpParty.E2E.Tests;

[Collection(BrowserGroup.Name)]
public sealed class PanelTests(BrowserFixture fx)
{
    [Fact]
    public async Task Search_finds_by_name_and_size_and_opens_the_folder()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw", "-e2dsa"], r =>
        {
            Directory.CreateDirectory(Path.Combine(r, "deep", "er"));
            File.WriteAllText(Path.Combine(r, "deep", "er", "needle in hay.txt"), "x");
            File.WriteAllBytes(Path.Combine(r, "deep", "large needle.bin"), new byte[3 << 20]);
            File.WriteAllText(Path.Combine(r, "other.txt"), "y");
        });
        await s.OpenAsync();
        await s.Page.Keyboard.PressAsync("/");
        await s.Page.FillAsync("#srch-name", "needle");
        await s.Page.Keyboard.PressAsync("Enter");
        await s.Page.WaitForSelectorAsync(".results td a:text-is('needle in hay.txt')", new() { Timeout = 20_000 });
        Assert.Equal(2, await s.Page.Locator(".results tbody tr").CountAsync());
        await s.ScreenshotAsync("search");
        await s.Page.FillAsync("#srch-sizemin", "1");
        await s.Page.Keyboard.PressAsync("Enter");
        await s.Page.WaitForFunctionAsync("() => document.querySelectorAll('.results tbody tr').length === 1");
        Assert.Equal("large needle.bin", await s.Page.TextContentAsync(".results tbody td a"));
        await s.Page.ClickAsync(".results a.dir");
        await s.WaitForPathAsync("/deep/");
        await s.WaitForNameAsync("large needle.bin");
    }

    [Fact]
    public async Task My_uploads_lists_what_this_browser_sent_and_deletes_it_without_delete_permission()
    {
        // write but no delete: unpost is the only way to take an upload back
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"]);
        await s.OpenAsync();
        var tmp = Path.Combine(Path.GetTempPath(), "sp-unpost-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        await File.WriteAllTextAsync(tmp, "take me back");
        try
        {
            await s.Page.ClickAsync(".tabs [data-tab=upload]");
            await s.Page.Locator(".dropzone input:not([webkitdirectory])").SetInputFilesAsync(tmp);
            await s.Page.WaitForFunctionAsync("() => { const u = window.sp.panels.upload.up; return u.jobs.length === 1 && !u.busy(); }");
            var name = Path.GetFileName(tmp);
            Assert.True(File.Exists(s.Server.PathOf(name)));
            await s.Page.ClickAsync(".tabs [data-tab=unpost]");
            await s.Page.WaitForSelectorAsync($".unpost td a:text-is('/{name}')");
            await s.ScreenshotAsync("unpost");
            await s.Page.ClickAsync(".unpost button.danger");
            await s.Page.ClickAsync("dialog[open] button[value=ok]");
            await s.Page.WaitForSelectorAsync(".unpost p.hint:text-is('You have no recent uploads here.')");
            Assert.False(File.Exists(s.Server.PathOf(name)));
            await s.WaitForNameAsync(name, present: false);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    [Fact]
    public async Task Ten_thousand_files_scroll_in_a_virtual_list_and_a_phone_layout_fits()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r =>
        {
            var d = Path.Combine(r, "many");
            Directory.CreateDirectory(d);
            for (var i = 0; i < 10_000; i++)
            {
                File.WriteAllBytes(Path.Combine(d, $"f{i:D5}.dat"), []);
            }
        });
        await s.OpenAsync("/many/");
        await s.WaitForNameAsync("f00000.dat");
        // only the rows on screen exist
        Assert.InRange(await s.Page.Locator(".lv-row").CountAsync(), 10, 80);
        await s.Page.Keyboard.PressAsync("End");
        await s.WaitForNameAsync("f09999.dat");
        Assert.InRange(await s.Page.Locator(".lv-row").CountAsync(), 10, 80);
        await s.Page.Keyboard.PressAsync("Control+a");
        Assert.Contains("10000 selected", await s.Page.TextContentAsync(".selinfo"));
        await s.ScreenshotAsync("many-files");

        await s.Page.SetViewportSizeAsync(390, 800);
        await s.Page.Keyboard.PressAsync("Escape");
        await s.Page.Keyboard.PressAsync("Home");
        await s.WaitForNameAsync("f00000.dat");
        var overflow = await s.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow);
        await s.ScreenshotAsync("phone");
    }
}
