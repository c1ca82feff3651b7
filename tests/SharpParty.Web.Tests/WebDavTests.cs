using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// WebDAV (issue 7): the litmus suite against a real server, the permission matrix over the DAV methods, traversal
/// through the Destination header, and hostile XML bodies.
/// </summary>
public sealed partial class WebDavTests
{
    private static readonly HttpMethod PropFind = new("PROPFIND");
    private static readonly HttpMethod Mkcol = new("MKCOL");
    private static readonly HttpMethod Move = new("MOVE");
    private static readonly HttpMethod Copy = new("COPY");
    private static readonly HttpMethod Lock = new("LOCK");
    private static readonly HttpMethod PropPatch = new("PROPPATCH");

    [Fact]
    public async Task Litmus_passes_every_test()
    {
        await using var s = await TestServer.StartAsync(["-a", "user:pass", "-v", "dav:dav:rwmd,user:c,daw"],
            root => Directory.CreateDirectory(Path.Combine(root, "dav")));
        var work = Path.Combine(s.Root, "litmus-work");
        Directory.CreateDirectory(work);
        var psi = new ProcessStartInfo("litmus") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
        psi.ArgumentList.Add(s.BaseUrl + "/dav/");
        psi.ArgumentList.Add("user");
        psi.ArgumentList.Add("pass");
        psi.Environment["TESTS"] = "basic copymove props locks http";
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("litmus is not installed (apt-get install litmus; .ci/run does it)");
            return;
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            try
            {
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(240));
            }
            catch (TimeoutException)
            {
                p.Kill();
                throw;
            }
            var output = await stdout + await stderr;
            var summaries = Summary().Matches(output);
            var suites = summaries.Select(m => m.Groups[1].Value).ToList();
            Assert.True(suites.SequenceEqual(["basic", "copymove", "props", "locks", "http"]), "litmus ran: " + string.Join(",", suites) + "\n" + output);
            var failed = summaries.Where(m => m.Groups[3].Value != "0" || m.Groups[2].Value == "0").ToList();
            var failures = output.Split('\n').Where(l => l.Contains("FAIL", StringComparison.Ordinal) || l.Contains("WARNING", StringComparison.Ordinal));
            Assert.True(failed.Count == 0, "litmus failures:\n" + string.Join('\n', failures) + "\n" + output);
            Assert.Equal(0, p.ExitCode);
        }
    }

    /// <summary>rclone (webdav remote, vendor owncloud as copyparty's docs say): copy up, check, copy down, sync with a
    /// change and a delete; modification times survive both ways (X-OC-MTime up, getlastmodified down).</summary>
    [Fact]
    public async Task Rclone_copy_check_sync_keep_mtimes()
    {
        await using var s = await TestServer.StartAsync(["-a", "user:pass", "-v", "dav:dav:rwmd,user"],
            root => Directory.CreateDirectory(Path.Combine(root, "dav")));
        var local = Path.Combine(s.Root, "local");
        var back = Path.Combine(s.Root, "back");
        Directory.CreateDirectory(Path.Combine(local, "sub"));
        var old = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.WriteAllText(Path.Combine(local, "a.txt"), "hello");
        File.WriteAllText(Path.Combine(local, "sub", "b.txt"), "world");
        File.WriteAllBytes(Path.Combine(local, "sub", "c.bin"), [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))]);
        foreach (var f in (string[])["a.txt", "sub/b.txt", "sub/c.bin"])
        {
            File.SetLastWriteTimeUtc(Path.Combine(local, f), old);
        }
        var conf = Path.Combine(s.Root, "rclone.conf");
        File.WriteAllText(conf, "");
        var (_, obscured) = await Rclone(s, conf, null, "obscure", "pass");
        var env = obscured.Trim();
        async Task Run(params string[] args)
        {
            var (code, output) = await Rclone(s, conf, env, args);
            Assert.True(code == 0, $"rclone {string.Join(' ', args)}: exit {code}\n{output}");
        }
        await Run("copy", local, "sp:up");
        foreach (var f in (string[])["a.txt", "sub/b.txt", "sub/c.bin"])
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, f)), File.ReadAllBytes(s.PathOf("dav/up/" + f)));
            Assert.Equal(old, File.GetLastWriteTimeUtc(s.PathOf("dav/up/" + f)));
        }
        await Run("check", local, "sp:up");
        await Run("copy", "sp:up", back);
        foreach (var f in (string[])["a.txt", "sub/b.txt", "sub/c.bin"])
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(local, f)), File.ReadAllBytes(Path.Combine(back, f)));
            Assert.Equal(old, File.GetLastWriteTimeUtc(Path.Combine(back, f)));
        }
        File.Delete(Path.Combine(local, "sub", "b.txt"));
        File.WriteAllText(Path.Combine(local, "a.txt"), "changed");
        File.SetLastWriteTimeUtc(Path.Combine(local, "a.txt"), old.AddYears(1));
        await Run("sync", local, "sp:up");
        Assert.False(File.Exists(s.PathOf("dav/up/sub/b.txt")));
        Assert.Equal("changed", File.ReadAllText(s.PathOf("dav/up/a.txt")));
        Assert.Equal(old.AddYears(1), File.GetLastWriteTimeUtc(s.PathOf("dav/up/a.txt")));
        Assert.Equal(["a.txt", "sub"], Directory.EnumerateFileSystemEntries(s.PathOf("dav/up")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        await Run("check", local, "sp:up");
    }

    private static async Task<(int Code, string Output)> Rclone(TestServer s, string conf, string? obscuredPass, params string[] args)
    {
        var psi = new ProcessStartInfo("rclone") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[.. args, "--config", conf, "--retries", "1", "--low-level-retries", "1", "--contimeout", "10s", "--timeout", "30s"])
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["RCLONE_CONFIG_SP_TYPE"] = "webdav";
        psi.Environment["RCLONE_CONFIG_SP_URL"] = s.BaseUrl + "/dav";
        psi.Environment["RCLONE_CONFIG_SP_VENDOR"] = "owncloud";
        psi.Environment["RCLONE_CONFIG_SP_USER"] = "user";
        if (obscuredPass is not null)
        {
            psi.Environment["RCLONE_CONFIG_SP_PASS"] = obscuredPass;
        }
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("rclone is not installed (apt-get install rclone; .ci/run does it)");
            throw;
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            try
            {
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                p.Kill();
                throw;
            }
            var o = await stdout;
            return (p.ExitCode, o + await stderr);
        }
    }

    [GeneratedRegex(@"<- summary for `(\w+)': of \d+ tests run: (\d+) passed, (\d+) failed")]
    private static partial Regex Summary();

    /// <summary>
    /// Volumes: pub (r for everyone), w (w for everyone), up (rwmd for u only); users anonymous, u, and x (no rights of
    /// its own). Each DAV method in every cell; an anonymous refusal is a 401 challenge, a logged-in one a 403.
    /// </summary>
    [Fact]
    public async Task Permission_matrix_over_dav_methods()
    {
        await using var s = await TestServer.StartAsync(["-a", "u:upw", "-a", "x:xpw", "-v", "pub:pub:r", "-v", "w:w:w", "-v", "up:up:rwmd,u"], root =>
        {
            foreach (var v in (string[])["pub", "w", "up"])
            {
                Directory.CreateDirectory(Path.Combine(root, v));
                foreach (var u in (string[])["anon", "u", "x"])
                {
                    File.WriteAllText(Path.Combine(root, v, $"mv-{u}.txt"), "mv");
                    File.WriteAllText(Path.Combine(root, v, $"cp-{u}.txt"), "cp");
                    File.WriteAllText(Path.Combine(root, v, $"del-{u}.txt"), "del");
                }
            }
        });
        var users = new (string Tag, string? Auth)[] { ("anon", null), ("u", "u:upw"), ("x", "x:xpw") };
        var bad = new List<string>();
        foreach (var vol in (string[])["pub", "w", "up"])
        {
            foreach (var (tag, auth) in users)
            {
                var isU = tag == "u";
                var r = vol == "pub" || (vol == "up" && isU);
                var w = vol == "w" || (vol == "up" && isU);
                var md = vol == "up" && isU;
                int Deny() => auth is null ? 401 : 403;
                async Task Cell(string op, HttpMethod m, string path, int want, params (string, string)[] headers)
                {
                    var hs = headers.ToList();
                    if (auth is not null)
                    {
                        hs.Add(("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(auth))));
                    }
                    using var req = new HttpRequestMessage(m, path);
                    foreach (var (n, v) in hs)
                    {
                        req.Headers.TryAddWithoutValidation(n, v);
                    }
                    using var res = await s.Client.SendAsync(req);
                    var got = (int)res.StatusCode;
                    if (got != want)
                    {
                        bad.Add($"{op} {vol} as {tag}: {got}, expected {want}");
                    }
                    if (got == 401 && !res.Headers.WwwAuthenticate.ToString().Contains("Basic realm=\"a\"", StringComparison.Ordinal))
                    {
                        bad.Add($"{op} {vol} as {tag}: 401 without the Basic challenge");
                    }
                }
                await Cell("PROPFIND", PropFind, $"/{vol}/", r || w ? 207 : Deny(), ("Depth", "1"));
                await Cell("MKCOL", Mkcol, $"/{vol}/dir-{tag}", w ? 201 : Deny());
                await Cell("MOVE", Move, $"/{vol}/mv-{tag}.txt", md ? 201 : Deny(), ("Destination", $"/{vol}/moved-{tag}.txt"));
                await Cell("COPY", Copy, $"/{vol}/cp-{tag}.txt", r && w ? 201 : Deny(), ("Destination", $"/{vol}/copied-{tag}.txt"));
                await Cell("DELETE", HttpMethod.Delete, $"/{vol}/del-{tag}.txt", md ? 200 : Deny());
                var dir = s.PathOf(vol);
                if (w != Directory.Exists(Path.Combine(dir, $"dir-{tag}")) || md != File.Exists(Path.Combine(dir, $"moved-{tag}.txt"))
                    || md == File.Exists(Path.Combine(dir, $"del-{tag}.txt")) || (r && w) != File.Exists(Path.Combine(dir, $"copied-{tag}.txt")))
                {
                    bad.Add($"{vol} as {tag}: the files do not match the replies");
                }
            }
        }
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    [Fact]
    public async Task Destination_traversal_stays_inside_the_volumes()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd", "-v", "other:other:r"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
            Directory.CreateDirectory(Path.Combine(root, "other"));
            Directory.CreateDirectory(Path.Combine(root, "outside"));
        });
        var port = new Uri(s.BaseUrl).Port;
        string[] dests =
        [
            "/srv/../outside/x", "/srv/%2e%2e/outside/x", "/srv/%2E%2E%2Foutside%2Fx", "/srv/..%2foutside/x", "/srv/..%5coutside%5cx",
            "/srv/%252e%252e/outside/x", "/srv/sub/../../outside/x", "/../outside/x", "/%2e%2e/outside/x", "/srv/%00/x",
            "/srv/..\\outside\\x", "//outside/x", "/other/x", "/srv/.hist/x",
            $"http://127.0.0.1:{port}/srv/../outside/x", $"http://127.0.0.1:{port}/%2e%2e/outside/x",
            "http://evil.example/srv/x", $"http://127.0.0.1:{(port == 1 ? 2 : 1)}/srv/x", $"https://127.0.0.1:{port}/srv/x",
            "ftp://127.0.0.1/srv/x", "file:///etc/passwd", "srv/x", "",
        ];
        var bad = new List<string>();
        var n = 0;
        foreach (var d in dests)
        {
            foreach (var m in (HttpMethod[])[Copy, Move])
            {
                var name = $"f{n++}.txt";
                File.WriteAllText(s.PathOf(Path.Combine("srv", name)), "data");
                using var req = new HttpRequestMessage(m, "/srv/" + name);
                req.Headers.TryAddWithoutValidation("Destination", d);
                using var res = await s.Client.SendAsync(req);
                var st = (int)res.StatusCode;
                if (st is 201 or 204 or >= 500 and not 502)
                {
                    bad.Add($"{m} -> {d}: {st}");
                }
                if (d.StartsWith("http://evil", StringComparison.Ordinal) && st != 502)
                {
                    bad.Add($"{m} -> {d}: {st}, expected 502 for another server");
                }
            }
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.PathOf("outside")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.PathOf("other")));
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    public static TheoryData<string, string> HostileBodies()
    {
        var laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        laughs.Append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (var i = 2; i <= 9; i++)
        {
            laughs.Append($"<!ENTITY lol{i} \"" + string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10)) + "\">");
        }
        laughs.Append("]><D:propfind xmlns:D=\"DAV:\"><D:prop><x>&lol9;</x></D:prop></D:propfind>");
        var nested = new StringBuilder(10 << 20);
        nested.Append("<D:propfind xmlns:D=\"DAV:\">");
        while (nested.Length < (10 << 20) - 8)
        {
            nested.Append("<D:prop>");
        }
        return new TheoryData<string, string>
        {
            { "entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><D:propfind xmlns:D=\"DAV:\"><D:prop><x>&e;</x></D:prop></D:propfind>" },
            { "internal-entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>" },
            { "billion-laughs", laughs.ToString() },
            { "nested-10MiB", nested.ToString() },
            { "deep-small", "<D:propfind xmlns:D=\"DAV:\">" + string.Concat(Enumerable.Repeat("<a>", 5000)) + string.Concat(Enumerable.Repeat("</a>", 5000)) + "</D:propfind>" },
            { "not-xml", "this is not xml at all {\"json\": true}" },
            { "truncated", "<D:propfind xmlns:D=\"DAV:\"><D:prop>" },
            { "wrong-root", "<D:lockinfo xmlns:D=\"DAV:\"/>" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_xml_is_a_quick_400(string kind, string body)
    {
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd"], root => Directory.CreateDirectory(Path.Combine(root, "srv")));
        File.WriteAllText(s.PathOf("srv/f.txt"), "x");
        foreach (var m in kind == "wrong-root" ? [PropFind, PropPatch] : (HttpMethod[])[PropFind, PropPatch, Lock])
        {
            var sw = Stopwatch.StartNew();
            HttpStatusCode st;
            try
            {
                using var req = new HttpRequestMessage(m, "/srv/f.txt") { Content = new StringContent(body, Encoding.UTF8, "application/xml") };
                req.Headers.TryAddWithoutValidation("Depth", "0");
                using var res = await s.Client.SendAsync(req).WaitAsync(TimeSpan.FromSeconds(20));
                st = res.StatusCode;
            }
            catch (HttpRequestException) when (body.Length > (1 << 20))
            {
                continue; // the server answered 400 and closed before the 10 MiB were sent: refused, which is the point
            }
            Assert.True(st == HttpStatusCode.BadRequest, $"{kind} {m}: {st}");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"{kind} {m}: took {sw.Elapsed}");
        }
        Assert.Equal("x", File.ReadAllText(s.PathOf("srv/f.txt")));
    }

    [Fact]
    public async Task Options_advertise_dav_and_no_dav_turns_it_off()
    {
        await using (var s = await TestServer.StartAsync(["-v", "srv:srv:r"], root => Directory.CreateDirectory(Path.Combine(root, "srv"))))
        {
            using var res = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/srv/"));
            Assert.Equal("1, 2", string.Join(",", res.Headers.GetValues("DAV")));
            Assert.Equal("DAV", string.Join(",", res.Headers.GetValues("MS-Author-Via")));
        }
        await using (var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd", "--no-dav"], root => Directory.CreateDirectory(Path.Combine(root, "srv"))))
        {
            using var res = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/srv/"));
            Assert.False(res.Headers.Contains("DAV"));
            var (st, _) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "1"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, st);
            (st, _) = await s.Client.SendText(Mkcol, "/srv/x");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, st);
        }
        // --dav-auth: a public folder still asks an anonymous PROPFIND to log in (copyparty, for davfs2)
        await using (var s = await TestServer.StartAsync(["-a", "u:upw", "-v", "srv:srv:r", "--dav-auth"], root => Directory.CreateDirectory(Path.Combine(root, "srv"))))
        {
            var (st, _) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "0"));
            Assert.Equal(HttpStatusCode.Unauthorized, st);
            (st, _) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "0"), ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:upw"))));
            Assert.Equal(HttpStatusCode.MultiStatus, st);
        }
    }

    [Fact]
    public async Task Propfind_of_a_folder_bigger_than_one_stat_batch_lists_every_member_once_with_its_size()
    {
        // 2,500 files: two full batches of 1,024 stat'ed while the folder is still being listed, and a partial third
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
            for (var i = 0; i < 2500; i++)
            {
                File.WriteAllText(Path.Combine(root, "srv", $"f{i:D4}.txt"), new string('x', i % 97));
            }
            File.WriteAllText(Path.Combine(root, "srv", "._junk"), "junk");
        });
        var (st, body) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "1"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        var hrefs = System.Text.RegularExpressions.Regex.Matches(body, "<D:href>([^<]*)</D:href>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2502, hrefs.Count); // the folder, sub/, 2,500 files; no macOS junk
        Assert.Equal(hrefs.Count, hrefs.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("/srv/sub/", hrefs);
        Assert.DoesNotContain(hrefs, h => h.Contains("._junk", StringComparison.Ordinal));
        foreach (var i in new[] { 0, 1023, 1024, 2047, 2048, 2499 })
        {
            Assert.Contains($"<D:href>/srv/f{i:D4}.txt</D:href><D:propstat><D:prop><D:displayname>f{i:D4}.txt</D:displayname><D:getcontentlength>{i % 97}</D:getcontentlength>",
                body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Propfind_depth_rules_and_mac_junk()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
            File.WriteAllText(Path.Combine(root, "srv", "a.txt"), "hello");
            File.WriteAllText(Path.Combine(root, "srv", "._a.txt"), "junk");
            File.WriteAllText(Path.Combine(root, "srv", ".DS_Store"), "junk");
        });
        var (st, body) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "1"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        Assert.Contains("<D:href>/srv/a.txt</D:href>", body, StringComparison.Ordinal);
        Assert.Contains("<D:href>/srv/sub/</D:href>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("._a.txt", body, StringComparison.Ordinal);
        Assert.DoesNotContain("DS_Store", body, StringComparison.Ordinal);
        // the ETag is the one a GET sends
        using (var get = await s.Client.GetAsync("/srv/a.txt"))
        {
            Assert.Contains("<D:getetag>" + get.Headers.ETag!.Tag + "</D:getetag>", body, StringComparison.Ordinal);
        }
        (st, body) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "infinity"));
        Assert.Equal(HttpStatusCode.Forbidden, st);
        Assert.Contains("propfind-finite-depth", body, StringComparison.Ordinal);
        // creating macOS junk: 423, as copyparty, which Finder takes quietly
        (st, _) = await s.Client.SendText(Mkcol, "/srv/._junk");
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/.DS_Store", new StringContent("junk"));
        Assert.Equal((HttpStatusCode)423, st);
        Assert.Equal("junk", File.ReadAllText(s.PathOf("srv/.DS_Store")));
        (st, _) = await s.Client.SendText(PropFind, "/srv/nope", null, ("Depth", "0"));
        Assert.Equal(HttpStatusCode.NotFound, st);
    }

    [Fact]
    public async Task Propfind_depth_infinity_with_dav_inf_lists_the_tree_readable_parts_only()
    {
        await using var s = await TestServer.StartAsync(["-a", "u:upw", "-v", "srv:srv:r", "-v", "srv/priv:srv/priv:r,u", "--dav-inf"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "a", "b", "c"));
            Directory.CreateDirectory(Path.Combine(root, "srv", "priv"));
            File.WriteAllText(Path.Combine(root, "srv", "a", "b", "c", "deep.txt"), "deep");
            File.WriteAllText(Path.Combine(root, "srv", "priv", "secret.txt"), "secret");
            for (var i = 0; i < 300; i++)
            {
                File.WriteAllText(Path.Combine(root, "srv", "a", $"f{i:D3}.txt"), "x");
            }
        });
        var (st, body) = await s.Client.SendText(PropFind, "/srv/", null, ("Depth", "infinity"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        Assert.Contains("<D:href>/srv/a/b/c/deep.txt</D:href>", body, StringComparison.Ordinal);
        Assert.Contains("<D:href>/srv/a/f299.txt</D:href>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret.txt", body, StringComparison.Ordinal);
        Assert.EndsWith("</D:multistatus>", body.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/priv/", body, StringComparison.Ordinal);
        Assert.Equal(300 + 5, System.Text.RegularExpressions.Regex.Count(body, "<D:response>")); // srv, a, b, c, deep.txt and the 300
    }

    [Fact]
    public async Task Locks_guard_put_delete_and_move()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rwmd,*:c,daw"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            File.WriteAllText(Path.Combine(root, "srv", "f.txt"), "v1");
        });
        const string info = "<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>me</D:owner></D:lockinfo>";
        using var req = new HttpRequestMessage(Lock, "/srv/f.txt") { Content = new StringContent(info, Encoding.UTF8, "application/xml") };
        req.Headers.TryAddWithoutValidation("Timeout", "Second-60");
        using var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var token = res.Headers.GetValues("Lock-Token").Single();
        var (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/f.txt", new StringContent("v2"));
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(HttpMethod.Delete, "/srv/f.txt");
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(Move, "/srv/f.txt", null, ("Destination", "/srv/g.txt"));
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/srv/f.txt?move=/srv/g.txt");
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/srv/f.txt?delete");
        Assert.Equal((HttpStatusCode)423, st);
        (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/f.txt", new StringContent("v2"), ("If", "(<urn:uuid:00000000-0000-0000-0000-000000000000>)"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, st);
        Assert.Equal("v1", File.ReadAllText(s.PathOf("srv/f.txt")));
        (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/f.txt", new StringContent("v2"), ("If", "(" + token + ")"));
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal("v2", File.ReadAllText(s.PathOf("srv/f.txt")));
        // reads need no token, but an If header that does not hold is a 412 on them too (§10.4.1)
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/srv/f.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/srv/f.txt", null, ("If", "([\"nope\"])"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, st);
        (st, _) = await s.Client.SendText(PropFind, "/srv/f.txt", null, ("Depth", "0"), ("If", "(" + token + ")"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        (st, _) = await s.Client.SendText(new HttpMethod("UNLOCK"), "/srv/f.txt", null, ("Lock-Token", token));
        Assert.Equal(HttpStatusCode.NoContent, st);
        (st, _) = await s.Client.SendText(HttpMethod.Delete, "/srv/f.txt");
        Assert.Equal(HttpStatusCode.OK, st);
    }

    [Fact]
    public async Task Put_overwrites_a_fresh_blank_file_without_daw_but_renames_otherwise()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv:srv:rw"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            File.WriteAllText(Path.Combine(root, "srv", "full.txt"), "keep");
        });
        // a lock on an unmapped URL makes an empty file (RFC 4918 §7.3); the PUT that follows fills it (--blank-wt)
        const string info = "<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
        using var req = new HttpRequestMessage(Lock, "/srv/new.txt") { Content = new StringContent(info, Encoding.UTF8, "application/xml") };
        using var res = await s.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        Assert.Equal(0, new FileInfo(s.PathOf("srv/new.txt")).Length);
        var token = res.Headers.GetValues("Lock-Token").Single();
        var (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/new.txt", new StringContent("data"), ("If", "(" + token + ")"));
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal("data", File.ReadAllText(s.PathOf("srv/new.txt")));
        // no daw, no d: a non-empty file is never replaced, the upload gets another name (copyparty)
        (st, _) = await s.Client.SendText(HttpMethod.Put, "/srv/full.txt", new StringContent("other"));
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.Equal("keep", File.ReadAllText(s.PathOf("srv/full.txt")));
    }

    [Fact]
    public async Task A_depth_1_listing_shows_each_members_own_dead_properties()
    {
        await using var s = await TestServer.StartAsync(["-v", "a:a:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a", "sub", "deeper"));
            File.WriteAllText(Path.Combine(root, "a", "top.txt"), "x");
            File.WriteAllText(Path.Combine(root, "a", "sub", "f.txt"), "x");
            File.WriteAllText(Path.Combine(root, "a", "sub", "g.txt"), "x");
            File.WriteAllText(Path.Combine(root, "a", "sub", "deeper", "h.txt"), "x");
        });
        static StringContent Set(string v) => new($"<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop><Z:color>{v}</Z:color></D:prop></D:set></D:propertyupdate>",
            Encoding.UTF8, "application/xml");
        foreach (var (path, color) in new[] { ("/a/top.txt", "red"), ("/a/sub", "green"), ("/a/sub/f.txt", "blue"), ("/a/sub/deeper/h.txt", "black") })
        {
            var (st, _) = await s.Client.SendText(PropPatch, path, Set(color));
            Assert.Equal(HttpStatusCode.MultiStatus, st);
        }
        // each <D:response> carries its own member's value, and nothing from deeper down
        static Dictionary<string, string?> Colors(string xml) => System.Text.RegularExpressions.Regex.Matches(xml,
                "<D:response><D:href>([^<]*)</D:href>(.*?)</D:response>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => System.Text.RegularExpressions.Regex.Match(m.Groups[2].Value, ">(red|green|blue|black)</") is { Success: true } c ? c.Groups[1].Value : null);
        var (_, root) = await s.Client.SendText(PropFind, "/a/", null, ("Depth", "1"));
        var top = Colors(root);
        Assert.Equal("red", top["/a/top.txt"]);
        Assert.Equal("green", top["/a/sub/"]);
        Assert.Null(top["/a/"]);
        var (_, sub) = await s.Client.SendText(PropFind, "/a/sub/", null, ("Depth", "1"));
        var inSub = Colors(sub);
        Assert.Equal("green", inSub["/a/sub/"]);
        Assert.Equal("blue", inSub["/a/sub/f.txt"]);
        Assert.Null(inSub["/a/sub/g.txt"]);
        Assert.Null(inSub["/a/sub/deeper/"]);
    }

    [Fact]
    public async Task Dead_properties_follow_copy_and_move_and_go_with_delete()
    {
        await using var s = await TestServer.StartAsync(["-v", "a:a:rwmd", "-v", "b:b:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "b"));
            File.WriteAllText(Path.Combine(root, "a", "f.txt"), "x");
        });
        const string set = "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop><Z:color>blue</Z:color></D:prop></D:set></D:propertyupdate>";
        var (st, _) = await s.Client.SendText(PropPatch, "/a/f.txt", new StringContent(set, Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        (st, _) = await s.Client.SendText(Copy, "/a/f.txt", null, ("Destination", "/b/c.txt"));
        Assert.Equal(HttpStatusCode.Created, st);
        (st, _) = await s.Client.SendText(Move, "/a/f.txt", null, ("Destination", s.BaseUrl + "/b/m.txt"));
        Assert.Equal(HttpStatusCode.Created, st);
        foreach (var p in (string[])["/b/c.txt", "/b/m.txt"])
        {
            var (_, body) = await s.Client.SendText(PropFind, p, null, ("Depth", "0"));
            Assert.Contains(">blue</", body, StringComparison.Ordinal);
        }
        (st, _) = await s.Client.SendText(HttpMethod.Delete, "/b/m.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        File.WriteAllText(s.PathOf("b/m.txt"), "new");
        var (_, after) = await s.Client.SendText(PropFind, "/b/m.txt", null, ("Depth", "0"));
        Assert.DoesNotContain(">blue</", after, StringComparison.Ordinal);
        // the copyparty-style ?move= and JSON batch delete keep them in step too
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/b/c.txt?move=/a/q.txt");
        Assert.Equal(HttpStatusCode.Created, st);
        (_, after) = await s.Client.SendText(PropFind, "/a/q.txt", null, ("Depth", "0"));
        Assert.Contains(">blue</", after, StringComparison.Ordinal);
        File.WriteAllText(s.PathOf("b/c.txt"), "new");
        (_, after) = await s.Client.SendText(PropFind, "/b/c.txt", null, ("Depth", "0"));
        Assert.DoesNotContain(">blue</", after, StringComparison.Ordinal);
        (st, _) = await s.Client.SendText(HttpMethod.Post, "/?delete", new StringContent("[\"/a/q.txt\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, st);
        File.WriteAllText(s.PathOf("a/q.txt"), "new");
        (_, after) = await s.Client.SendText(PropFind, "/a/q.txt", null, ("Depth", "0"));
        Assert.DoesNotContain(">blue</", after, StringComparison.Ordinal);
    }

    /// <summary>A big folder of odd names over a real socket: the fast path and the XmlWriter path (a tab in a name, a
    /// member with a dead property) in one streamed answer that parses, names every member once, and whose hrefs decode
    /// back to the names.</summary>
    [Fact]
    public async Task A_big_depth_1_listing_of_odd_names_is_whole_and_exact()
    {
        string[] odd = ["a & b <c>.txt", "æøå 中文.JPG", "emoji \U0001F600.png", "100% done?#.bin", " lead and trail ", "tab\there.txt", "semi;colon=x+y.html"];
        await using var s = await TestServer.StartAsync(["-v", "a:a:rwmd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a", "sub dir"));
            foreach (var n in odd)
            {
                File.WriteAllText(Path.Combine(root, "a", n), n);
            }
            // past 2 x 1,024 members: stat'ed in background batches while the first ones are written
            for (var i = 0; i < 2600; i++)
            {
                File.WriteAllText(Path.Combine(root, "a", $"f{i:D4} ø.txt"), "x");
            }
        });
        var (st, _) = await s.Client.SendText(PropPatch, "/a/f0007%20%C3%B8.txt", new StringContent(
            "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop><Z:color>red</Z:color></D:prop></D:set></D:propertyupdate>",
            Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        (st, var body) = await s.Client.SendText(PropFind, "/a/", null, ("Depth", "1"));
        Assert.Equal(HttpStatusCode.MultiStatus, st);
        Assert.True(body.Length > 300_000, "the answer spans several 64 KiB sends");
        var d = System.Xml.Linq.XNamespace.Get("DAV:");
        var responses = System.Xml.Linq.XDocument.Parse(body).Root!.Elements(d + "response").ToList();
        Assert.Equal(1 + 1 + odd.Length + 2600, responses.Count);
        var byName = new Dictionary<string, System.Xml.Linq.XElement>(StringComparer.Ordinal);
        foreach (var r in responses.Skip(1))
        {
            var name = r.Descendants(d + "displayname").Single().Value;
            var href = r.Element(d + "href")!.Value;
            Assert.Equal("/a/" + name + (name == "sub dir" ? "/" : ""), Uri.UnescapeDataString(href));
            byName.Add(name, r);
        }
        foreach (var n in odd)
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(n).ToString(System.Globalization.CultureInfo.InvariantCulture),
                byName[n].Descendants(d + "getcontentlength").Single().Value);
        }
        Assert.Equal("red", byName["f0007 ø.txt"].Descendants(System.Xml.Linq.XNamespace.Get("urn:z") + "color").Single().Value);
        Assert.Empty(byName["f0008 ø.txt"].Descendants(System.Xml.Linq.XNamespace.Get("urn:z") + "color"));
        Assert.Equal("image/jpeg", byName["æøå 中文.JPG"].Descendants(d + "getcontenttype").Single().Value);
        Assert.Single(byName["sub dir"].Descendants(d + "collection"));
        Assert.All(Enumerable.Range(0, 2600), i => Assert.Equal("1", byName[$"f{i:D4} ø.txt"].Descendants(d + "getcontentlength").Single().Value));
    }
}
