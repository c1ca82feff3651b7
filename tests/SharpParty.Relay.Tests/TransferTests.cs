using Microsoft.Extensions.DependencyInjection;
using SharpParty.Relay.Tests.Infra;
using SharpParty.Web.Relay;

namespace SharpParty.Relay.Tests;

/// <summary>Our send ↔ our relay (the real server) ↔ our receive.</summary>
public class TransferTests
{
    private static string MakeTree(string root)
    {
        var src = Path.Combine(root, "src");
        Directory.CreateDirectory(Path.Combine(src, "sub", "deeper"));
        File.WriteAllText(Path.Combine(src, "a.txt"), "hello relay\n");
        File.WriteAllBytes(Path.Combine(src, "sub", "deeper", "ü €-日本.bin"), Relays.RandomBytes((3 << 20) + 12345, 1));
        File.WriteAllBytes(Path.Combine(src, "empty"), []);
        File.WriteAllBytes(Path.Combine(src, "sub", "empty2"), []);
        File.WriteAllBytes(Path.Combine(src, "sub", "exact"), Relays.RandomBytes(1 << 20, 2));
        File.WriteAllText(Path.Combine(root, "solo.txt"), string.Concat(Enumerable.Range(0, 300000).Select(i => $"line {i}\n")));
        return src;
    }

    private static void AssertSame(string root, string outDir)
    {
        var want = Transfer.Snapshot(Path.Combine(root, "src")).ToDictionary(kv => "src/" + kv.Key, kv => kv.Value);
        want["solo.txt"] = File.ReadAllBytes(Path.Combine(root, "solo.txt"));
        var got = Transfer.Snapshot(outDir);
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (k, v) in want)
        {
            Assert.True(v.AsSpan().SequenceEqual(got[k]), k);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("--encrypt")]
    [InlineData("--compress on")]
    [InlineData("--encrypt --compress off")]
    public async Task NestedFoldersUnicodeNamesAndEmptyFilesArriveIdentical(string flagLine)
    {
        var flags = flagLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var src = MakeTree(root);
        var outDir = Path.Combine(root, "out");
        var enc = flags.Contains("--encrypt") ? new[] { "--encrypt" } : [];
        var r = await Transfer.RunAsync(s.WsUrl(), "some code", outDir, [src, Path.Combine(root, "solo.txt")], flags, enc);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        AssertSame(root, outDir);
    }

