using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Web.Search;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Tests.Up2k;

namespace SharpParty.Web.Tests;

/// <summary>Media tags end to end: -e2ts reads tags of files found by the scan, uploads get theirs after the upload,
/// listings show them in -mte order, and searches find by tag (numbers compare as numbers).</summary>
public sealed class TagIndexTests
{
    private static bool MakeMp3(string path, string artist, string title)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-metadata", "artist=" + artist,
            "-metadata", "title=" + title, "-metadata", "TBPM=128", "-y", path])
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit(30_000);
            return p.ExitCode == 0 && File.Exists(path);
        }
        catch (System.ComponentModel.Win32Exception) when (Environment.GetEnvironmentVariable("SHARPPARTY_REQUIRE_FFMPEG") != "1")
        {
            return false; // no ffmpeg on this machine; CI installs it and sets SHARPPARTY_REQUIRE_FFMPEG
        }
    }

    [Fact]
    public async Task Scanned_and_uploaded_media_get_tags_in_listings_and_search()
    {
        var tmp = Path.Combine(Path.GetTempPath(), "sp-tagsrc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tmp);
        try
        {
            if (!MakeMp3(Path.Combine(tmp, "a.mp3"), "Foo Fighters", "Everlong") || !MakeMp3(Path.Combine(tmp, "b.mp3"), "Bar Band", "Uploaded"))
            {
                return;
            }
            await using var s = await TestServer.StartAsync(["-e2ts", "-v", "m::rw"], root =>
            {
                Directory.CreateDirectory(Path.Combine(root, "m", "music"));
                File.Copy(Path.Combine(tmp, "a.mp3"), Path.Combine(root, "m", "music", "a.mp3"));
            });
            await s.Services.GetRequiredService<IndexScanService>().StartupScansDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var (st, json) = await s.Client.SendText(HttpMethod.Get, "/music/?ls");
            Assert.Equal(HttpStatusCode.OK, st);
            Assert.Contains("\"artist\":\"Foo Fighters\"", json, StringComparison.Ordinal);
            Assert.Contains("\"title\":\"Everlong\"", json, StringComparison.Ordinal);
            Assert.Contains("\".dur\":2", json, StringComparison.Ordinal);
            Assert.Contains("\"taglist\":[\".files\",\"artist\",\"title\",\".bpm\",\".dur\"", json, StringComparison.Ordinal);
            Assert.Contains("\"itag\":true", json, StringComparison.Ordinal);

            var f = new Up2kFile(await File.ReadAllBytesAsync(Path.Combine(tmp, "b.mp3")), "b.mp3");
            await Up2kWire.UploadAsync(s.Client, "/music/", f);
            // the upload's tags are read in the background: wait (bounded) for them to show, not for the queue, which can
            // still be empty before the finished upload has been handed to it
            for (var i = 0; i < 200; i++)
            {
                (_, json) = await s.Client.SendText(HttpMethod.Get, "/music/?ls");
                if (json.Contains("\"artist\":\"Bar Band\"", StringComparison.Ordinal))
                {
                    break;
                }
                await Task.Delay(50);
            }
            Assert.Contains("\"artist\":\"Bar Band\"", json, StringComparison.Ordinal);

            async Task<string> Search(string q) => (await s.Client.SendText(HttpMethod.Post, "/?srch",
                new StringContent("{\"q\":" + System.Text.Json.JsonSerializer.Serialize(q) + "}", Encoding.UTF8, "application/json"))).Body;
            var foo = await Search("artist = foo*");
            Assert.Contains("music/a.mp3", foo, StringComparison.Ordinal);
            // copyparty's hits carry their tags and the reply a tag_order (-mte keys first, in -mte order)
            using (var doc = System.Text.Json.JsonDocument.Parse(foo))
            {
                var tags = doc.RootElement.GetProperty("hits")[0].GetProperty("tags");
                Assert.Equal("Foo Fighters", tags.GetProperty("artist").GetString());
                Assert.Equal("Everlong", tags.GetProperty("title").GetString());
                Assert.Equal(System.Text.Json.JsonValueKind.Number, tags.GetProperty(".dur").ValueKind);
                var order = doc.RootElement.GetProperty("tag_order").EnumerateArray().Select(e => e.GetString()).ToList();
                Assert.Equal(["artist", "title"], order.Take(2));
                Assert.Contains(".dur", order);
                Assert.Equal(order.Count, order.Distinct().Count());
            }
            Assert.DoesNotContain("b.mp3", await Search("artist = foo*"), StringComparison.Ordinal);
            var bpm = await Search(".bpm >= 100");
            Assert.Contains("a.mp3", bpm, StringComparison.Ordinal);
            Assert.Contains("b.mp3", bpm, StringComparison.Ordinal);
            Assert.Contains("\"hits\":[]", await Search(".bpm > 500"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(tmp, true);
        }
    }
}
