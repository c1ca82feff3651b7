using System.Net;
using System.Text;
using System.Text.Json;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

public class BasicHttpTests
{
    private static Task<TestServer> Start() => TestServer.StartAsync(["-v", "srv::r", "-v", "up:up:rwmd", "-a", "ed:wark", "-v", "adm:adm:A,ed"], root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
        Directory.CreateDirectory(Path.Combine(root, "up"));
        Directory.CreateDirectory(Path.Combine(root, "adm"));
        File.WriteAllText(Path.Combine(root, "srv", "hello.txt"), "hello world\n");
        File.WriteAllText(Path.Combine(root, "srv", ".secret"), "dot");
    });

    [Fact]
    public async Task Get_file_has_validators_and_type()
    {
        await using var s = await Start();
        using var res = await s.Client.GetAsync("/hello.txt");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("hello world\n", await res.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        Assert.NotNull(res.Headers.ETag);
        Assert.True(res.Headers.ETag!.IsWeak == false);
        Assert.NotNull(res.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Conditional_get_gives_304_and_if_match_412()
    {
        await using var s = await Start();
        using var first = await s.Client.GetAsync("/hello.txt");
        var etag = first.Headers.ETag!.Tag;
        var (st, _) = await s.Client.SendText(HttpMethod.Get, "/hello.txt", null, ("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, st);
        var lm = first.Content.Headers.LastModified!.Value.ToString("R");
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/hello.txt", null, ("If-Modified-Since", lm));
        Assert.Equal(HttpStatusCode.NotModified, st);
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/hello.txt", null, ("If-Match", "\"nope\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, st);
    }

    [Theory]
    [InlineData("bytes=0-4", 206, "hello")]
    [InlineData("bytes=-6", 206, "world\n")]
    [InlineData("bytes=6-", 206, "world\n")]
    [InlineData("bytes=100-200", 416, null)]
    [InlineData("bytes=abc", 200, "hello world\n")]
    public async Task Single_ranges(string range, int status, string? body)
    {
        await using var s = await Start();
        var (st, text) = await s.Client.SendText(HttpMethod.Get, "/hello.txt", null, ("Range", range));
        Assert.Equal(status, (int)st);
        if (body is not null)
        {
            Assert.Equal(body, text);
        }
    }

    [Fact]
    public async Task Multiple_ranges_give_multipart_byteranges()
    {
        await using var s = await Start();
        using var req = new HttpRequestMessage(HttpMethod.Get, "/hello.txt");
        req.Headers.TryAddWithoutValidation("Range", "bytes=0-1,6-7");
        using var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
        Assert.StartsWith("multipart/byteranges", res.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var body = await res.Content.ReadAsStringAsync();
        Assert.Contains("Content-Range: bytes 0-1/12\r\n\r\nhe\r\n", body, StringComparison.Ordinal);
        Assert.Contains("Content-Range: bytes 6-7/12\r\n\r\nwo\r\n", body, StringComparison.Ordinal);
        Assert.Equal(res.Content.Headers.ContentLength, Encoding.UTF8.GetByteCount(body));
    }

    [Fact]
    public async Task If_range_with_stale_etag_sends_whole_file()
    {
        await using var s = await Start();
        var (st, text) = await s.Client.SendText(HttpMethod.Get, "/hello.txt", null, ("Range", "bytes=0-1"), ("If-Range", "\"stale\""));
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("hello world\n", text);
    }

    [Fact]
    public async Task A_big_folder_is_listed_whole_through_its_stat_slices()
    {
        // 2,500 files: the lister stats 1,024 names at a time, so this takes two full slices and a partial one; a
        // subfolder, a dotfile and a symlink among them land in different slices
        await using var s = await TestServer.StartAsync(["-v", "srv::r"], root =>
        {
            var big = Path.Combine(root, "srv", "big");
            Directory.CreateDirectory(Path.Combine(big, "zz-sub"));
            for (var i = 0; i < 2500; i++)
            {
                File.WriteAllText(Path.Combine(big, $"f{i:D5}.bin"), new string('x', i % 50));
            }
            File.WriteAllText(Path.Combine(big, ".hidden"), "dot");
            File.CreateSymbolicLink(Path.Combine(big, "link.bin"), Path.Combine(big, "f00007.bin"));
        });
        var (st, text) = await s.Client.SendText(HttpMethod.Get, "/big/?ls");
        Assert.Equal(HttpStatusCode.OK, st);
        using var doc = JsonDocument.Parse(text);
        var files = doc.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("href").GetString()!, f => f.GetProperty("sz").GetInt64());
        Assert.Equal(2501, files.Count);
        Assert.All(Enumerable.Range(0, 2500), i => Assert.Equal(i % 50, files[$"f{i:D5}.bin"]));
        Assert.Equal(7, files["link.bin"]); // a link is listed as what it points to
        Assert.Equal(["zz-sub/"], doc.RootElement.GetProperty("dirs").EnumerateArray().Select(d => d.GetProperty("href").GetString()));
    }

    [Fact]
    public async Task Ls_json_has_copyparty_shape()
    {
        await using var s = await Start();
        var (st, text) = await s.Client.SendText(HttpMethod.Get, "/?ls");
        Assert.Equal(HttpStatusCode.OK, st);
        using var doc = JsonDocument.Parse(text);
        var r = doc.RootElement;
        string[] keys = ["dirs", "files", "taglist", "srvinf", "acct", "idx", "itag", "dsort", "dcrop", "dth3x", "u2ts", "lifetime", "frand", "unlist", "perms", "logues", "readmes"];
        Assert.Equal(keys, r.EnumerateObject().Select(p => p.Name));
        Assert.Equal("*", r.GetProperty("acct").GetString());
        Assert.Equal(["read"], r.GetProperty("perms").EnumerateArray().Select(x => x.GetString()));
        var file = r.GetProperty("files").EnumerateArray().Single();
        Assert.Equal("hello.txt", file.GetProperty("href").GetString());
        Assert.Equal(12, file.GetProperty("sz").GetInt64());
        Assert.Equal("txt", file.GetProperty("ext").GetString());
        Assert.Equal("-", file.GetProperty("lead").GetString());
        var dirs = r.GetProperty("dirs").EnumerateArray().Select(d => d.GetProperty("href").GetString()).ToList();
        Assert.Equal(["sub/", "up/"], dirs.Order());
        Assert.DoesNotContain(".secret", text, StringComparison.Ordinal);
        var sub = r.GetProperty("dirs").EnumerateArray().Single(d => d.GetProperty("href").GetString() == "sub/");
        Assert.Equal("<a href=\"sub/?zip=crc\" rel=\"nofollow\">zip</a>", sub.GetProperty("lead").GetString());
        Assert.Equal("---", sub.GetProperty("ext").GetString());
    }

    [Fact]
    public async Task Dotfiles_are_hidden_and_not_served_without_the_dot_permission()
    {
        await using var s = await Start();
        var (st, _) = await s.Client.SendText(HttpMethod.Get, "/.secret");
        Assert.Equal(HttpStatusCode.NotFound, st);
    }

    [Fact]
    public async Task Put_replies_like_copyparty_and_renames_on_collision()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Put, "/up/p.txt", new StringContent("abc"));
        Assert.Equal(HttpStatusCode.Created, st);
        var lines = body.Split('\n');
        Assert.Equal("3", lines[0]);
        // sha512("abc") truncated to 33 bytes, base64url; and the first 56 hex chars
        Assert.Equal("3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05oh", lines[1]);
        Assert.Equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee6", lines[2]);
        Assert.Equal(s.BaseUrl + "/up/p.txt", lines[3]);
        Assert.Equal("abc", File.ReadAllText(s.PathOf("up/p.txt")));
        (st, body) = await s.Client.SendText(HttpMethod.Put, "/up/p.txt", new StringContent("xyz"));
        Assert.Equal(HttpStatusCode.Created, st);
        var url = body.Split('\n')[3];
        Assert.Matches(@"/up/p\.txt-\d+\.\d{6}-[A-Za-z0-9_-]{8}\.txt$", url);
        Assert.Equal("abc", File.ReadAllText(s.PathOf("up/p.txt")));
    }

    [Fact]
    public async Task Put_without_write_is_403()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Put, "/x.txt", new StringContent("abc"));
        Assert.Equal(HttpStatusCode.Forbidden, st);
        Assert.Contains("write-access", body, StringComparison.Ordinal);
        Assert.False(File.Exists(s.PathOf("srv/x.txt")));
    }

    [Fact]
    public async Task Csrf_foreign_origin_is_rejected()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Put, "/up/c.txt", new StringContent("abc"), ("Origin", "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, st);
        Assert.Contains("rejected by cors-check", body, StringComparison.Ordinal);
        (st, _) = await s.Client.SendText(HttpMethod.Put, "/up/c.txt", new StringContent("abc"), ("Origin", s.BaseUrl));
        Assert.Equal(HttpStatusCode.Created, st);
    }

    [Fact]
    public async Task Curl_gets_an_ansi_listing_and_can_put()
    {
        await using var s = await Start();
        var (code, listing) = await s.CurlAsync("{base}/");
        Assert.Equal(0, code);
        Assert.Contains("hello.txt", listing, StringComparison.Ordinal);
        Assert.Contains("\u001b[", listing, StringComparison.Ordinal);
        var src = Path.Combine(s.Root, "payload.bin");
        await File.WriteAllBytesAsync(src, Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7)).ToArray());
        (code, var put) = await s.CurlAsync("-T", src, "{base}/up/");
        Assert.Equal(0, code);
        var name = put.Split('\n')[3].Split('/').Last();
        // curl appends the local file name to a URL that ends in '/'
        Assert.Equal("payload.bin", name);
        Assert.Equal(await File.ReadAllBytesAsync(src), await File.ReadAllBytesAsync(s.PathOf("up/" + name)));
    }
}