    /// <summary>Both ends of many pairs arrive at once, so partners often pair while the first one's request is still
    /// setting up its early read: the pumps must not read that socket before it (a message was lost that way).</summary>
    [Fact]
    public async Task ManyPairsArrivingTogetherLoseNoMessage()
    {
        await using var s = await Relays.StartAsync("--relay-pairs", "64", "--relay-ip-max", "64");
        var root = Relays.TempDir();
        var src = Path.Combine(root, "src");
        Directory.CreateDirectory(src);
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(src, $"f{i}"), Relays.RandomBytes(100 + (i * 5000), 10 + i));
        }
        var runs = Enumerable.Range(0, 40).Select(i => Transfer.RunAsync(s.WsUrl(), $"pair {i}", Path.Combine(root, $"out{i}"), [src])).ToList();
        var results = await Task.WhenAll(runs);
        for (var i = 0; i < results.Length; i++)
        {
            var r = results[i];
            Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, $"pair {i}: {r.SendErr}{r.ReceiveErr}");
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(src, $"f{k}")), File.ReadAllBytes(Path.Combine(root, $"out{i}", "src", $"f{k}")));
            }
        }
    }

    [Fact]
    public async Task AutoCompressionShrinksTextOnTheWire()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var file = Path.Combine(root, "log.txt");
        File.WriteAllText(file, string.Concat(Enumerable.Range(0, 400000).Select(i => $"2026-12-03 request {i} ok\n")));
        var r = await Transfer.RunAsync(s.WsUrl(), "zz", Path.Combine(root, "out"), [file]);
        Assert.Equal(0, r.SendCode + r.ReceiveCode);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(root, "out", "log.txt")));
        var relayed = s.Services.GetRequiredService<RelayHub>().Counters.BytesTotal;
        Assert.InRange(relayed, 1, new FileInfo(file).Length / 4);
    }

    [Fact]
    public async Task EncryptingSenderAndPlainReceiverNeverPairAndBothFail()
    {
        await using var s = await Relays.StartAsync("--relay-wait", "2");
        var root = Relays.TempDir();
        File.WriteAllText(Path.Combine(root, "x"), "x");
        var r = await Transfer.RunAsync(s.WsUrl(), "c", Path.Combine(root, "out"), [Path.Combine(root, "x")], ["--encrypt"]);
        Assert.Equal(3, r.SendCode);
        Assert.Equal(4, r.ReceiveCode);
        Assert.False(File.Exists(Path.Combine(root, "out", "x")));
    }

    [Theory]
    [InlineData("--encrypt")]
    [InlineData("--compress")] // plaintext: the whole-file hash then covers the resumed prefix on both ends
    public async Task AnInterruptedTransferResumesMidFileAndSendsOnlyTheRest(string flag)
    {
        string[] f = flag == "--encrypt" ? ["--encrypt"] : ["--compress", "off"];
        string[] rf = flag == "--encrypt" ? ["--encrypt"] : [];
        var root = Relays.TempDir();
        var big = Path.Combine(root, "big.bin");
        File.WriteAllBytes(big, Relays.RandomBytes(24 << 20, 3));
        var outDir = Path.Combine(root, "out");
        var partial = Path.Combine(outDir, ".big.bin.PARTIAL");
        await using (var slow = await Relays.StartAsync("--relay-rate", "6"))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var recvCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var recv = Transfer.ReceiveAsync(slow.WsUrl(), "resume me", outDir, TextWriter.Null, recvCts.Token, rf);
            var send = Transfer.SendAsync(slow.WsUrl(), "resume me", [big], TextWriter.Null, cts.Token, f);
            for (var i = 0; i < 200 && !(File.Exists(partial) && new FileInfo(partial).Length > (3 << 20)); i++)
            {
                await Task.Delay(50);
            }
            await recvCts.CancelAsync(); // the receiver is killed mid-file
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recv);
            Assert.Equal(3, await send);
        }
        Assert.False(File.Exists(Path.Combine(outDir, "big.bin")), "a half file must not sit under its final name");
        var had = new FileInfo(partial).Length;
        Assert.InRange(had, (3 << 20) + 1, (24 << 20) - 1);
        await using var s = await Relays.StartAsync();
        var r = await Transfer.RunAsync(s.WsUrl(), "resume me", outDir, [big], [.. f, "--resume"], rf);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        Assert.Equal(File.ReadAllBytes(big), File.ReadAllBytes(Path.Combine(outDir, "big.bin")));
        Assert.False(File.Exists(partial));
        var relayed = s.Services.GetRequiredService<RelayHub>().Counters.BytesTotal;
        Assert.InRange(relayed, (24 << 20) - had, (24 << 20) - had + (1 << 20));
    }

    [Fact]
    public async Task ResumeSkipsWhatIsThereResendsWhatDiffersAndEmptiesAStaleCopyOfAnEmptyFile()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var src = Path.Combine(root, "d");
        Directory.CreateDirectory(src);
        File.WriteAllBytes(Path.Combine(src, "same.bin"), Relays.RandomBytes(5 << 20, 4));
        File.WriteAllBytes(Path.Combine(src, "changed.bin"), Relays.RandomBytes(2 << 20, 5));
        File.WriteAllBytes(Path.Combine(src, "now-empty"), []);
        var outDir = Path.Combine(root, "out");
        Directory.CreateDirectory(Path.Combine(outDir, "d"));
        File.Copy(Path.Combine(src, "same.bin"), Path.Combine(outDir, "d", "same.bin"));
        File.WriteAllBytes(Path.Combine(outDir, "d", "changed.bin"), Relays.RandomBytes(2 << 20, 6));
        File.WriteAllText(Path.Combine(outDir, "d", "now-empty"), "stale");
        var r = await Transfer.RunAsync(s.WsUrl(), "r", outDir, [src], ["--resume"]);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        foreach (var n in new[] { "same.bin", "changed.bin", "now-empty" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(src, n)), File.ReadAllBytes(Path.Combine(outDir, "d", n)));
        }
        // same.bin (5 MiB) was not sent again; changed.bin (2 MiB) was
        Assert.InRange(s.Services.GetRequiredService<RelayHub>().Counters.BytesTotal, 2 << 20, 3 << 20);
    }

    [Fact]
    public async Task BadCommandLinesExitWith2()
    {
        Assert.Equal(2, await Client.Relay.RelayCommand.SendAsync(["ws://x/", "code"], TextWriter.Null, TextWriter.Null, false, default));
        Assert.Equal(2, await Client.Relay.RelayCommand.SendAsync(["ws://x/", "c", "f", "--compress", "max"], TextWriter.Null, TextWriter.Null, false, default));
        Assert.Equal(2, await Client.Relay.RelayCommand.ReceiveAsync(["ws://x/", "c", "--bogus"], TextWriter.Null, TextWriter.Null, false, default));
        var err = new StringWriter();
        Assert.Equal(3, await Client.Relay.RelayCommand.SendAsync(["ws://127.0.0.1:1/", "c", "/nonexistent/file"], TextWriter.Null, err, false, default));
        Assert.Contains("does not exist", err.ToString());
        Assert.Equal(4, await Client.Relay.RelayCommand.ReceiveAsync(["ws://127.0.0.1:1/", "c", "--out", Relays.TempDir()], TextWriter.Null, TextWriter.Null, false, default));
    }
}

