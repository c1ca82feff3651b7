using System.Net;
using System.Text;
using System.Text.Json;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>Uploads, file operations, listings and the request log, end to end.</summary>
public class FeatureTests
{
    private static readonly string[] Folders = ["a/tree/deep", "b", "ro"];

    private static Task<TestServer> Start(params string[] extra) =>
        TestServer.StartAsync(["-a", "ed:wark", "-v", "a:a:rwmd", "-v", "b:b:rwmd", "-v", "ro:ro:r", .. extra], root =>
        {
            foreach (var d in Folders)
            {
                Directory.CreateDirectory(Path.Combine(root, d));
            }
            File.WriteAllText(Path.Combine(root, "a", "tree", "one.txt"), "1");
            File.WriteAllText(Path.Combine(root, "a", "tree", "deep", "two.txt"), "22");
            File.WriteAllText(Path.Combine(root, "a", ".dot"), "dot");
        });

    [Fact]
    public async Task Multipart_many_files_with_json_reply()
    {
        await using var s = await Start();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("bput"), "act" },
            { new ByteArrayContent("hello"u8.ToArray()), "f", "h.txt" },
            { new ByteArrayContent(new byte[70000]), "f", "zeros.bin" },
            { new ByteArrayContent("x"u8.ToArray()), "f", "C:\\Users\\me\\win.txt" },
        };
        var (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/?j", form);
        Assert.Equal(HttpStatusCode.Created, st);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("OK", doc.RootElement.GetProperty("status").GetString());
        var files = doc.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["h.txt", "zeros.bin", "win.txt"], files.Select(f => f.GetProperty("fn").GetString()));
        Assert.Equal(70006, doc.RootElement.GetProperty("sz").GetInt64());
        Assert.Equal("hello", File.ReadAllText(s.PathOf("a/h.txt")));
        Assert.Equal(70000, new FileInfo(s.PathOf("a/zeros.bin")).Length);
        Assert.Equal(44, files[0].GetProperty("sha_b64").GetString()!.Length);
    }

    [Fact]
    public async Task Multipart_want_url_and_empty_files()
    {
        await using var s = await Start();
        using var form = new MultipartFormDataContent { { new ByteArrayContent("u"u8.ToArray()), "f", "u.txt" } };
        var (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/?want=url", form);
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal(s.BaseUrl + "/a/u.txt\n", body);
        // what a browser sends when the file input was left empty: filename=""
        var raw = "--B\r\nContent-Disposition: form-data; name=\"act\"\r\n\r\nbput\r\n--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n";
        using var empty = new StringContent(raw);
        empty.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=B");
        (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/", empty);
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("empty files in post", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_with_oc_mtime_sets_the_mtime()
    {
        await using var s = await Start();
        using var req = new HttpRequestMessage(HttpMethod.Put, "/a/mt.txt") { Content = new StringContent("m") };
        req.Headers.Add("X-OC-MTime", "1600000000");
        using var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        Assert.Equal("accepted", res.Headers.GetValues("X-OC-MTime").Single());
        Assert.Equal(1600000000, new DateTimeOffset(File.GetLastWriteTimeUtc(s.PathOf("a/mt.txt"))).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Move_a_folder_across_volumes_and_copy_back()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/tree?move=/b/moved");
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal("k", body);
        Assert.False(Directory.Exists(s.PathOf("a/tree")));
        Assert.Equal("22", File.ReadAllText(s.PathOf("b/moved/deep/two.txt")));
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/b/moved?copy=/a/copied");
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal("1", File.ReadAllText(s.PathOf("a/copied/one.txt")));
        Assert.True(File.Exists(s.PathOf("b/moved/one.txt")));
        // destination exists: 400, nothing changes
        (st, body) = await s.Client.SendText(HttpMethod.Post, "/b/moved?move=/a/copied");
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("exists", body, StringComparison.Ordinal);
        // into a read-only volume: 403
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/b/moved?move=/ro/x");
        Assert.Equal(HttpStatusCode.Forbidden, st);
        // into itself: 400
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/a/copied?move=/a/copied/inside");
        Assert.Equal(HttpStatusCode.BadRequest, st);
    }

    [Fact]
    public async Task Delete_recursive_method_and_batch()
    {
        await using var s = await Start();
        var (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/tree?delete");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("deleted 2 files (and 2/2 folders)", body);
        File.WriteAllText(s.PathOf("b/x"), "x");
        File.WriteAllText(s.PathOf("b/y"), "y");
        (st, _) = await s.Client.SendText(HttpMethod.Delete, "/b/x");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.False(File.Exists(s.PathOf("b/x")));
        (st, body) = await s.Client.SendText(HttpMethod.Post, "/?delete", new StringContent("[\"/b/y\", \"/b/nope\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, st);
        Assert.Contains("file not found", body, StringComparison.Ordinal);
        Assert.False(File.Exists(s.PathOf("b/y")));
        (st, _) = await s.Client.SendText(HttpMethod.Delete, "/a");
        Assert.Equal(HttpStatusCode.BadRequest, st); // a volume root is never deleted
    }

    [Fact]
    public async Task Mkdir_creates_once()
    {
        await using var s = await Start();
        using var f1 = new MultipartFormDataContent { { new StringContent("mkdir"), "act" }, { new StringContent("new dir"), "name" } };
        using var res = await s.Client.PostAsync("/a/", f1);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        Assert.Equal("a/new%20dir", res.Headers.GetValues("X-New-Dir").Single());
        Assert.True(Directory.Exists(s.PathOf("a/new dir")));
        using var f2 = new MultipartFormDataContent { { new StringContent("mkdir"), "act" }, { new StringContent("new dir"), "name" } };
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await s.Client.PostAsync("/a/", f2)).StatusCode);
        using var f3 = new MultipartFormDataContent { { new StringContent("mkdir"), "act" }, { new StringContent(".."), "name" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Client.PostAsync("/a/", f3)).StatusCode);
    }

    private static readonly string[] BadNames = ["..", "../escape", "a/b"];

    private static MultipartFormDataContent NewMd(string name) => new() { { new StringContent("new_md"), "act" }, { new StringContent(name), "name" } };

    [Fact]
    public async Task New_markdown_document_as_copyparty_act_new_md()
    {
        await using var s = await TestServer.StartAsync(["-v", "a:a:rwmd", "-v", "rw:rw:rw", "-v", "ro:ro:r"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "rw"));
            Directory.CreateDirectory(Path.Combine(root, "ro"));
        });
        // an empty document; the answer points at its editor
        using (var f = NewMd("plan"))
        {
            using var res = await s.Client.PostAsync("/a/", f);
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            Assert.Equal("/a/plan.md?edit", res.Headers.Location!.OriginalString);
        }
        Assert.Equal(0, new FileInfo(s.PathOf("a/plan.md")).Length);
        // a short extension is kept where the user may also delete; a long one gets .md
        using (var f = NewMd("notes.txt"))
        {
            Assert.Equal(HttpStatusCode.Created, (await s.Client.PostAsync("/a/", f)).StatusCode);
        }
        Assert.True(File.Exists(s.PathOf("a/notes.txt")));
        using (var f = NewMd("x.toolong"))
        {
            Assert.Equal(HttpStatusCode.Created, (await s.Client.PostAsync("/a/", f)).StatusCode);
        }
        Assert.True(File.Exists(s.PathOf("a/x.toolong.md")));
        // without d, always .md (a writer cannot make an .html page)
        using (var f = NewMd("page.html"))
        {
            Assert.Equal(HttpStatusCode.Created, (await s.Client.PostAsync("/rw/", f)).StatusCode);
        }
        Assert.True(File.Exists(s.PathOf("rw/page.html.md")));
        // an existing file is never touched
        File.WriteAllText(s.PathOf("a/keep.md"), "precious");
        using (var f = NewMd("keep.md"))
        {
            var (st, body) = await s.Client.SendText(HttpMethod.Post, "/a/", f);
            Assert.Equal(HttpStatusCode.Conflict, st);
            Assert.Contains("that file exists already", body, StringComparison.Ordinal);
        }
        Assert.Equal("precious", File.ReadAllText(s.PathOf("a/keep.md")));
        // bad names, no write access
        foreach (var bad in BadNames)
        {
            using var f = NewMd(bad);
            Assert.Equal(HttpStatusCode.BadRequest, (await s.Client.PostAsync("/a/", f)).StatusCode);
        }
        Assert.False(File.Exists(s.PathOf("escape.md")));
        using (var f = NewMd("nope"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.PostAsync("/ro/", f)).StatusCode);
        }
        Assert.False(File.Exists(s.PathOf("ro/nope.md")));
    }

    [Fact]
    public async Task Listings_text_tree_and_dots()
    {
        await using var s = await Start();
        var (_, text) = await s.Client.SendText(HttpMethod.Get, "/a/tree/?ls=t");
        Assert.Contains("# acct: *", text, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +1  one\.txt", text);
        Assert.Contains("deep/", text, StringComparison.Ordinal);
        var (_, tree) = await s.Client.SendText(HttpMethod.Get, "/a/tree/?tree");
        Assert.Equal("{\"ka\":{\"ktree\":{\"a\":[\"deep\"]},\"a\":[\"tree\"]},\"a\":[\"a\",\"b\",\"ro\"]}", tree);
        var (_, here) = await s.Client.SendText(HttpMethod.Get, "/a/tree/?tree=.");
        Assert.Equal("{\"a\":[\"deep\"]}", here);
        // dotfiles: hidden from everyone; shown with ?dots only to users with the '.' permission
        var (_, ls) = await s.Client.SendText(HttpMethod.Get, "/a/?ls&dots");
        Assert.DoesNotContain(".dot", ls, StringComparison.Ordinal);
        await using var s2 = await TestServer.StartAsync(["-v", "a:a:r."], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            File.WriteAllText(Path.Combine(root, "a", ".dot"), "dot");
        });
        (_, ls) = await s2.Client.SendText(HttpMethod.Get, "/a/?ls");
        Assert.DoesNotContain(".dot", ls, StringComparison.Ordinal);
        (_, ls) = await s2.Client.SendText(HttpMethod.Get, "/a/?ls&dots");
        Assert.Contains(".dot", ls, StringComparison.Ordinal);
        Assert.Equal("dot", (await s2.Client.SendText(HttpMethod.Get, "/a/.dot")).Body);
    }

    [Fact]
    public async Task Html_listing_works_without_javascript()
    {
        await using var s = await Start();
        // the folder page is the UI's module with the listing as JSON, folders first; a browser without JavaScript is
        // sent on to copyparty's simplified page (?b=u), and a text browser gets a link to it
        var (st, app) = await s.Client.SendText(HttpMethod.Get, "/a/tree/");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("<script type=\"module\" async src=\"/.cpr/v-", app, StringComparison.Ordinal);
        Assert.Contains("<noscript><meta http-equiv=\"refresh\" content=\"0; url=?b=u\"></noscript>", app, StringComparison.Ordinal);
        Assert.Contains("<a href=\"?b=u\">", app, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", app, StringComparison.Ordinal);
        Assert.True(app.IndexOf("\"href\":\"deep/\"", StringComparison.Ordinal) < app.IndexOf("\"href\":\"one.txt\"", StringComparison.Ordinal));
        // the simplified page: no script at all, everything works, and its links stay in it
        var (st2, html) = await s.Client.SendText(HttpMethod.Get, "/a/tree/?b=u&sort=-name");
        Assert.Equal(HttpStatusCode.OK, st2);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/a/?b=u\">a</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"deep/?b=u\">deep/</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"?b=u&amp;sort=name\">name ▼</a>", html, StringComparison.Ordinal);
        Assert.Contains("enctype=\"multipart/form-data\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"mkdir\"", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf(">deep/<", StringComparison.Ordinal) < html.IndexOf(">one.txt<", StringComparison.Ordinal));
        using var res = await s.Client.GetAsync("/a/tree");
        Assert.Equal(HttpStatusCode.MovedPermanently, res.StatusCode);
        Assert.Equal("/a/tree/", res.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Download_query_options()
    {
        await using var s = await Start();
        File.WriteAllText(s.PathOf("a/ø é.bin"), "data");
        using var dl = await s.Client.GetAsync("/a/%C3%B8%20%C3%A9.bin?dl");
        Assert.Equal("attachment; filename=\"_ _.bin\"; filename*=UTF-8''%C3%B8%20%C3%A9.bin", dl.Content.Headers.GetValues("Content-Disposition").Single());
        using var txt = await s.Client.GetAsync("/a/%C3%B8%20%C3%A9.bin?txt");
        Assert.Equal("text/plain; charset=utf-8", txt.Content.Headers.ContentType!.ToString());
        using var mime = await s.Client.GetAsync("/a/%C3%B8%20%C3%A9.bin?mime=image/png");
        Assert.Equal("image/png", mime.Content.Headers.ContentType!.ToString());
        using var head = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/a/%C3%B8%20%C3%A9.bin"));
        Assert.Equal(4, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Request_log_has_one_line_per_request_and_no_secrets()
    {
        var log = Path.Combine(Path.GetTempPath(), "sp-log-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        string cookieId;
        // TestServer runs with -q; this test needs the request log, so it builds its own server with a file log
        var root2 = Path.Combine(Path.GetTempPath(), "sp-log-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root2, "d"));
        Assert.True(SharpParty.Core.Config.OptionsBuilder.TryBuild(
            ["-i", "127.0.0.1", "-p", "0", "-a", "ed:s3cr3tpw", "-v", Path.Combine(root2, "d") + "::rw,ed", "-lo", log, "--ses-db", Path.Combine(root2, "s.db")],
            root2, out var o, out var err), err);
        var provider = new SharpParty.Web.Logging.LineLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Information, log, TextWriter.Null);
        await using (var srv = await SharpParty.Web.Hosting.SharpPartyServer.StartAsync(o!, root2, provider))
        {
            using var c = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = srv.Urls[0] };
            await c.GetAsync("/?pw=s3cr3tpw");
            using (var r = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "PW", "s3cr3tpw" } } })
            {
                await c.SendAsync(r);
            }
            using var login = await c.PostAsync("/", new MultipartFormDataContent { { new StringContent("login"), "act" }, { new StringContent("s3cr3tpw"), "cppwd" } });
            cookieId = login.Headers.GetValues("Set-Cookie").First().Split(';')[0]["cppwd=".Length..];
            using (var r = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Cookie", "cppwd=" + cookieId } } })
            {
                await c.SendAsync(r);
            }
            await c.GetAsync("/?pw=wrong-guess-pw");
        }
        provider.Dispose();
        var text = File.ReadAllText(log);
        Assert.DoesNotContain("s3cr3tpw", text, StringComparison.Ordinal);
        Assert.DoesNotContain(cookieId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-guess-pw", text, StringComparison.Ordinal);
        var lines = text.Split('\n').Where(l => l.Contains(" GET / ", StringComparison.Ordinal) || l.Contains(" POST / ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} 127\.0\.0\.1 ed GET / 200 \d+ [\d.]+ms", lines[0]);
        File.Delete(log);
        Directory.Delete(root2, true);
    }
}
