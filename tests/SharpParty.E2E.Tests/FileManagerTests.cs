using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.Playwright;
using SharpParty.E2E.Tests.Infra;

namespace SharpParty.E2E.Tests;

[Collection(BrowserGroup.Name)]
public sealed class FileManagerTests(BrowserFixture fx)
{
    private static void Files(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "src"));
        Directory.CreateDirectory(Path.Combine(root, "dst"));
        for (var i = 1; i <= 3; i++)
        {
            File.WriteAllText(Path.Combine(root, "src", $"file {i}.txt"), "content " + i);
        }
        File.WriteAllText(Path.Combine(root, "src", "keep.md"), "keep");
    }

    private static Task Row(UiSession s, string name) => s.Page.ClickAsync($".lv-row:has(.nm:text-is('{name}')) .c-size");

    private static async Task AnswerAsync(IPage page, string text)
    {
        await page.WaitForSelectorAsync("dialog[open] input");
        await page.FillAsync("dialog[open] input", text);
        await page.ClickAsync("dialog[open] button[value=ok]");
    }

    [Fact]
    public async Task Rename_with_F2_batch_rename_mkdir_and_delete()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rwmd"], Files);
        await s.OpenAsync("/src/");
        await s.WaitForNameAsync("file 1.txt");
        // F2 on one file: the name without its extension is preselected
        await Row(s, "file 1.txt");
        await s.Page.Keyboard.PressAsync("F2");
        await s.Page.WaitForSelectorAsync("dialog[open] input");
        Assert.Equal("file 1", await s.Page.EvaluateAsync<string>("(() => { const i = document.querySelector('dialog[open] input'); return i.value.slice(i.selectionStart, i.selectionEnd); })()"));
        await AnswerAsync(s.Page, "renamed.txt");
        await s.WaitForNameAsync("renamed.txt");
        Assert.Equal("content 1", File.ReadAllText(s.Server.PathOf("src/renamed.txt")));
        Assert.False(File.Exists(s.Server.PathOf("src/file 1.txt")));

        // batch rename of two files: regex groups and $lpad
        await Row(s, "file 2.txt");
        await s.Page.ClickAsync(".lv-row:has(.nm:text-is('file 3.txt')) .c-size", new() { Modifiers = [KeyboardModifier.Control] });
        await s.Page.Keyboard.PressAsync("F2");
        await s.Page.WaitForSelectorAsync("dialog[open] .br");
        var inputs = s.Page.Locator("dialog[open] .br input");
        await inputs.Nth(0).FillAsync(@"^file (\d+)\.txt$");
        await inputs.Nth(1).FillAsync("track $lpad($1,3,0).(ext)");
        Assert.Contains("track 002.txt", await s.Page.TextContentAsync("dialog[open] .brtable"));
        await s.ScreenshotAsync("batch-rename");
        await s.Page.ClickAsync("dialog[open] button[value=ok]");
        await s.WaitForNameAsync("track 003.txt");
        Assert.Equal("content 2", File.ReadAllText(s.Server.PathOf("src/track 002.txt")));

        // new folder
        await s.Page.ClickAsync(".toolbar button:text-is('New folder')");
        await AnswerAsync(s.Page, "made here");
        await s.WaitForNameAsync("made here/");
        Assert.True(Directory.Exists(s.Server.PathOf("src/made here")));

        // delete asks first; cancel keeps the file, OK removes it
        await Row(s, "keep.md");
        await s.Page.Keyboard.PressAsync("Delete");
        await s.Page.ClickAsync("dialog[open] button[value=no]");
        Assert.True(File.Exists(s.Server.PathOf("src/keep.md")));
        await s.Page.Keyboard.PressAsync("Control+k");
        await s.ScreenshotAsync("delete-confirm");
        await s.Page.ClickAsync("dialog[open] button[value=ok]");
        await s.WaitForNameAsync("keep.md", present: false);
        Assert.False(File.Exists(s.Server.PathOf("src/keep.md")));
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task A_new_markdown_document_opens_in_the_editor()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rwmd"], Files);
        await s.OpenAsync("/src/");
        await s.WaitForNameAsync("keep.md");
        await s.Page.ClickAsync(".toolbar button:text-is('New document')");
        await AnswerAsync(s.Page, "ideas");
        // copyparty's act=new_md: an empty ideas.md, and the browser goes to its editor
        await s.Page.WaitForURLAsync("**/src/ideas.md?edit");
        Assert.Equal(0, new FileInfo(s.Server.PathOf("src/ideas.md")).Length);
        await s.Page.FillAsync("#mdtext", "# ideas\n\nwritten in the browser\n");
        await s.Page.ClickAsync("#mdsave");
        await s.Page.WaitForFunctionAsync("() => /saved/i.test(document.querySelector('#mdstatus').textContent)");
        Assert.Equal("# ideas\n\nwritten in the browser\n", File.ReadAllText(s.Server.PathOf("src/ideas.md")));
        await s.ScreenshotAsync("new-document-editor");

        // the same name again: the page says it exists, and the file keeps what was written
        await s.OpenAsync("/src/");
        await s.WaitForNameAsync("ideas.md");
        await s.Page.ClickAsync(".toolbar button:text-is('New document')");
        await AnswerAsync(s.Page, "ideas.md");
        await s.Page.WaitForSelectorAsync(".toast.err:has-text('exists already')");
        Assert.StartsWith("# ideas", File.ReadAllText(s.Server.PathOf("src/ideas.md")), StringComparison.Ordinal);
        Assert.Equal([$"409 POST {s.Server.BaseUrl}/src/"], s.ConsoleErrors);
    }

    [Fact]
    public async Task A_selection_downloads_as_zip_or_as_tar_from_settings()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rwmd"], r =>
        {
            Files(r);
            Directory.CreateDirectory(Path.Combine(r, "src", "inner"));
            File.WriteAllText(Path.Combine(r, "src", "inner", "deep.txt"), "deep");
        });
        await s.OpenAsync("/src/");
        await s.WaitForNameAsync("file 1.txt");
        await Row(s, "file 1.txt");
        await s.Page.ClickAsync(".lv-row:has(.nm:text-is('inner/')) .c-date", new() { Modifiers = [KeyboardModifier.Control] });
        // Y: the selection as one archive, in the format from the settings (zip by default)
        var dl = s.Page.WaitForDownloadAsync();
        await s.Page.Keyboard.PressAsync("y");
        var zipPath = await (await dl).PathAsync();
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(["file 1.txt", "inner/deep.txt"], zip.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith('/')).Select(e => e.FullName).Order());
            using var r = new StreamReader(zip.GetEntry("inner/deep.txt")!.Open());
            Assert.Equal("deep", await r.ReadToEndAsync());
        }
        // settings: tar instead; the toolbar's button says so
        await s.Page.ClickAsync(".tabs [data-tab=settings]");
        await s.Page.SelectOptionAsync("#set-arc", "tar");
        await s.Page.Keyboard.PressAsync("Escape");
        Assert.Contains("tar", await s.Page.GetAttributeAsync(".toolbar button:text-is('Download')", "title"));
        dl = s.Page.WaitForDownloadAsync();
        await s.Page.ClickAsync(".toolbar button:text-is('Download')");
        var tarPath = await (await dl).PathAsync();
        var names = new List<string>();
        await using (var f = File.OpenRead(tarPath))
        {
            using var tr = new TarReader(f);
            while (await tr.GetNextEntryAsync() is { } e)
            {
                if (e.EntryType != TarEntryType.Directory)
                {
                    names.Add(e.Name);
                }
            }
        }
        Assert.Equal(["file 1.txt", "inner/deep.txt"], names.Order());
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task A_message_goes_to_the_server()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], Files);
        await s.OpenAsync("/src/");
        await s.Page.ClickAsync(".toolbar button:text-is('Send message')");
        var sent = s.Page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/src/", StringComparison.Ordinal));
        await AnswerAsync(s.Page, "hello from the page & co");
        var req = await sent;
        Assert.Equal("msg=hello%20from%20the%20page%20%26%20co", req.PostData);
        Assert.Equal(200, (await req.ResponseAsync())!.Status);
        await s.Page.WaitForSelectorAsync(".toast.ok:has-text('Message sent')");
        Assert.Empty(s.ConsoleErrors);
    }

    [Fact]
    public async Task Cut_in_one_tab_paste_in_another_and_copy()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rwmd"], Files);
        await s.OpenAsync("/src/");
        await s.WaitForNameAsync("file 1.txt");
        await Row(s, "file 1.txt");
        await s.Page.ClickAsync(".lv-row:has(.nm:text-is('file 2.txt')) .c-size", new() { Modifiers = [KeyboardModifier.Shift] });
        await s.Page.Keyboard.PressAsync("Control+x");
        Assert.Equal(2, await s.Page.Locator(".lv-row.cutting").CountAsync());

        // a second tab of the same browser sees the clipboard (localStorage) and pastes
        var tab2 = await s.Context.NewPageAsync();
        await tab2.GotoAsync(s.Server.BaseUrl + "/dst/");
        await tab2.WaitForSelectorAsync(".app[data-ready='1']");
        await tab2.ClickAsync(".toolbar button.paste");
        await tab2.WaitForSelectorAsync(".lv-row .nm:text-is('file 2.txt')");
        Assert.Equal("content 1", File.ReadAllText(s.Server.PathOf("dst/file 1.txt")));
        Assert.False(File.Exists(s.Server.PathOf("src/file 1.txt")));
        // the paste emptied the clipboard in both tabs
        await s.Page.WaitForSelectorAsync(".toolbar button.paste", new() { State = WaitForSelectorState.Detached });

        // copy (Ctrl-C) and paste with Ctrl-V: both copies exist
        await s.Page.ReloadAsync();
        await s.WaitReadyAsync();
        await Row(s, "file 3.txt");
        await s.Page.Keyboard.PressAsync("Control+c");
        await s.Page.ClickAsync(".crumbs a.home");
        await s.WaitForNameAsync("dst/");
        await s.Page.ClickAsync(".lv-row .nm:text-is('dst/')");
        await s.WaitForNameAsync("file 1.txt");
        await s.Page.Keyboard.PressAsync("Control+v");
        await s.WaitForNameAsync("file 3.txt");
        Assert.Equal("content 3", File.ReadAllText(s.Server.PathOf("dst/file 3.txt")));
        Assert.True(File.Exists(s.Server.PathOf("src/file 3.txt")));
        Assert.Empty(s.ConsoleErrors);
    }
}
