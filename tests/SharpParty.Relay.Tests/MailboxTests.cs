using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Core.Up2k;
using SharpParty.Relay.Tests.Infra;
using SharpParty.Web.Relay;
using SharpParty.Web.Tests.Infra;
using static SharpParty.Relay.Tests.Infra.RawPeer;

namespace SharpParty.Relay.Tests;

/// <summary>--relay-box: the server plays the missing side at /.cpr/relay/FOLDER (our commands, the real server).</summary>
public class MailboxTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(30);

    /// <summary>box: anyone drops and pulls; ro: read only; drop: write only.</summary>
    private static Task<TestServer> StartAsync(string wait = "0") =>
        TestServer.StartAsync(["--relay", "--relay-box", wait, "-v", "box:box:rw", "-v", "ro:ro:r", "-v", "drop:drop:w"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "box"));
            Directory.CreateDirectory(Path.Combine(root, "ro"));
            Directory.CreateDirectory(Path.Combine(root, "drop"));
            File.WriteAllText(Path.Combine(root, "ro", "readme.txt"), "read me");
        });

    private static string MakeTree(string root)
    {
        var src = Path.Combine(root, "parcel");
        Directory.CreateDirectory(Path.Combine(src, "sub"));
        File.WriteAllBytes(Path.Combine(src, "big.bin"), Relays.RandomBytes((2 << 20) + 5, 21));
        File.WriteAllText(Path.Combine(src, "sub", "ü note.txt"), "hello mailbox\n");
        File.WriteAllBytes(Path.Combine(src, "sub", "empty"), []);
        for (var i = 0; i < 30; i++)
        {
            File.WriteAllBytes(Path.Combine(src, $"s{i:D2}"), Relays.RandomBytes(100 * i, i));
        }
        return src;
    }

    private static void AssertSameTree(string want, string got)
    {
        var a = Transfer.Snapshot(want);
        var b = Transfer.Snapshot(got);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(b[kv.Key]), kv.Key));
    }

    [Fact]
    public async Task APlainDropBecomesOrdinaryFilesThatAreListedRecordedAndPulledBack()
    {
        await using var s = await StartAsync();
        var root = Relays.TempDir();
        var src = MakeTree(root);
        var err = new StringWriter();
        Assert.Equal(0, await Transfer.SendAsync(s.WsUrl("/.cpr/relay/box"), "nobody listens", [src], err, default));
        AssertSameTree(src, s.PathOf("box/parcel"));
        Assert.Empty(Directory.EnumerateFiles(s.PathOf("box"), "*.PARTIAL", SearchOption.AllDirectories));
        // the web UI's listing shows them, and the registry knows them as finished uploads
        var (_, ls) = await s.Client.SendText(HttpMethod.Get, "/box/parcel/sub/?ls");
        Assert.Contains("note.txt", ls);
        var jobs = s.Services.GetRequiredService<RegistrySet>().Opened.SelectMany(r => r.All()).ToList();
        Assert.Contains(jobs, j => j.Name == "big.bin" && j.Folder == "parcel" && j.Done && j.Size == (2 << 20) + 5);
        // and anyone with r pulls the folder back through the relay
        var outDir = Path.Combine(root, "out");
        Assert.Equal(0, await Transfer.ReceiveAsync(s.WsUrl("/.cpr/relay/box/parcel"), "any code", outDir, err, default));
        AssertSameTree(src, Path.Combine(outDir, "parcel"));
        var c = s.Services.GetRequiredService<RelayHub>().Counters;
        Assert.Equal((1, 1), (c.StoredTotal, c.ServedTotal));
        Assert.True(err.ToString().Length == 0, err.ToString());
    }

    [Fact]
    public async Task AnEncryptedDropIsStoredAsCiphertextAndReplayedToTheRightCodeOnly()
    {
        await using var s = await StartAsync();
        var root = Relays.TempDir();
        var src = MakeTree(root);
        File.WriteAllText(Path.Combine(src, "secret.txt"), "the plaintext that must not be on the server");
        var err = new StringWriter();
        var url = s.WsUrl("/.cpr/relay/box");
        Assert.Equal(0, await Transfer.SendAsync(url, "sealed code", [src], err, default, "--encrypt", "--compress", "off"));
        // one hidden box, no file in the clear
        var boxes = Directory.GetFiles(s.PathOf("box"), ".relay-*.box");
        Assert.Single(boxes);
        Assert.Empty(Directory.GetDirectories(s.PathOf("box")));
        Assert.DoesNotContain("must not be on the server", Encoding.UTF8.GetString(File.ReadAllBytes(boxes[0])));
        // a different code does not get it
        var wrong = new StringWriter();
        Assert.Equal(4, await Transfer.ReceiveAsync(url, "other code", Path.Combine(root, "nope"), wrong, default, "--encrypt"));
        Assert.False(Directory.Exists(Path.Combine(root, "nope", "parcel")));
        // the code's owner decrypts the replay as if the sender were live
        var outDir = Path.Combine(root, "out");
        Assert.Equal(0, await Transfer.ReceiveAsync(url, "sealed code", outDir, err, default, "--encrypt"));
        AssertSameTree(src, Path.Combine(outDir, "parcel"));
        Assert.True(err.ToString().Length == 0, err.ToString());
    }

    [Fact]
    public async Task PermissionsDecideWhoDropsAndWhoPulls()
    {
        await using var s = await StartAsync();
        var root = Relays.TempDir();
        var src = MakeTree(root);
        var err = new StringWriter();
        // r only: no drop
        Assert.Equal(3, await Transfer.SendAsync(s.WsUrl("/.cpr/relay/ro"), "c", [src], err, default));
        Assert.Contains("No write access", err.ToString());
        Assert.False(Directory.Exists(s.PathOf("ro/parcel")));
        // w only: drop yes, pull no
        Assert.Equal(0, await Transfer.SendAsync(s.WsUrl("/.cpr/relay/drop"), "c", [src], err, default));
        Assert.True(File.Exists(s.PathOf("drop/parcel/big.bin")));
        Assert.Equal(4, await Transfer.ReceiveAsync(s.WsUrl("/.cpr/relay/drop"), "c", Path.Combine(root, "o1"), err, default));
        Assert.Contains("No read access", err.ToString());
        // a file can be pulled by itself
        Assert.Equal(0, await Transfer.ReceiveAsync(s.WsUrl("/.cpr/relay/ro/readme.txt"), "c", Path.Combine(root, "o2"), err, default));
        Assert.Equal("read me", File.ReadAllText(Path.Combine(root, "o2", "readme.txt")));
        // no such folder, or a path out of the volumes: refused before the upgrade
        Assert.Equal(4, await Transfer.ReceiveAsync(s.WsUrl("/.cpr/relay/nope"), "c", Path.Combine(root, "o3"), err, default));
        // (.NET's Uri would squash the dots before sending: curl sends them as they are)
        foreach (var bad in new[] { "/.cpr/relay/box/../ro", "/.cpr/relay/box/%2e%2e/ro", "/.cpr/relay/box/..%2fro" })
        {
            var (_, code) = await s.CurlAsync("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
                "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "{base}" + bad);
            Assert.True(code is "400" or "404", bad + " -> " + code);
        }
    }

    [Fact]
    public async Task ADropReplacesAnExistingFileOnlyWithTheDeletePermission()
    {
        await using var s = await TestServer.StartAsync(["--relay", "--relay-box", "0", "-v", "box:box:rw", "-v", "del:del:rwd"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "box", "p"));
            Directory.CreateDirectory(Path.Combine(root, "del", "p"));
            File.WriteAllText(Path.Combine(root, "box", "p", "f.txt"), "old");
            File.WriteAllText(Path.Combine(root, "del", "p", "f.txt"), "old");
        });
        var root = Relays.TempDir();
        Directory.CreateDirectory(Path.Combine(root, "p"));
        File.WriteAllText(Path.Combine(root, "p", "f.txt"), "new");
        var err = new StringWriter();
        Assert.Equal(3, await Transfer.SendAsync(s.WsUrl("/.cpr/relay/box"), "c", [Path.Combine(root, "p")], err, default));
        Assert.Contains("needs the d permission", err.ToString());
        Assert.Equal("old", File.ReadAllText(s.PathOf("box/p/f.txt")));
        Assert.Equal(0, await Transfer.SendAsync(s.WsUrl("/.cpr/relay/del"), "c", [Path.Combine(root, "p")], err, default));
        Assert.Equal("new", File.ReadAllText(s.PathOf("del/p/f.txt")));
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("/tmp/sp-box-absolute.txt")]
    [InlineData("parcel/../../escaped.txt")]
    public async Task AHostileManifestWritesNothingOutsideTheMailboxFolder(string path)
    {
        await using var s = await StartAsync();
        await using var peer = await ConnectAsync(s.WsUrl("/.cpr/relay/box"), HelloJson(Convert.ToHexStringLower(SHA256.HashData("h"u8)), "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await peer.ReceiveTextAsync(Short));
        var json = System.Text.Json.JsonSerializer.Serialize(path);
        await peer.SendTextAsync($"{{\"type\":\"manifest\",\"resume\":false,\"entries\":[{{\"path\":{json},\"size\":2}}]}}");
        await peer.SendTextAsync($"{{\"type\":\"file\",\"path\":{json},\"size\":2,\"compression\":\"none\",\"append_from\":0}}");
        Assert.NotNull(await peer.ExpectClosedAsync(Short));
        Assert.Contains("refusing path", peer.CloseReason);
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.PathOf("box")));
        Assert.False(File.Exists(s.PathOf("escaped.txt")));
        Assert.False(File.Exists("/tmp/sp-box-absolute.txt"));
    }

    [Fact]
    public async Task ALivePartnerWithinTheWaitPairsAsUsual()
    {
        await using var s = await StartAsync("20");
        var root = Relays.TempDir();
        var src = MakeTree(root);
        var r = await Transfer.RunAsync(s.WsUrl("/.cpr/relay/box"), "live", Path.Combine(root, "out"), [src]);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        AssertSameTree(src, Path.Combine(root, "out", "parcel"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(s.PathOf("box")));
        Assert.Equal(1, s.Services.GetRequiredService<RelayHub>().Counters.PairsTotal);
    }

    [Fact]
    public async Task TheCountersAreShownToAdminsOnly()
    {
        await using var s = await TestServer.StartAsync(["--relay", "-a", "adm:pw", "-v", "srv::r", "-v", "a:a:a,adm"],
            root =>
            {
                Directory.CreateDirectory(Path.Combine(root, "a"));
                Directory.CreateDirectory(Path.Combine(root, "srv"));
            });
        var (st, _) = await s.Client.SendText(HttpMethod.Get, "/.cpr/relay");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, st);
        await using (var a = await ConnectAsync(s.WsUrl(), HelloJson("k", "receiver")))
        await using (var b = await ConnectAsync(s.WsUrl(), HelloJson("k", "sender")))
        {
            await b.ReceiveTextAsync(Short);
            await b.SendTextAsync("{\"type\":\"eof\"}");
            await a.ReceiveTextAsync(Short);
            var (st2, json) = await s.Client.SendText(HttpMethod.Get, "/.cpr/relay?pw=pw");
            Assert.Equal(System.Net.HttpStatusCode.OK, st2);
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            Assert.Equal(1, doc.RootElement.GetProperty("pairs").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("pairs_total").GetInt64());
            Assert.Equal(14, doc.RootElement.GetProperty("bytes_total").GetInt64());
            Assert.Equal(1, doc.RootElement.GetProperty("messages_total").GetInt64());
        }
    }
}
