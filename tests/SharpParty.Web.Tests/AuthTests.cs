using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SharpParty.Web.Auth;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

public class AuthTests
{
    private static Task<TestServer> Start(params string[] extra) =>
        TestServer.StartAsync(["-a", "ed:wark", "-a", "k:kpass", "-v", "priv::r,ed", .. extra], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "priv"));
            File.WriteAllText(Path.Combine(root, "priv", "s.txt"), "secret");
        });

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var f = new MultipartFormDataContent();
        foreach (var (n, v) in fields)
        {
            f.Add(new StringContent(v), n);
        }
        return f;
    }

    private static async Task<string?> LoginCookie(TestServer s, string pw)
    {
        using var res = await s.Client.PostAsync("/", Form(("act", "login"), ("cppwd", pw)));
        return res.Headers.TryGetValues("Set-Cookie", out var v) ? v.First() : null;
    }

    [Theory]
    [InlineData("/s.txt?pw=wark", null, null)]
    [InlineData("/s.txt", "PW", "wark")]
    [InlineData("/s.txt", "Authorization", "Basic ZWQ6d2Fyaw==")] // ed:wark
    [InlineData("/s.txt", "Authorization", "Basic d2Fyazo=")] // wark: (password in the user field)
    [InlineData("/s.txt", "Authorization", "Basic Ondhcms=")] // :wark
    public async Task Every_password_source_works(string url, string? header, string? value)
    {
        await using var s = await Start();
        var headers = header is null ? [] : new[] { (header, value!) };
        var (st, body) = await s.Client.SendText(HttpMethod.Get, url, null, headers);
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("secret", body);
    }

    [Fact]
    public async Task Anonymous_and_wrong_users_are_refused()
    {
        await using var s = await Start();
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.SendText(HttpMethod.Get, "/s.txt")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=kpass")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=nope")).Status);
    }

    [Fact]
    public async Task Login_cookie_holds_a_session_id_that_survives_a_restart_and_logout_ends_it()
    {
        string cookie;
        string db;
        var root2 = Path.Combine(Path.GetTempPath(), "sp-ses-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root2, "priv"));
        File.WriteAllText(Path.Combine(root2, "priv", "s.txt"), "secret");
        db = Path.Combine(root2, "sessions.db");
        string[] args = ["-a", "ed:wark", "-v", Path.Combine(root2, "priv") + "::r,ed", "--ses-db", db];
        await using (var s = await TestServer.StartAsync(args))
        {
            var set = await LoginCookie(s, "wark");
            Assert.NotNull(set);
            Assert.Matches("^cppwd=[A-Za-z0-9_-]{20}; expires=.*; path=/; samesite=lax; httponly$", set!);
            Assert.DoesNotContain("wark", set, StringComparison.Ordinal);
            cookie = set.Split(';')[0];
            var (st, _) = await s.Client.SendText(HttpMethod.Get, "/s.txt", null, ("Cookie", cookie));
            Assert.Equal(HttpStatusCode.OK, st);
        }
        // the database holds a hash of the id, never the id itself
        var id = cookie["cppwd=".Length..];
        var bytes = await File.ReadAllBytesAsync(db);
        var wal = File.Exists(db + "-wal") ? await File.ReadAllBytesAsync(db + "-wal") : [];
        Assert.DoesNotContain(id, Encoding.ASCII.GetString(bytes) + Encoding.ASCII.GetString(wal), StringComparison.Ordinal);
        await using (var s = await TestServer.StartAsync(args))
        {
            var (st, _) = await s.Client.SendText(HttpMethod.Get, "/s.txt", null, ("Cookie", cookie));
            Assert.Equal(HttpStatusCode.OK, st);
            using var res = await s.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/") { Content = Form(("act", "logout")), Headers = { { "Cookie", cookie } } });
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            (st, _) = await s.Client.SendText(HttpMethod.Get, "/s.txt", null, ("Cookie", cookie));
            Assert.Equal(HttpStatusCode.Forbidden, st);
        }
        Directory.Delete(root2, true);
    }

    [Fact]
    public async Task Bad_login_clears_the_cookie()
    {
        await using var s = await Start();
        using var res = await s.Client.PostAsync("/", Form(("act", "login"), ("cppwd", "wrong")));
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.StartsWith("cppwd=x;", res.Headers.GetValues("Set-Cookie").First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_bad_passwords_ban_the_address()
    {
        await using var s = await Start("--ban-pw", "2,60,5");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=bad" + i)).Status);
        }
        var (st, body) = await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=wark");
        Assert.Equal(HttpStatusCode.Forbidden, st);
        Assert.Contains("thank you for playing", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_can_be_disabled()
    {
        await using var s = await Start("--ban-pw", "no");
        for (var i = 0; i < 12; i++)
        {
            await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=bad" + i);
        }
        Assert.Equal(HttpStatusCode.OK, (await s.Client.SendText(HttpMethod.Get, "/s.txt?pw=wark")).Status);
    }

    [Fact]
    public async Task Argon2_hashed_passwords_in_copyparty_format_log_in()
    {
        // small parameters keep the test fast; the format and the derivation are those of --ah-alg argon2
        var hasher = new PasswordHasher("argon2,1,8,1", "pepper");
        var hashed = hasher.Hash("wark");
        Assert.Matches("^\\+[A-Za-z0-9_-]{32}$", hashed);
        Assert.Equal(hashed, new PasswordHasher("argon2,1,8,1", "pepper").Hash("wark"));
        Assert.NotEqual(hashed, new PasswordHasher("argon2,1,8,1", "salt2").Hash("wark"));
        await using var s = await TestServer.StartAsync(["--ah-alg", "argon2,1,8,1", "--ah-salt", "pepper", "-a", "ed:" + hashed, "-a", "k:plain", "-v", "d::r,ed,k"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "d"));
            File.WriteAllText(Path.Combine(root, "d", "f.txt"), "ok");
        });
        Assert.Equal(HttpStatusCode.OK, (await s.Client.SendText(HttpMethod.Get, "/f.txt?pw=wark")).Status);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.SendText(HttpMethod.Get, "/f.txt?pw=plain")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Client.SendText(HttpMethod.Get, "/f.txt?pw=" + Uri.EscapeDataString(hashed))).Status);
    }

    [Fact]
    public void Argon2_matches_copyparty_defaults_reference_vector()
    {
        // computed by copyparty 1.15.9's pwhash.py (--ah-alg argon2 --ah-salt pepperpepper) with Debian's python3-argon2:
        // argon2id, t=3, m=256 MiB, p=4, v=19, 24-byte output
        Assert.Equal("+C5FFXE63QvxUvpuK1K-Qz7fdx7JBd1-e", new PasswordHasher("argon2", "pepperpepper").Hash("wark"));
    }
}
