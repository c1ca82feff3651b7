using System.Security.Cryptography;
using Microsoft.Playwright;
using SharpParty.E2E.Tests.Infra;

namespace SharpParty.E2E.Tests;

[Collection(BrowserGroup.Name)]
public sealed class UploadTests(BrowserFixture fx)
{
    /// <summary>A folder of mixed files: empty, tiny, one chunk, several chunks (stitched), repeated blocks, odd names.</summary>
    private static string MakeSourceFolder()
    {
        var src = Path.Combine(Path.GetTempPath(), "sp-e2e-src-" + Guid.NewGuid().ToString("N")[..8], "batch");
        Directory.CreateDirectory(Path.Combine(src, "sub dir", "deeper"));
        File.WriteAllBytes(Path.Combine(src, "empty.txt"), []);
        File.WriteAllText(Path.Combine(src, "one.txt"), "one");
        File.WriteAllBytes(Path.Combine(src, "sub dir", "300k.bin"), RandomNumberGenerator.GetBytes(300_000));
        File.WriteAllBytes(Path.Combine(src, "sub dir", "deeper", "5m.bin"), RandomNumberGenerator.GetBytes(5_000_123));
        var zeros = new byte[3 << 20]; // three identical 1 MiB chunks: sent once, copied by the server
        zeros[^1] = 7;
        File.WriteAllBytes(Path.Combine(src, "zeros.bin"), zeros);
        File.WriteAllText(Path.Combine(src, "blåbær ünïcode #1 & more.txt"), "unicode name");
        return src;
    }

