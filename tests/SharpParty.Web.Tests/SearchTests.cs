using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Web.Search;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Tests.Up2k;

namespace SharpParty.Web.Tests;

/// <summary>The index through HTTP: startup scan, query search with permissions, dedup and file-search against files
/// that were there before the server, PUT uploads hashed afterwards, deletes forgotten.</summary>
public sealed class SearchTests : IAsyncLifetime
{
    private static readonly byte[] Old = Up2kFile.Random(1_500_000, 4242);

    private TestServer _s = null!;

    public async Task InitializeAsync()
    {
        _s = await TestServer.StartAsync(["-e2dsa", "-a", "ed:pw", "-v", "pub::rwd", "-v", "priv:priv:r,ed", "-v", "pub/adm:adm:a,ed"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "pub", "music"));
            Directory.CreateDirectory(Path.Combine(root, "pub", "adm"));
            Directory.CreateDirectory(Path.Combine(root, "priv"));
            File.WriteAllText(Path.Combine(root, "pub", "music", "song one.mp3"), "not really an mp3");
            File.WriteAllText(Path.Combine(root, "pub", "notes.txt"), "notes");
            File.WriteAllText(Path.Combine(root, "pub", ".secret.txt"), "dot");
            File.WriteAllBytes(Path.Combine(root, "pub", "old.bin"), Old);
            File.WriteAllText(Path.Combine(root, "priv", "private.txt"), "private");
            File.WriteAllText(Path.Combine(root, "pub", "adm", "admin.txt"), "admin");
        });
        var scans = _s.Services.GetRequiredService<IndexScanService>();
        await scans.StartupScansDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> Search(string q, string? pw = null)
    {
        var body = new StringContent("{\"q\": " + System.Text.Json.JsonSerializer.Serialize(q) + "}", Encoding.UTF8, "application/json");
        return pw is null
            ? await _s.Client.SendText(HttpMethod.Post, "/?srch", body)
            : await _s.Client.SendText(HttpMethod.Post, "/?srch", body, ("PW", pw));
    }

    [Fact]
    public async Task Query_search_sees_only_what_the_user_may_read()
    {
        var (st, body) = await Search("name like *.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("\"rp\":\"notes.txt\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("private.txt", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".secret", body, StringComparison.Ordinal);
        // adm is mounted over pub/adm: the file is found only through that volume, which anonymous may not read
        Assert.DoesNotContain("admin.txt", body, StringComparison.Ordinal);
        Assert.Contains("\"trunc\":false", body, StringComparison.Ordinal);

        (_, body) = await Search("name like *.txt", "pw");
        Assert.Contains("\"rp\":\"priv/private.txt\"", body, StringComparison.Ordinal);

        (_, body) = await Search("path == music and name == \"song one.mp3\"");
        Assert.Contains("\"rp\":\"music/song%20one.mp3\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_query_gets_400_with_the_reason()
    {
        var (st, body) = await Search("name ~~ x");
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("unknown operator", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_were_there_before_are_found_by_content_and_deduplicated()
    {
        var f = new Up2kFile(Old, "again.bin");
        var found = await Up2kWire.HandshakeAsync(_s.Client, "/", f, extra: new() { ["srch"] = 1 });
        Assert.Contains("\"rp\":\"old.bin\"", found.Body, StringComparison.Ordinal);
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/copies/", f);
        Assert.Empty(hs.Need);
        Assert.Equal(Old, await File.ReadAllBytesAsync(_s.PathOf("pub/copies/again.bin")));
        (_, var body) = await Search("name == again.bin");
        Assert.Contains("copies/again.bin", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_uploads_are_hashed_after_the_reply_and_deletes_are_forgotten()
    {
        var data = Up2kFile.Random(300_000, 77);
        var (st, _) = await _s.Client.SendText(HttpMethod.Put, "/put/p.bin", new ByteArrayContent(data));
        Assert.Equal(HttpStatusCode.Created, st);
        var hasher = _s.Services.GetRequiredService<UploadHasher>();
        for (var i = 0; i < 100 && hasher.Pending > 0; i++)
        {
            await Task.Delay(50);
        }
        var found = await Up2kWire.HandshakeAsync(_s.Client, "/", new Up2kFile(data, "x"), extra: new() { ["srch"] = 1 });
        Assert.Contains("\"rp\":\"put/p.bin\"", found.Body, StringComparison.Ordinal);

        (st, _) = await _s.Client.SendText(HttpMethod.Delete, "/put/p.bin");
        Assert.Equal(HttpStatusCode.OK, st);
        (_, var body) = await Search("name == p.bin");
        Assert.Contains("\"hits\":[]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rescan_needs_admin()
    {
        var (st, _) = await _s.Client.SendText(HttpMethod.Get, "/?scan");
        Assert.Equal(HttpStatusCode.Forbidden, st);
        (st, _) = await _s.Client.SendText(HttpMethod.Get, "/adm/?scan", null, ("PW", "pw"));
        Assert.Equal(HttpStatusCode.OK, st);
    }

    [Fact]
    public async Task Listings_show_recursive_folder_sizes_from_the_index()
    {
        var (st, json) = await _s.Client.SendText(HttpMethod.Get, "/?ls");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("\"href\":\"music/\",\"sz\":17,\"ext\":\"---\",\"ts\":", json, StringComparison.Ordinal);
        Assert.Contains("\"tags\":{\".files\":1}", json, StringComparison.Ordinal);
        Assert.Contains("\"idx\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"taglist\":[\".files\"]", json, StringComparison.Ordinal);
        await Up2kWire.UploadAsync(_s.Client, "/music/", new Up2kFile(Up2kFile.Random(1000, 5), "new.bin"));
        (_, json) = await _s.Client.SendText(HttpMethod.Get, "/?ls");
        Assert.Contains("\"href\":\"music/\",\"sz\":1017,", json, StringComparison.Ordinal);
        Assert.Contains("\".files\":2", json, StringComparison.Ordinal);
    }
}
