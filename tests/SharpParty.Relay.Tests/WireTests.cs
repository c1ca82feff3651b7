using System.Security.Cryptography;
using System.Text;
using SharpParty.Client.Relay;
using SharpParty.Relay.Tests.Infra;
using static SharpParty.Relay.Tests.Infra.RawPeer;

namespace SharpParty.Relay.Tests;

/// <summary>
/// Our commands against a hand-driven peer through the real relay: the golden transcripts of spec §1.3 (what our
/// sender puts on the wire, message by message and byte by byte) and hostile senders against our receiver.
/// </summary>
public class WireTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(30);
    private static readonly string DemoHash = Convert.ToHexStringLower(SHA256.HashData("demo-code"u8));

    private static (string Root, string Dir, byte[] Rand) MakeDemo()
    {
        var root = Relays.TempDir();
        var d = Path.Combine(root, "d");
        Directory.CreateDirectory(d);
        File.WriteAllBytes(Path.Combine(d, "empty"), []);
        var rand = Relays.RandomBytes(2500000, 9);
        File.WriteAllBytes(Path.Combine(d, "rand.bin"), rand);
        return (root, d, rand);
    }

    [Fact]
    public async Task OurSenderPutsTheGoldenPlaintextTranscriptOnTheWire()
    {
        await using var s = await Relays.StartAsync();
        var (_, dir, rand) = MakeDemo();
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "receiver"));
        var send = Transfer.SendAsync(s.WsUrl(), "demo-code", [dir], TextWriter.Null, default, "--compress", "off");
        Assert.Equal("{\"type\":\"manifest\",\"resume\":false,\"entries\":[{\"path\":\"d/empty\",\"size\":0},{\"path\":\"d/rand.bin\",\"size\":2500000}],\"x_caps\":[\"batch1\",\"sha256f\"]}",
            await peer.ReceiveTextAsync(Short));
        Assert.Equal("{\"type\":\"file\",\"path\":\"d/empty\",\"size\":0,\"compression\":\"none\",\"append_from\":0}", WithoutMtime(await peer.ReceiveTextAsync(Short)));
        var empty = (await peer.ReceiveAsync(Short))!.Value.Data;
        Assert.Equal(40, empty.Length);
        Assert.Equal(SHA256.HashData([]), empty[8..]);
        Assert.Equal("{\"type\":\"file_eof\"}", await peer.ReceiveTextAsync(Short));
        Assert.Equal("{\"type\":\"file\",\"path\":\"d/rand.bin\",\"size\":2500000,\"compression\":\"none\",\"append_from\":0}", WithoutMtime(await peer.ReceiveTextAsync(Short)));
        var chain = Array.Empty<byte>();
        var offsets = new[] { 0, 1 << 20, 2 << 20, 2500000 };
        for (var i = 0; i < 3; i++)
        {
            var f = (await peer.ReceiveAsync(Short))!.Value.Data;
            var chunk = rand[offsets[i]..offsets[i + 1]];
            Assert.Equal(40 + chunk.Length, f.Length); // 1,048,616 for a full MiB
            Assert.Equal((ulong)i, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(f));
            chain = SHA256.HashData([.. chain, .. chunk]);
            Assert.Equal(chain, f[8..40]);
            Assert.Equal(chunk, f[40..]);
        }
        Assert.Equal("{\"type\":\"file_eof\"}", await peer.ReceiveTextAsync(Short));
        Assert.Equal("{\"type\":\"eof\"}", await peer.ReceiveTextAsync(Short));
        Assert.Null(await peer.ReceiveAsync(Short)); // and then it closes
        await peer.CloseAsync(); // our answer: the sender waits for it (up to 10 s)
        Assert.Equal(0, await send);
    }

    [Fact]
    public async Task OurSenderResumesFromTheReceiversPrefixWithUnalignedFrames()
    {
        await using var s = await Relays.StartAsync();
        var (_, dir, rand) = MakeDemo();
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "receiver"));
        var send = Transfer.SendAsync(s.WsUrl(), "demo-code", [dir], TextWriter.Null, default, "--resume", "--compress", "off");
        Assert.Contains("\"resume\":true", await peer.ReceiveTextAsync(Short));
        var prefixChain = SHA256.HashData([.. SHA256.HashData(rand.AsSpan(0, 1 << 20)), .. rand.AsSpan(1 << 20, 1500000 - (1 << 20))]);
        await peer.SendTextAsync($"{{\"type\":\"receiver_manifest\",\"entries\":[{{\"path\":\"d/rand.bin\",\"size\":1500000,\"chain_hex\":\"{Convert.ToHexStringLower(prefixChain)}\"}}]}}");
        // the empty file is sent even in resume mode (p2p-copy skips it: §1.4 defect 2)
        Assert.Equal("{\"type\":\"file\",\"path\":\"d/empty\",\"size\":0,\"compression\":\"none\",\"append_from\":0}", WithoutMtime(await peer.ReceiveTextAsync(Short)));
        Assert.Equal(40, (await peer.ReceiveAsync(Short))!.Value.Data.Length);
        Assert.Equal("{\"type\":\"file_eof\"}", await peer.ReceiveTextAsync(Short));
        Assert.Equal("{\"type\":\"file\",\"path\":\"d/rand.bin\",\"size\":2500000,\"compression\":\"none\",\"append_from\":1500000}", WithoutMtime(await peer.ReceiveTextAsync(Short)));
        var f = (await peer.ReceiveAsync(Short))!.Value.Data;
        Assert.Equal(1000040, f.Length); // one 1,000,000-byte frame, as captured from p2p-copy
        Assert.Equal(rand[1500000..], f[40..]);
        Assert.Equal("{\"type\":\"file_eof\"}", await peer.ReceiveTextAsync(Short));
        Assert.Equal("{\"type\":\"eof\"}", await peer.ReceiveTextAsync(Short));
        await peer.CloseAsync();
        Assert.Equal(0, await send);
    }

    [Fact]
    public async Task OurEncryptedSenderFollowsTheSharedNonceChain()
    {
        await using var s = await Relays.StartAsync();
        var (_, dir, rand) = MakeDemo();
        var (hello, cipher) = await E2eCipher.DeriveAsync("demo-code");
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(Convert.ToHexStringLower(hello), "receiver"));
        var send = Transfer.SendAsync(s.WsUrl(), "demo-code", [dir], TextWriter.Null, default, "--encrypt", "--resume", "--compress", "off");
        using (var m = System.Text.Json.JsonDocument.Parse(await peer.ReceiveTextAsync(Short)))
        {
            Assert.Equal("enc_manifest", m.RootElement.GetProperty("type").GetString());
            cipher.Seed(Convert.FromHexString(m.RootElement.GetProperty("nonce").GetString()!));
            var clear = cipher.Decrypt(Convert.FromHexString(m.RootElement.GetProperty("hidden_manifest").GetString()!));
            Assert.Equal("{\"type\":\"manifest\",\"resume\":true,\"entries\":[{\"path\":\"d/empty\",\"size\":0},{\"path\":\"d/rand.bin\",\"size\":2500000}],\"x_caps\":[\"batch1\",\"sha256f\"]}",
                Encoding.UTF8.GetString(clear!));
        }
        // the receiver's reply takes the next nonce, in the other direction
        var reply = cipher.Encrypt(RelayMessages.ReceiverManifest([]));
        await peer.SendTextAsync($"{{\"type\":\"enc_receiver_manifest\",\"hidden_manifest\":\"{Convert.ToHexStringLower(reply)}\"}}");
        foreach (var (name, size) in new[] { ("d/empty", 0), ("d/rand.bin", 2500000) })
        {
            using (var h = System.Text.Json.JsonDocument.Parse(await peer.ReceiveTextAsync(Short)))
            {
                Assert.Equal("enc_file", h.RootElement.GetProperty("type").GetString());
                var clear = cipher.Decrypt(Convert.FromHexString(h.RootElement.GetProperty("hidden_file").GetString()!));
                Assert.Equal($"{{\"type\":\"file\",\"path\":\"{name}\",\"size\":{size},\"compression\":\"none\",\"append_from\":0}}", WithoutMtime(Encoding.UTF8.GetString(clear!)));
            }
            var got = new List<byte>();
            while (true)
            {
                var m = (await peer.ReceiveAsync(Short))!.Value;
                if (m.Text)
                {
                    Assert.Equal("{\"type\":\"file_eof\"}", Encoding.UTF8.GetString(m.Data)); // in clear
                    break;
                }
                var plain = cipher.Decrypt(m.Data.AsSpan(40));
                Assert.NotNull(plain);
                Assert.Equal(m.Data.Length - 56, plain.Length); // 40 + 16 bytes of overhead
                got.AddRange(plain);
            }
            Assert.Equal(size == 0 ? [] : rand, got.ToArray());
        }
        Assert.Equal("{\"type\":\"eof\"}", await peer.ReceiveTextAsync(Short));
        await peer.CloseAsync();
        Assert.Equal(0, await send);
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("/tmp/sp-relay-absolute.txt")]
    [InlineData("d/../../escaped.txt")]
    [InlineData("d\\..\\..\\escaped.txt")]
    [InlineData("d/\u2024\u2024/escaped.txt")]
    public async Task AHostileManifestWritesNothingAnywhere(string path)
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var outDir = Path.Combine(root, "a", "out");
        var err = new StringWriter();
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "demo-code", outDir, err, default);
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await peer.ReceiveTextAsync(Short));
        var json = System.Text.Json.JsonSerializer.Serialize(path);
        await peer.SendTextAsync($"{{\"type\":\"manifest\",\"resume\":false,\"entries\":[{{\"path\":\"ok.txt\",\"size\":2}},{{\"path\":{json},\"size\":2}}]}}");
        await peer.SendTextAsync($"{{\"type\":\"file\",\"path\":{json},\"size\":2,\"compression\":\"none\",\"append_from\":0}}");
        await peer.SendBinaryAsync([0, 0, 0, 0, 0, 0, 0, 0, .. SHA256.HashData("hi"u8), .. "hi"u8]);
        await peer.SendTextAsync("{\"type\":\"file_eof\"}");
        await peer.SendTextAsync("{\"type\":\"eof\"}");
        Assert.Equal(4, await recv);
        Assert.Contains("refusing path", err.ToString());
        Assert.Equal([outDir], Directory.EnumerateFileSystemEntries(Path.Combine(root, "a"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
        Assert.False(File.Exists("/tmp/sp-relay-absolute.txt"));
        Assert.False(File.Exists(Path.Combine(root, "escaped.txt")));
    }

    [Fact]
    public async Task AFileHeaderOutsideTheManifestIsCheckedToo()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var outDir = Path.Combine(root, "out");
        var err = new StringWriter();
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "demo-code", outDir, err, default);
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "sender"));
        await peer.ReceiveTextAsync(Short);
        await peer.SendTextAsync("{\"type\":\"manifest\",\"resume\":false,\"entries\":[]}");
        await peer.SendTextAsync("{\"type\":\"file\",\"path\":\"../sneaky\",\"size\":2,\"compression\":\"none\",\"append_from\":0}");
        Assert.Equal(4, await recv);
        Assert.False(File.Exists(Path.Combine(root, "sneaky")));
    }

    [Fact]
    public async Task ASymlinkInsideOutLeadingOutsideIsNotFollowed()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var outDir = Path.Combine(root, "out");
        var elsewhere = Path.Combine(root, "elsewhere");
        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(outDir, "link"), elsewhere);
        var err = new StringWriter();
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "demo-code", outDir, err, default);
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "sender"));
        await peer.ReceiveTextAsync(Short);
        await peer.SendTextAsync("{\"type\":\"manifest\",\"resume\":false,\"entries\":[{\"path\":\"link/x\",\"size\":0}]}");
        await peer.SendTextAsync("{\"type\":\"file\",\"path\":\"link/x\",\"size\":0,\"compression\":\"none\",\"append_from\":0}");
        Assert.Equal(4, await recv);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task ABadChainOrSequenceStopsTheReceiverAndLeavesNoFinalFile()
    {
        await using var s = await Relays.StartAsync();
        var root = Relays.TempDir();
        var outDir = Path.Combine(root, "out");
        var err = new StringWriter();
        var recv = Transfer.ReceiveAsync(s.WsUrl(), "demo-code", outDir, err, default);
        await using var peer = await ConnectAsync(s.WsUrl(), HelloJson(DemoHash, "sender"));
        await peer.ReceiveTextAsync(Short);
        await peer.SendTextAsync("{\"type\":\"manifest\",\"resume\":false,\"entries\":[{\"path\":\"f\",\"size\":4}]}");
        await peer.SendTextAsync("{\"type\":\"file\",\"path\":\"f\",\"size\":4,\"compression\":\"none\",\"append_from\":0}");
        await peer.SendBinaryAsync([0, 0, 0, 0, 0, 0, 0, 0, .. SHA256.HashData("hi"u8), .. "hi"u8]);
        await peer.SendBinaryAsync([0, 0, 0, 0, 0, 0, 0, 1, .. new byte[32], .. "!!"u8]);
        Assert.Equal(4, await recv);
        Assert.Contains("chained checksum mismatch", err.ToString());
        Assert.False(File.Exists(Path.Combine(outDir, "f")));
    }

    /// <summary>Our sender's <c>file</c> header is p2p-copy's plus <c>x_mtime</c> (an extension its receiver ignores):
    /// checks that the key is there, last and numeric, and returns the header without it for the golden comparison.</summary>
    private static string WithoutMtime(string header)
    {
        var m = System.Text.RegularExpressions.Regex.Match(header, ",\"x_mtime\":([0-9]+(\\.[0-9]+)?)}$");
        Assert.True(m.Success, header);
        return header[..m.Index] + "}";
    }
}