/// <summary>The batch1 extension between our own commands, and its fallback.</summary>
public class BatchTests
{
    private static string MakeSmallFiles(string root, int n)
    {
        var src = Path.Combine(root, "many");
        Directory.CreateDirectory(Path.Combine(src, "sub"));
        var rnd = new Random(11);
        for (var i = 0; i < n; i++)
        {
            File.WriteAllBytes(Path.Combine(src, i % 3 == 0 ? "sub" : "", $"f{i:D4}.bin"), Relays.RandomBytes(rnd.Next(0, 8 << 10), i));
        }
        // a file bigger than a batch item in the middle: the batch before it must go out first
        File.WriteAllBytes(Path.Combine(src, "f0200-big.bin"), Relays.RandomBytes((1 << 20) + 777, 99));
        return src;
    }

    [Theory]
    [InlineData("")]
    [InlineData("--encrypt")]
    [InlineData("--resume")]
    public async Task ManySmallFilesTravelInFewMessagesAndArriveIdentical(string flag)
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var src = MakeSmallFiles(root, 400);
        var outDir = Path.Combine(root, "out");
        string[] flags = flag.Length == 0 ? [] : [flag];
        var r = await Transfer.RunAsync(s.WsUrl(), "small", outDir, [src], flags, flag == "--encrypt" ? flags : []);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        var want = Transfer.Snapshot(src);
        var got = Transfer.Snapshot(Path.Combine(outDir, "many"));
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        Assert.All(want, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(got[kv.Key]), kv.Key));
        // 401 files are 1,203 messages one by one; batched, a few dozen
        var c = s.Services.GetRequiredService<RelayHub>().Counters;
        Assert.InRange(c.MessagesTotal, 5, 200);
    }

    [Fact]
    public async Task AReceiverThatDoesNotEchoGetsP2pCopysMessagesOneByOne()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var src = Path.Combine(root, "d");
        Directory.CreateDirectory(src);
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(Path.Combine(src, $"{i:D2}.txt"), $"file {i}");
        }
        await using var peer = await RawPeer.ConnectAsync(s.WsUrl(), RawPeer.HelloJson(Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData("quiet"u8)), "receiver"));
        var send = Transfer.SendAsync(s.WsUrl(), "quiet", [src], TextWriter.Null, default, "--compress", "off");
        Assert.Contains("\"x_caps\":[\"batch1\",\"sha256f\"]", await peer.ReceiveTextAsync());
        for (var i = 0; i < 20; i++)
        {
            Assert.StartsWith("{\"type\":\"file\",", await peer.ReceiveTextAsync());
            Assert.False((await peer.ReceiveAsync())!.Value.Text);
            Assert.Equal("{\"type\":\"file_eof\"}", await peer.ReceiveTextAsync());
        }
        Assert.Equal("{\"type\":\"eof\"}", await peer.ReceiveTextAsync());
        await peer.CloseAsync();
        Assert.Equal(0, await send);
    }

    [Fact]
    public async Task ABrokenBatchStopsTheReceiver()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var err = new StringWriter();
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "demo-code", Path.Combine(root, "out"), err, default);
        await using var peer = await RawPeer.ConnectAsync(s.WsUrl(), RawPeer.HelloJson(Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData("demo-code"u8)), "sender"));
        await peer.ReceiveTextAsync();
        await peer.SendTextAsync("{\"type\":\"manifest\",\"resume\":false,\"entries\":[{\"path\":\"f\",\"size\":2}],\"x_caps\":[\"batch1\"]}");
        Assert.Equal("{\"type\":\"x_caps\",\"x_caps\":[\"batch1\"]}", await peer.ReceiveTextAsync());
        await peer.SendTextAsync("{\"type\":\"x_batch\"}");
        await peer.SendBinaryAsync([1, 0, 0, 0, 200, .. "{}"u8]); // claims 200 bytes, has 2
        Assert.Equal(4, await recv);
        Assert.Contains("broken x_batch", err.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--encrypt")]
    public async Task TheSendersMtimeTravelsAsOurExtensionKey(string flag)
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var file = Path.Combine(root, "old.txt");
        File.WriteAllText(file, "from 2001\n");
        var when = new DateTime(2001, 2, 3, 4, 5, 6, 789, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, when);
        var flags = flag.Length == 0 ? Array.Empty<string>() : [flag];
        var r = await Transfer.RunAsync(s.WsUrl(), "old times", Path.Combine(root, "out"), [file], flags, flags);
        Assert.True(r.SendCode == 0 && r.ReceiveCode == 0, r.SendErr + r.ReceiveErr);
        Assert.Equal(when, File.GetLastWriteTimeUtc(Path.Combine(root, "out", "old.txt")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWholeFileHashThatDoesNotMatchKeepsTheFileOut(bool match)
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var err = new StringWriter();
        var outDir = Path.Combine(root, "out");
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "hashed", outDir, err, default);
        await using var peer = await RawPeer.ConnectAsync(s.WsUrl(), RawPeer.HelloJson(Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData("hashed"u8)), "sender"));
        await peer.ReceiveTextAsync();
        await peer.SendTextAsync("{\"type\":\"manifest\",\"resume\":false,\"entries\":[{\"path\":\"f\",\"size\":2}],\"x_caps\":[\"sha256f\"]}");
        Assert.Equal("{\"type\":\"x_caps\",\"x_caps\":[\"sha256f\"]}", await peer.ReceiveTextAsync());
        await peer.SendTextAsync("{\"type\":\"file\",\"path\":\"f\",\"size\":2,\"compression\":\"none\",\"append_from\":0}");
        // one frame: seq 0, chain = sha256("" || payload), payload "hi"
        byte[] payload = "hi"u8.ToArray();
        await peer.SendBinaryAsync([.. new byte[8], .. System.Security.Cryptography.SHA256.HashData(payload), .. payload]);
        var sha = System.Security.Cryptography.SHA256.HashData(match ? payload : "ho"u8.ToArray());
        await peer.SendTextAsync("{\"type\":\"file_eof\",\"x_sha256\":\"" + Convert.ToHexStringLower(sha) + "\"}");
        await peer.SendTextAsync("{\"type\":\"eof\"}");
        Assert.Equal(match ? 0 : 4, await recv);
        Assert.Equal(match, File.Exists(Path.Combine(outDir, "f")));
        if (!match)
        {
            Assert.Contains("SHA-256 does not match", err.ToString());
            Assert.False(File.Exists(Path.Combine(outDir, ".f.PARTIAL")));
        }
    }
}
