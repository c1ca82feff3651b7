using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpParty.Web.Markdown;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>Markdown: sanitising against hostile documents, the ?v and ?edit pages, act=tput with its lastmod conflict
/// check and kept versions, README.md and the logues around listings.</summary>
public sealed partial class MarkdownTests
{
    /// <summary>Any tag carrying an event handler, a script/iframe/object/embed/style tag, or a script-ish URL anywhere
    /// in an attribute: what must never come out of the renderer.</summary>
    [GeneratedRegex(@"<[a-z][^>]*\son[a-z]+\s*=|<\s*(script|iframe|object|embed|style|base|form|meta|link)\b|(href|src)\s*=\s*""\s*(javascript|vbscript|data:text|data:image/svg)",
        RegexOptions.IgnoreCase)]
    private static partial Regex Dangerous();

    public static TheoryData<string> Hostile() =>
    [
        "<script>alert(1)</script>",
        "hello <script src=//evil.example/x.js></script> there",
        "<img src=x onerror=alert(1)>",
        "<div onclick=\"alert(1)\">click</div>\n\ntext",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](java&#x09;script:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![img](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "[x](#){onclick=alert(1)}",
        "<a href=\"javascript:alert(1)\">a</a>",
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
        "```\n</code></pre><script>alert(1)</script>\n```",
        "<details open ontoggle=alert(1)>",
        "[x](\"onmouseover=alert(1) x=\")",
        "<!-- --><script>alert(1)</script>",
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_markdown_renders_without_script(string md)
    {
        var html = MarkdownRenderer.ToHtml(md);
        Assert.DoesNotMatch(Dangerous(), html);
        // "javascript:" may survive as visible, escaped text; never inside an attribute
        Assert.DoesNotMatch(new Regex("=\\s*\"[^\"]*(javascript|vbscript):", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public void Ordinary_markdown_keeps_its_features()
    {
        var html = MarkdownRenderer.ToHtml("# Title\n\nSome *em* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n"
            + "[site](https://example.com/x?a=1) [rel](other.md) [mail](mailto:a@b.c) ![pic](pic.png) "
            + "![inline](data:image/png;base64,iVBORw0KGgo=) https://auto.example/\n");
        Assert.Contains("<h1 id=\"title\">Title</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/x?a=1\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"other.md\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:a@b.c\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo=\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://auto.example/\"", html, StringComparison.Ordinal);
        Assert.Contains("type=\"checkbox\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_page_renders_on_the_server_with_a_strict_csp()
    {
        await using var s = await TestServer.StartAsync(["-v", "d::rw"], root => Write(root, "doc.md", "# Hello\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))\n"));
        using var res = await s.Client.GetAsync("/doc.md?v");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(" ", res.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline'; img", csp.Replace("style-src 'self' 'unsafe-inline'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var page = await res.Content.ReadAsStringAsync();
        Assert.Contains("<h1 id=\"hello\">Hello</h1>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", page, StringComparison.Ordinal);
        Assert.Contains("href=\"?edit\"", page, StringComparison.Ordinal);
        // the raw file is still the raw file
        Assert.StartsWith("# Hello", await s.Client.GetStringAsync("/doc.md"), StringComparison.Ordinal);
        // the editor page carries the text escaped and the lastmod for the save
        var edit = await s.Client.GetStringAsync("/doc.md?edit");
        Assert.Contains("<textarea id=\"mdtext\" spellcheck=\"false\"># Hello\n\n&lt;script&gt;alert(1)&lt;/script&gt;", edit, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", edit, StringComparison.Ordinal);
        Assert.Matches("data-lastmod=\"\\d{13}\"", edit);
    }

    private static void Write(string root, string name, string text)
    {
        Directory.CreateDirectory(Path.Combine(root, "d"));
        File.WriteAllText(Path.Combine(root, "d", name), text);
    }

    private static async Task<(HttpStatusCode Status, string Body)> Tput(TestServer s, string url, string lastmod, string body, string? pw = null)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("tput"), "act" },
            { new StringContent(lastmod), "lastmod" },
            { new StringContent(body), "body" },
        };
        return await s.Client.SendText(HttpMethod.Post, url + (pw is null ? "" : "?pw=" + pw), form);
    }

    [Fact]
    public async Task Tput_saves_detects_conflicts_and_keeps_the_previous_version()
    {
        await using var s = await TestServer.StartAsync(["-a", "ed:pw", "-v", "d::r:rwmd,ed"], root => Write(root, "notes.md", "version one\n"));
        var path = s.PathOf("d/notes.md");
        var lastmod = new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds();

        // anonymous may read but not write
        Assert.Equal(HttpStatusCode.Forbidden, (await Tput(s, "/notes.md", lastmod.ToString(), "nope")).Status);

        var (st, body) = await Tput(s, "/notes.md", lastmod.ToString(), "version two\n", "pw");
        Assert.Equal(HttpStatusCode.OK, st);
        var ok = JsonDocument.Parse(body).RootElement;
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Equal(12, ok.GetProperty("size").GetInt64());
        Assert.Equal(56, ok.GetProperty("sha512").GetString()!.Length);
        Assert.Equal("version two\n", File.ReadAllText(path));
        var newLastmod = ok.GetProperty("lastmod").GetInt64();
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds(), newLastmod);
        var kept = Directory.GetFiles(s.PathOf("d/.hist/md"), "notes.*.md");
        Assert.Single(kept);
        Assert.Equal("version one\n", File.ReadAllText(kept[0]));

        // a second editor still holding the first lastmod: conflict, nothing written
        (st, body) = await Tput(s, "/notes.md", lastmod.ToString(), "stale edit\n", "pw");
        Assert.Equal(HttpStatusCode.OK, st);
        var conflict = JsonDocument.Parse(body).RootElement;
        Assert.False(conflict.GetProperty("ok").GetBoolean());
        Assert.Equal(newLastmod, conflict.GetProperty("lastmod").GetInt64());
        Assert.True(conflict.GetProperty("now").GetInt64() >= newLastmod);
        Assert.Equal("version two\n", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(s.PathOf("d"), "*.PARTIAL*"));
        Assert.Single(Directory.GetFiles(s.PathOf("d"))); // no temp file left behind

        // -1: overwrite regardless (copyparty); a new file needs no lastmod either
        Assert.Contains("\"ok\":true", (await Tput(s, "/notes.md", "-1", "forced\n", "pw")).Body, StringComparison.Ordinal);
        Assert.Equal("forced\n", File.ReadAllText(path));
        Assert.Contains("\"ok\":true", (await Tput(s, "/new.md", "-1", "fresh\n", "pw")).Body, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(s.PathOf("d/.hist/md"), "notes.*.md").Length);

        // bad lastmod, a non-markdown file without delete permission
        Assert.Equal(HttpStatusCode.BadRequest, (await Tput(s, "/notes.md", "yesterday", "x", "pw")).Status);
        await using var s2 = await TestServer.StartAsync(["-a", "ed:pw", "-v", "d::rw,ed"], root => Write(root, "a.txt", "t"));
        var (st2, b2) = await Tput(s2, "/a.txt", "-1", "x", "pw");
        Assert.Equal(HttpStatusCode.BadRequest, st2);
        Assert.Contains("only markdown pls", b2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tput_conflict_between_two_editors_over_http()
    {
        await using var s = await TestServer.StartAsync(["-v", "d::rwmd"], root => Write(root, "x.md", "base\n"));
        var lm = new DateTimeOffset(File.GetLastWriteTimeUtc(s.PathOf("d/x.md"))).ToUnixTimeMilliseconds().ToString();
        var a = Tput(s, "/x.md", lm, "from A\n");
        var b = Tput(s, "/x.md", lm, "from B\n");
        var replies = await Task.WhenAll(a, b);
        // exactly one wins; the other is told about the conflict
        Assert.Equal(1, replies.Count(r => r.Body.Contains("\"ok\":true", StringComparison.Ordinal)));
        Assert.Equal(1, replies.Count(r => r.Body.Contains("\"ok\":false", StringComparison.Ordinal)));
        var final = File.ReadAllText(s.PathOf("d/x.md"));
        Assert.True(final is "from A\n" or "from B\n", final);
    }

    [Fact]
    public async Task Readme_and_logues_around_listings()
    {
        static void Prepare(string root)
        {
            var d = Path.Combine(root, "d");
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "README.md"), "# Read me\n\n<img src=x onerror=alert(1)>\n\n[bad](javascript:alert(1))\n");
            File.WriteAllText(Path.Combine(d, ".prologue.html"), "<h2 class=\"pro\">Welcome</h2><script>alert('pro')</script>");
            File.WriteAllText(Path.Combine(d, ".epilogue.html"), "<p>\"bye\" &amp; thanks</p>");
        }
        await using var s = await TestServer.StartAsync(["-v", "d::r"], Prepare);
        var page = await s.Client.GetStringAsync("/?b=u");
        Assert.Contains("<article id=\"readme\" class=\"md\">", page, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"read-me\">Read me</h1>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", page, StringComparison.Ordinal);
        var readme = page[page.IndexOf("<article id=\"readme\"", StringComparison.Ordinal)..];
        Assert.DoesNotMatch(Dangerous(), readme[..readme.IndexOf("</article>", StringComparison.Ordinal)]);
        // logues: sandboxed iframes (no allow-scripts), the HTML escaped into srcdoc
        Assert.Matches("<iframe class=\"logue\" id=\"prologue\" sandbox title=\"prologue\" srcdoc=\"&lt;h2 class=&quot;pro&quot;&gt;Welcome", page);
        Assert.Contains("id=\"epilogue\" sandbox", page, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("id=\"prologue\"", StringComparison.Ordinal) < page.IndexOf("<table id=\"files\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf("id=\"epilogue\"", StringComparison.Ordinal) > page.IndexOf("</table>", StringComparison.Ordinal));

        var ls = JsonDocument.Parse(await s.Client.GetStringAsync("/?ls")).RootElement;
        Assert.StartsWith("<h2", ls.GetProperty("logues")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("# Read me", ls.GetProperty("readmes")[1].GetString(), StringComparison.Ordinal);
        Assert.DoesNotMatch(Dangerous(), ls.GetProperty("readme_html").GetString()!);

        await using var off = await TestServer.StartAsync(["-v", "d::r", "--no-readme", "--no-logues"], Prepare);
        var plain = await off.Client.GetStringAsync("/?b=u");
        Assert.DoesNotContain("readme", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", plain, StringComparison.Ordinal);
    }
}
