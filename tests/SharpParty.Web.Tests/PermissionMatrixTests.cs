using System.Net;
using System.Text.Json;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// The permission matrix, after copyparty's test_httpcli: volume kinds r, w, rw (and A = rwmda.) for everyone, user o
/// and user x, mounted three deep with a neutral folder between levels (/K, /K/n/K2, /K/n/K/n/K); every operation as
/// anonymous, o and x. Each test case is one (operation, user) pair and asserts every volume, listing all wrong cells.
/// </summary>
public sealed class PermissionMatrixFixture : IAsyncLifetime
{
    public static readonly string[] Kinds = ["ra", "ro", "rx", "wa", "wo", "wx", "rwa", "rwo", "rwx", "Aa", "Ao", "Ax"];
    public static readonly string[] Users = ["*", "o", "x"];

    private static readonly string[] Tags = ["anon", "o", "x"];

    public TestServer Server { get; private set; } = null!;

    public List<string> Volumes { get; } = [];

    public async Task InitializeAsync()
    {
        foreach (var k in Kinds)
        {
            Volumes.Add(k);
            foreach (var k2 in Kinds)
            {
                Volumes.Add($"{k}/n/{k2}");
            }
            Volumes.Add($"{k}/n/{k}/n/{k}");
        }
        var args = new List<string> { "-a", "o:o", "-a", "x:x" };
        foreach (var v in Volumes)
        {
            var kind = v[(v.LastIndexOf('/') + 1)..];
            var perms = kind[..^1];
            var user = kind[^1] == 'a' ? "" : "," + kind[^1];
            args.Add("-v");
            args.Add($"m/{v}:{v}:{perms}{user}");
        }
        Server = await TestServer.StartAsync([.. args], root =>
        {
            foreach (var v in Volumes)
            {
                var d = Path.Combine(root, "m", v);
                Directory.CreateDirectory(Path.Combine(d, "n"));
                File.WriteAllText(Path.Combine(d, "f.txt"), "ok " + v);
                foreach (var u in Tags)
                {
                    File.WriteAllText(Path.Combine(d, $"mv-{u}.txt"), "mv");
                    File.WriteAllText(Path.Combine(d, $"cp-{u}.txt"), "cp");
                    File.WriteAllText(Path.Combine(d, $"del-{u}.txt"), "del");
                }
            }
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class PermissionMatrixTests(PermissionMatrixFixture fx) : IClassFixture<PermissionMatrixFixture>
{
    public static TheoryData<string, string> Cells()
    {
        var d = new TheoryData<string, string>();
        foreach (var op in new[] { "get", "html", "ls", "put", "bput", "mkdir", "move", "copy", "delete" })
        {
            foreach (var u in PermissionMatrixFixture.Users)
            {
                d.Add(op, u);
            }
        }
        return d;
    }

    private static (bool R, bool W, bool M, bool D) Expect(string vol, string user)
    {
        var kind = vol[(vol.LastIndexOf('/') + 1)..];
        var who = kind[^1];
        var applies = who == 'a' || (user != "*" && who == user[0]);
        var p = kind[..^1];
        if (!applies)
        {
            return (false, false, false, false);
        }
        var all = p == "A";
        return (all || p.Contains('r', StringComparison.Ordinal), all || p.Contains('w', StringComparison.Ordinal), all, all);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Every_volume_answers_as_its_permissions_say(string op, string user)
    {
        var s = fx.Server;
        var tag = user == "*" ? "anon" : user;
        var auth = user == "*" ? "" : (op is "get" or "html" or "ls" ? "?pw=" : "&pw=") + user;
        var bad = new List<string>();
        foreach (var vol in fx.Volumes)
        {
            var (r, w, m, d) = Expect(vol, user);
            var dir = Path.Combine(s.Root, "m", vol);
            string cell = $"{op} as {user} in /{vol}";
            switch (op)
            {
                case "get":
                    {
                        var (st, body) = await s.Client.SendText(HttpMethod.Get, $"/{vol}/f.txt{auth}");
                        Check(bad, cell, r ? 200 : 403, st, r ? body == "ok " + vol : !body.Contains("ok ", StringComparison.Ordinal));
                        break;
                    }
                case "html":
                    {
                        var (st, body) = await s.Client.SendText(HttpMethod.Get, $"/{vol}/?b=u{auth.Replace('?', '&')}");
                        Check(bad, cell, r || w ? 200 : 403, st, r == body.Contains(">f.txt<", StringComparison.Ordinal)
                            && w == body.Contains("name=\"act\" value=\"bput\"", StringComparison.Ordinal));
                        break;
                    }
                case "ls":
                    {
                        var (st, body) = await s.Client.SendText(HttpMethod.Get, $"/{vol}/?ls{auth.Replace('?', '&')}");
                        var ok = true;
                        if (st == HttpStatusCode.OK)
                        {
                            using var doc = JsonDocument.Parse(body);
                            var files = doc.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("href").GetString()).ToList();
                            var perms = doc.RootElement.GetProperty("perms").EnumerateArray().Select(p => p.GetString()).ToList();
                            ok = r == files.Contains("f.txt") && r == perms.Contains("read") && w == perms.Contains("write");
                        }
                        Check(bad, cell, r || w ? 200 : 403, st, ok);
                        break;
                    }
                case "put":
                    {
                        var (st, _) = await s.Client.SendText(HttpMethod.Put, $"/{vol}/put-{tag}.txt{auth.Replace('&', '?')}", new StringContent("p"));
                        Check(bad, cell, w ? 201 : 403, st, w == File.Exists(Path.Combine(dir, $"put-{tag}.txt")));
                        break;
                    }
                case "bput":
                    {
                        using var form = new MultipartFormDataContent { { new StringContent("b"), "f", $"bp-{tag}.txt" } };
                        var (st, _) = await s.Client.SendText(HttpMethod.Post, $"/{vol}/{auth.Replace('&', '?')}", form);
                        Check(bad, cell, w ? 201 : 403, st, w == File.Exists(Path.Combine(dir, $"bp-{tag}.txt")));
                        break;
                    }
                case "mkdir":
                    {
                        using var form = new MultipartFormDataContent { { new StringContent("mkdir"), "act" }, { new StringContent($"dir-{tag}"), "name" } };
                        var (st, _) = await s.Client.SendText(HttpMethod.Post, $"/{vol}/{auth.Replace('&', '?')}", form);
                        Check(bad, cell, w ? 201 : 403, st, w == Directory.Exists(Path.Combine(dir, $"dir-{tag}")));
                        break;
                    }
                case "move":
                    {
                        // m at the source and w at the destination (the same folder here)
                        var can = m && w;
                        var (st, _) = await s.Client.SendText(HttpMethod.Post, $"/{vol}/mv-{tag}.txt?move=/{vol}/moved-{tag}.txt{auth}");
                        Check(bad, cell, can ? 201 : 403, st,
                            can == File.Exists(Path.Combine(dir, $"moved-{tag}.txt")) && can != File.Exists(Path.Combine(dir, $"mv-{tag}.txt")));
                        break;
                    }
                case "copy":
                    {
                        var can = r && w;
                        var (st, _) = await s.Client.SendText(HttpMethod.Post, $"/{vol}/cp-{tag}.txt?copy=/{vol}/copied-{tag}.txt{auth}");
                        Check(bad, cell, can ? 201 : 403, st,
                            can == File.Exists(Path.Combine(dir, $"copied-{tag}.txt")) && File.Exists(Path.Combine(dir, $"cp-{tag}.txt")));
                        break;
                    }
                case "delete":
                    {
                        var (st, _) = await s.Client.SendText(HttpMethod.Post, $"/{vol}/del-{tag}.txt?delete{auth}");
                        Check(bad, cell, d ? 200 : 403, st, d != File.Exists(Path.Combine(dir, $"del-{tag}.txt")));
                        break;
                    }
            }
        }
        Assert.True(bad.Count == 0, $"{bad.Count} of {fx.Volumes.Count} cells wrong:\n" + string.Join('\n', bad.Take(40)));
    }

    private static void Check(List<string> bad, string cell, int want, HttpStatusCode got, bool effectOk)
    {
        if ((int)got != want || !effectOk)
        {
            bad.Add($"{cell}: status {(int)got} (want {want}), effect {(effectOk ? "ok" : "WRONG")}");
        }
    }
}

/// <summary>--vague-403: a forbidden resource looks like a missing one.</summary>
public class VagueForbiddenTests
{
    [Fact]
    public async Task Forbidden_becomes_404()
    {
        await using var s = await TestServer.StartAsync(["-a", "o:o", "-v", "a:a:r,o", "--vague-403"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            File.WriteAllText(Path.Combine(root, "a", "f.txt"), "x");
        });
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendText(HttpMethod.Get, "/a/f.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendText(HttpMethod.Get, "/a/nope.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.SendText(HttpMethod.Put, "/a/new.txt", new StringContent("x"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.SendText(HttpMethod.Get, "/a/f.txt?pw=o")).Status);
    }
}
