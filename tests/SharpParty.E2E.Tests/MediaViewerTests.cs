using System.Diagnostics;
using Microsoft.Playwright;
using SharpParty.E2E.Tests.Infra;
using SkiaSharp;

namespace SharpParty.E2E.Tests;

/// <summary>The media viewers (ui/media/*.js) in headless Chromium against a real server: the gallery's keys, the
/// audio player's playlist, hotkeys and transcode fallback, and the markdown editor's save and conflict.</summary>
[Collection(BrowserGroup.Name)]
public sealed class MediaViewerTests(BrowserFixture fx)
{
    private static byte[] Png(SKColor color)
    {
        using var bmp = new SKBitmap(400, 300);
        using (var c = new SKCanvas(bmp))
        {
            c.Clear(color);
        }
        using var img = SKImage.FromBitmap(bmp);
        using var data = img.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>The browser module wires the viewers into the listing (as the UI will).</summary>
    private static Task<IElementHandle> InstallAsync(UiSession s) => s.Page.AddScriptTagAsync(new PageAddScriptTagOptions
    {
        Type = "module",
        Content = "import { installMediaViewers } from '/.cpr/media/index.js'; installMediaViewers(); document.body.dataset.media = '1';",
    });

    private static async Task WaitAttr(IPage page, string selector, string attr, string value)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? now = null;
        while (DateTime.UtcNow < deadline)
        {
            now = await page.EvaluateAsync<string?>($"(() => document.querySelector({System.Text.Json.JsonSerializer.Serialize(selector)})?.getAttribute('{attr}'))()");
            if (now == value)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{selector} [{attr}] stayed '{now}', expected '{value}'");
    }

    [Fact]
    public async Task Gallery_keys_walk_rotate_select_and_close()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::r"], root =>
        {
            File.WriteAllBytes(Path.Combine(root, "a.png"), Png(SKColors.Red));
            File.WriteAllBytes(Path.Combine(root, "b.png"), Png(SKColors.Green));
            File.WriteAllBytes(Path.Combine(root, "c.png"), Png(SKColors.Blue));
            File.WriteAllText(Path.Combine(root, "notes.txt"), "x");
        });
        await s.OpenAsync();
        await s.WaitForNameAsync("b.png");
        await InstallAsync(s);
        await s.Page.WaitForSelectorAsync("body[data-media='1']");
        await s.Page.ClickAsync(".lv-row .nm >> text=b.png");
        await s.Page.WaitForSelectorAsync(".spm-gal img[src$='b.png']");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "1");
        Assert.Equal("2 / 3", await s.Page.TextContentAsync(".spm-gal .spm-count"));
        await s.Page.Keyboard.PressAsync("l");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "2");
        await s.Page.Keyboard.PressAsync("ArrowLeft");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "1");
        await s.Page.Keyboard.PressAsync("Home");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "0");
        await s.Page.Keyboard.PressAsync("End");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "2");
        await s.Page.Keyboard.PressAsync("j");
        await WaitAttr(s.Page, ".spm-gal", "data-index", "1");
        await s.Page.Keyboard.PressAsync("r");
        await WaitAttr(s.Page, ".spm-gal", "data-rotation", "90");
        Assert.Contains("rotate(90deg)", await s.Page.GetAttributeAsync(".spm-gal img", "style"), StringComparison.Ordinal);
        await s.Page.Keyboard.PressAsync("s");
        Assert.True(await s.Page.EvaluateAsync<bool>("document.querySelector('.spm-gal').classList.contains('spm-sel')"));
        // the image really loaded (natural size from the server)
        Assert.Equal(400, await s.Page.EvaluateAsync<int>("document.querySelector('.spm-gal img').naturalWidth"));
        await s.ScreenshotAsync("media-gallery");
        await s.Page.Keyboard.PressAsync("Escape");
        await s.Page.WaitForSelectorAsync(".spm-gal", new() { State = WaitForSelectorState.Detached });
        Assert.Empty(s.ConsoleErrors);
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-nostdin", "-v", "error", "-y", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit(60_000);
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public async Task Audio_player_plays_continues_takes_hotkeys_and_transcodes()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::r"], root =>
        {
            Ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "libopus", Path.Combine(root, "1 short.opus"));
            Ffmpeg("-f", "lavfi", "-i", "sine=f=550:d=20", "-c:a", "libopus", Path.Combine(root, "2 long.opus"));
            Ffmpeg("-f", "lavfi", "-i", "sine=f=660:d=20", Path.Combine(root, "3 odd.aiff")); // no browser plays AIFF
        });
        await s.OpenAsync();
        await s.WaitForNameAsync("3 odd.aiff");
        await InstallAsync(s);
        await s.Page.WaitForSelectorAsync("body[data-media='1']");
        await s.Page.ClickAsync(".lv-row .nm >> text=1 short.opus");
        await s.Page.WaitForSelectorAsync(".spm-pl");
        // track 1 ends after a second and the player continues with track 2 by itself
        await WaitAttr(s.Page, ".spm-pl", "data-index", "1");
        await WaitAttr(s.Page, ".spm-pl", "data-state", "playing");
        Assert.Equal("2 long.opus", await s.Page.TextContentAsync(".spm-pl .spm-title"));
        await s.ScreenshotAsync("media-player");
        // P pauses, 5 jumps to the middle, O seeks forward
        await s.Page.Keyboard.PressAsync("p");
        await WaitAttr(s.Page, ".spm-pl", "data-state", "paused");
        await s.Page.Keyboard.PressAsync("5");
        var pos = await WaitPosition(s.Page, 9, 11);
        await s.Page.Keyboard.PressAsync("o");
        pos = await WaitPosition(s.Page, pos + 9, pos + 11);
        await s.Page.Keyboard.PressAsync("u");
        await WaitPosition(s.Page, pos - 11, pos - 9);
        // L: the AIFF, which this browser cannot play: the server transcodes it
        await s.Page.Keyboard.PressAsync("l");
        await WaitAttr(s.Page, ".spm-pl", "data-index", "2");
        Assert.Contains("th=opus", await s.Page.GetAttributeAsync(".spm-pl", "data-src"), StringComparison.Ordinal);
        await WaitAttr(s.Page, ".spm-pl", "data-state", "playing");
        Assert.True(await s.Page.EvaluateAsync<bool>("'mediaSession' in navigator && navigator.mediaSession.metadata?.title === '3 odd.aiff'"));
        // J: back to track 2 (within 3 s of the start)
        await s.Page.Keyboard.PressAsync("j");
        await WaitAttr(s.Page, ".spm-pl", "data-index", "1");
        Assert.Empty(s.ConsoleErrors);
    }

    /// <summary>Waits until the player's position is within [lo, hi] seconds; returns it.</summary>
    private static async Task<double> WaitPosition(IPage page, double lo, double hi)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        double now = -1;
        while (DateTime.UtcNow < deadline)
        {
            now = await page.EvaluateAsync<double>("window.spPlayer?.audio.currentTime ?? -1");
            if (now >= lo && now <= hi)
            {
                return now;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"position stayed {now}, expected {lo}..{hi}");
    }

    [Fact]
    public async Task Editor_saves_and_handles_a_conflict()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rwmd"], root => File.WriteAllText(Path.Combine(root, "doc.md"), "# first\n"));
        var path = s.Server.PathOf("doc.md");
        await s.Page.GotoAsync(s.Server.BaseUrl + "/doc.md?edit");
        await s.Page.WaitForSelectorAsync("#mdtext");
        await s.Page.FillAsync("#mdtext", "# second\n");
        await s.Page.Keyboard.PressAsync("Control+s");
        await s.Page.WaitForSelectorAsync("#mdstatus.ok");
        Assert.Equal("# second\n", await File.ReadAllTextAsync(path));

        // someone else saves meanwhile (a newer mtime on the server)
        await File.WriteAllTextAsync(path, "# theirs\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        await s.Page.FillAsync("#mdtext", "# mine\n");
        var answers = new Queue<bool>([false, true]);
        var asked = new List<string>();
        s.Page.Dialog += async (_, d) =>
        {
            asked.Add(d.Message);
            if (answers.Dequeue())
            {
                await d.AcceptAsync();
            }
            else
            {
                await d.DismissAsync();
            }
        };
        await s.Page.ClickAsync("#mdsave");
        await s.Page.WaitForSelectorAsync("#mdstatus.err");
        Assert.Single(asked);
        Assert.Contains("changed on the server", asked[0], StringComparison.Ordinal);
        Assert.Equal("# theirs\n", await File.ReadAllTextAsync(path)); // declined: nothing overwritten
        await s.ScreenshotAsync("media-editor-conflict");
        // saving again and accepting the overwrite
        await s.Page.ClickAsync("#mdsave");
        await s.Page.WaitForSelectorAsync("#mdstatus.ok");
        Assert.Equal("# mine\n", await File.ReadAllTextAsync(path));
        Assert.Equal(2, asked.Count);
        // the viewer shows it rendered
        await s.Page.GotoAsync(s.Server.BaseUrl + "/doc.md?v");
        Assert.Equal("mine", await s.Page.TextContentAsync("#md h1"));
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Text_viewer_highlights_code_escapes_markup_wraps_and_closes()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::r"], root =>
        {
            File.WriteAllText(Path.Combine(root, "main.py"), "# a comment\ndef greet(name):\n    return \"hi \" + name  # x\n\nprint(greet('you'), 42)\n");
            // markup in a file is text to show, never markup to run
            File.WriteAllText(Path.Combine(root, "page.html"), "<p class=\"x\">hi</p>\n<img src=x onerror=\"window.__pwned=1\">\n<script>window.__pwned=2</script>\n");
            File.WriteAllText(Path.Combine(root, "notes.txt"), "plain <b>text</b>\nsecond line\n");
        });
        await s.OpenAsync();
        await s.WaitForNameAsync("main.py");
        await s.Page.ClickAsync(".lv-row .nm >> text=main.py");
        await s.Page.WaitForSelectorAsync(".spm-txt[data-lines='5']");
        Assert.Equal("py", await s.Page.GetAttributeAsync(".spm-txt", "data-lang"));
        Assert.Equal(["def", "return"], await s.Page.EvalOnSelectorAllAsync<string[]>(".spm-txt .spt-kw", "els => els.map(e => e.textContent)"));
        Assert.Equal(["# a comment", "# x"], await s.Page.EvalOnSelectorAllAsync<string[]>(".spm-txt .spt-com", "els => els.map(e => e.textContent)"));
        Assert.Equal(["\"hi \"", "'you'"], await s.Page.EvalOnSelectorAllAsync<string[]>(".spm-txt .spt-str", "els => els.map(e => e.textContent)"));
        Assert.Equal("42", await s.Page.TextContentAsync(".spm-txt .spt-num"));
        // the highlighted text is the file, byte for byte
        Assert.Equal(await File.ReadAllTextAsync(s.Server.PathOf("main.py")), await s.Page.TextContentAsync(".spm-txt .spm-code"));
        Assert.Equal("1\n2\n3\n4\n5", await s.Page.TextContentAsync(".spm-txt .spm-gut"));
        await s.ScreenshotAsync("media-textview");
        await s.Page.Keyboard.PressAsync("w");
        Assert.True(await s.Page.EvaluateAsync<bool>("document.querySelector('.spm-txt').classList.contains('spm-wrap')"));
        await s.Page.Keyboard.PressAsync("Escape");
        await s.Page.WaitForSelectorAsync(".spm-txt", new() { State = WaitForSelectorState.Detached });

        await s.Page.ClickAsync(".lv-row .nm >> text=page.html");
        await s.Page.WaitForSelectorAsync(".spm-txt[data-lang='markup'] .spt-tag");
        Assert.Equal(0, await s.Page.EvalOnSelectorAllAsync<int>(".spm-txt .spm-code img, .spm-txt .spm-code script, .spm-txt .spm-code p", "els => els.length"));
        Assert.Contains("<script>window.__pwned=2</script>", await s.Page.TextContentAsync(".spm-txt .spm-code"), StringComparison.Ordinal);
        await Task.Delay(200);
        Assert.Null(await s.Page.EvaluateAsync<int?>("window.__pwned ?? null"));
        await s.Page.ClickAsync(".spm-txt .spm-close");
        await s.Page.WaitForSelectorAsync(".spm-txt", new() { State = WaitForSelectorState.Detached });

        await s.Page.ClickAsync(".lv-row .nm >> text=notes.txt");
        await s.Page.WaitForSelectorAsync(".spm-txt[data-lang='plain'][data-lines='2']");
        Assert.Equal("plain <b>text</b>\nsecond line\n", await s.Page.TextContentAsync(".spm-txt .spm-code"));
        Assert.Equal(0, await s.Page.EvalOnSelectorAllAsync<int>(".spm-txt .spm-code span, .spm-txt .spm-code b", "els => els.length"));
        Assert.Empty(s.ConsoleErrors);
    }
}