    private static void AssertSameTree(string src, string dst)
    {
        var want = Directory.GetFiles(src, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(src, f)).Order().ToArray();
        var got = Directory.GetFiles(dst, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dst, f))
            .Where(f => !f.StartsWith('.')).Order().ToArray();
        Assert.Equal(want, got);
        foreach (var rel in want)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(src, rel)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dst, rel))), rel);
        }
    }

    private static async Task WaitUploadsAsync(IPage page, int count, int seconds = 60)
    {
        await page.WaitForFunctionAsync(
            "n => { const u = window.sp.panels.upload?.up; return u && u.jobs.length === n && !u.busy(); }",
            count, new PageWaitForFunctionOptions { Timeout = seconds * 1000 });
    }

    [Fact]
    public async Task A_picked_folder_arrives_byte_for_byte()
    {
        var src = MakeSourceFolder();
        try
        {
            await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw", "-e2d"], r => Directory.CreateDirectory(Path.Combine(r, "in")));
            await s.OpenAsync("/in/");
            await s.Page.ClickAsync(".tabs [data-tab=upload]");
            await s.Page.Locator(".dropzone input[webkitdirectory]").SetInputFilesAsync(src);
            await WaitUploadsAsync(s.Page, 6);
            Assert.Equal(6, await s.Page.Locator(".uplist li[data-state=ok]").CountAsync());
            await s.WaitForNameAsync("batch/");
            await s.ScreenshotAsync("upload-done");
            AssertSameTree(src, s.Server.PathOf("in/batch"));

            // the same files again: the server has them all, nothing is sent ("already there")
            await s.Page.Locator(".dropzone input[webkitdirectory]").SetInputFilesAsync(src);
            var sent = await s.Page.EvaluateAsync<long>("window.sp.panels.upload.up.bytesSent");
            await WaitUploadsAsync(s.Page, 12);
            Assert.Equal(5, await s.Page.Locator(".uplist li[data-state=done]").CountAsync()); // and the empty file
            Assert.Equal(sent, await s.Page.EvaluateAsync<long>("window.sp.panels.upload.up.bytesSent"));
            Assert.Empty(s.ConsoleErrors);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(src)!, true);
        }
    }

    [Fact]
    public async Task Without_a_secure_context_the_javascript_sha512_hashes()
    {
        // a name that is not localhost: the page is not a secure context, so crypto.subtle is missing
        await using var browser = await fx.Launch("--host-resolver-rules=MAP sp.test 127.0.0.1");
        var src = MakeSourceFolder();
        try
        {
            await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r => Directory.CreateDirectory(Path.Combine(r, "in")), browser: browser);
            var port = new Uri(s.Server.BaseUrl).Port;
            await s.OpenAsync("/in/", $"http://sp.test:{port}");
            Assert.False(await s.Page.EvaluateAsync<bool>("window.isSecureContext"));
            await s.Page.ClickAsync(".tabs [data-tab=upload]");
            await s.Page.WaitForSelectorAsync(".uploader .warn"); // "not a secure context: the slower built-in SHA-512"
            await s.Page.Locator(".dropzone input[webkitdirectory]").SetInputFilesAsync(src);
            await WaitUploadsAsync(s.Page, 6);
            Assert.Equal("js", await s.Page.EvaluateAsync<string>("window.sp.panels.upload.up.hashKind"));
            AssertSameTree(src, s.Server.PathOf("in/batch"));
            Assert.Empty(s.ConsoleErrors);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(src)!, true);
        }
    }

    [Fact]
    public async Task A_reload_in_the_middle_of_a_large_upload_resumes_where_it_stopped()
    {
        const long size = 200L << 20;
        var dir = Path.Combine(Path.GetTempPath(), "sp-e2e-big-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "big.bin");
        using (var fs = File.Create(file))
        {
            var block = new byte[1 << 20];
            for (var i = 0; i < size >> 20; i++)
            {
                RandomNumberGenerator.Fill(block);
                fs.Write(block);
            }
        }
        try
        {
            await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"]);
            // slow the upload down (Chromium's network emulation) so the reload lands in the middle
            var cdp = await s.Context.NewCDPSessionAsync(s.Page);
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false,
                ["latency"] = 0,
                ["downloadThroughput"] = -1,
                ["uploadThroughput"] = 40 << 20,
            });
            s.Page.Dialog += async (_, d) => await d.AcceptAsync(); // "uploads are running; leave?"
            await s.OpenAsync();
            await s.Page.ClickAsync(".tabs [data-tab=upload]");
            await s.Page.Locator(".dropzone input:not([webkitdirectory])").SetInputFilesAsync(file);
            await s.Page.WaitForFunctionAsync("size => window.sp.panels.upload.up.totals().bytesDone > size * 0.3", size,
                new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 50 });
            var before = await s.Page.EvaluateAsync<long>("window.sp.panels.upload.up.totals().bytesDone");
            Assert.True(before < size, "the upload finished before the reload");
            await s.Page.ReloadAsync();
            await s.WaitReadyAsync();
            await s.Page.ClickAsync(".tabs [data-tab=upload]");
            Assert.Contains("big.bin", await s.Page.TextContentAsync(".uploader .hint:has-text('Interrupted')"));
            await s.ScreenshotAsync("upload-resume-note");

            await s.Page.Locator(".dropzone input:not([webkitdirectory])").SetInputFilesAsync(file);
            await WaitUploadsAsync(s.Page, 1, 120);
            Assert.Equal("ok", await s.Page.EvaluateAsync<string>("window.sp.panels.upload.up.jobs[0].state"));
            var resent = await s.Page.EvaluateAsync<long>("window.sp.panels.upload.up.bytesSent");
            // only what was missing went again: at most what had not been confirmed plus the chunks in flight
            Assert.True(resent <= size - before + (8L << 20) * 4, $"resent {resent} of {size}, {before} were there before the reload");
            Assert.True(resent > 0);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(s.Server.PathOf("big.bin"))));
            // the note about the interrupted upload is gone once it is done
            await s.Page.WaitForSelectorAsync(".uploader .hint:has-text('Interrupted')", new() { State = WaitForSelectorState.Hidden });
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Files_dropped_on_the_listing_upload_into_the_open_folder()
    {
        await using var s = await UiSession.StartAsync(fx, ["-v", ".::rw"], r => Directory.CreateDirectory(Path.Combine(r, "here")));
        await s.OpenAsync("/here/");
        // a real drop event with a DataTransfer made in the page (Playwright cannot drag files from the desktop)
        var dt = await s.Page.EvaluateHandleAsync("""
            () => { const dt = new DataTransfer();
                    dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
                    dt.items.add(new File([new Uint8Array(70000).fill(9)], 'second.bin'));
                    return dt; }
            """);
        await s.Page.DispatchEventAsync(".lv", "dragenter", new { dataTransfer = dt });
        await s.Page.WaitForSelectorAsync(".uploader");
        await s.Page.DispatchEventAsync(".lv", "drop", new { dataTransfer = dt });
        await WaitUploadsAsync(s.Page, 2);
        await s.WaitForNameAsync("second.bin");
        Assert.Equal("dropped bytes", File.ReadAllText(s.Server.PathOf("here/dropped.txt")));
        Assert.Equal(70000, File.ReadAllBytes(s.Server.PathOf("here/second.bin")).Count(b => b == 9));
        Assert.Empty(s.ConsoleErrors);
    }
}
