using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using SharpParty.Relay.Tests.Infra;
using static SharpParty.Relay.Tests.Infra.RawPeer;

namespace SharpParty.Relay.Tests;

/// <summary>The relay on the real server, driven with raw WebSockets: pairing, forwarding, refusals and limits.</summary>
public class RelayEndpointTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PairsBySenderAndReceiverReadyGoesToTheSenderOnlyAndMessagesPassUnchangedBothWays()
    {
        await using var s = await Relays.StartAsync();
        await using var recv = await ConnectAsync(s.WsUrl(), HelloJson("h1", "receiver"));
        await using var send = await ConnectAsync(s.WsUrl(), HelloJson("h1", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await send.ReceiveTextAsync(Short));
        await send.SendTextAsync("{\"type\":\"manifest\",\"resume\":true,\"entries\":[]}");
        // the receiver's first message is the sender's manifest: no ready, no hello forwarded
        Assert.Equal("{\"type\":\"manifest\",\"resume\":true,\"entries\":[]}", await recv.ReceiveTextAsync(Short));
        await recv.SendTextAsync("{\"type\":\"receiver_manifest\",\"entries\":[]}");
        Assert.Equal("{\"type\":\"receiver_manifest\",\"entries\":[]}", await send.ReceiveTextAsync(Short));
        // a 1.5 MiB binary message sent in three fragments arrives whole and unchanged
        var big = Relays.RandomBytes(1536 << 10, 7);
        await send.SendBinaryAsync(big[..(512 << 10)], false);
        await send.SendBinaryAsync(big[(512 << 10)..(1024 << 10)], false);
        await send.SendBinaryAsync(big[(1024 << 10)..], true);
        var got = await recv.ReceiveAsync(Short);
        Assert.False(got!.Value.Text);
        Assert.Equal(big, got.Value.Data);
        // the sender's close reaches the receiver
        await send.CloseAsync();
        Assert.Equal(1000, await recv.ExpectClosedAsync(Short));
    }

    [Theory]
    [InlineData(null, "First frame must be hello text")]
    [InlineData("not json", "Bad hello json")]
    [InlineData("{\"type\":\"manifest\"}", "First frame must be hello")]
    [InlineData("{\"type\":\"hello\",\"code_hash_hex\":\"x\",\"role\":\"boss\"}", "Bad hello")]
    [InlineData("{\"type\":\"hello\",\"role\":\"sender\"}", "Bad hello")]
    public async Task ABadHelloIsClosedWith1002AndP2pCopysReason(string? hello, string reason)
    {
        await using var s = await Relays.StartAsync();
        await using var p = await ConnectAsync(s.WsUrl());
        if (hello is null)
        {
            await p.SendBinaryAsync([1, 2, 3]);
        }
        else
        {
            await p.SendTextAsync(hello);
        }
        Assert.Equal(1002, await p.ExpectClosedAsync(Short));
        Assert.Equal(reason, p.CloseReason);
        // the relay is still fine: a good pair works after it
        await using var r = await ConnectAsync(s.WsUrl(), HelloJson("h", "receiver"));
        await using var snd = await ConnectAsync(s.WsUrl(), HelloJson("h", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await snd.ReceiveTextAsync(Short));
    }

    [Fact]
    public async Task ADuplicateRoleRejectsOnlyTheNewcomer()
    {
        await using var s = await Relays.StartAsync();
        await using var first = await ConnectAsync(s.WsUrl(), HelloJson("dup", "sender"));
        await Task.Delay(200);
        await using var intruder = await ConnectAsync(s.WsUrl(), HelloJson("dup", "sender"));
        Assert.Equal(1013, await intruder.ExpectClosedAsync(Short));
        Assert.Equal("Duplicate role for code", intruder.CloseReason);
        // p2p-copy would have closed the first sender too; here it still pairs
        await using var recv = await ConnectAsync(s.WsUrl(), HelloJson("dup", "receiver"));
        Assert.Equal("{\"type\":\"ready\"}", await first.ReceiveTextAsync(Short));
    }

    [Fact]
    public async Task AWaitingPeerIsClosedAfterTheWaitTimeout()
    {
        await using var s = await Relays.StartAsync("--relay-wait", "1");
        var sw = Stopwatch.StartNew();
        await using var p = await ConnectAsync(s.WsUrl(), HelloJson("lonely", "sender"));
        Assert.Equal(1013, await p.ExpectClosedAsync(Short));
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.8, 30);
        Assert.StartsWith("No peer within 1 s", p.CloseReason);
    }

    [Fact]
    public async Task WaitingSocketsPerIpAreCapped()
    {
        await using var s = await Relays.StartAsync("--relay-ip-max", "2");
        await using var a = await ConnectAsync(s.WsUrl(), HelloJson("a", "sender"));
        await using var b = await ConnectAsync(s.WsUrl(), HelloJson("b", "sender"));
        await Task.Delay(200);
        await using var c = await ConnectAsync(s.WsUrl(), HelloJson("c", "sender"));
        Assert.Equal(1013, await c.ExpectClosedAsync(Short));
        // one that leaves frees its place
        await a.CloseAsync();
        await Task.Delay(300);
        await using var d = await ConnectAsync(s.WsUrl(), HelloJson("d", "receiver"));
        await using var dSender = await ConnectAsync(s.WsUrl(), HelloJson("d", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await dSender.ReceiveTextAsync(Short));
    }

    [Fact]
    public async Task ConcurrentPairsAreCappedAndTheWaitingPartnerStays()
    {
        await using var s = await Relays.StartAsync("--relay-pairs", "1");
        await using var r1 = await ConnectAsync(s.WsUrl(), HelloJson("p1", "receiver"));
        await using var s1 = await ConnectAsync(s.WsUrl(), HelloJson("p1", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await s1.ReceiveTextAsync(Short));
        await using var r2 = await ConnectAsync(s.WsUrl(), HelloJson("p2", "receiver"));
        await Task.Delay(200);
        await using var s2 = await ConnectAsync(s.WsUrl(), HelloJson("p2", "sender"));
        Assert.Equal(1013, await s2.ExpectClosedAsync(Short));
        Assert.Equal("Relay busy, try again later", s2.CloseReason);
        // the first pair ends; the waiting receiver can now be paired
        await s1.CloseAsync();
        await r1.ExpectClosedAsync(Short);
        await Task.Delay(300);
        await using var s3 = await ConnectAsync(s.WsUrl(), HelloJson("p2", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await s3.ReceiveTextAsync(Short));
    }

    [Fact]
    public async Task AMessageOverTheCapIsClosedWith1009()
    {
        await using var s = await Relays.StartAsync("--relay-msg", "64");
        await using var r = await ConnectAsync(s.WsUrl(), HelloJson("m", "receiver"));
        await using var snd = await ConnectAsync(s.WsUrl(), HelloJson("m", "sender"));
        await snd.ReceiveTextAsync(Short);
        await snd.SendBinaryAsync(new byte[60 << 10]);
        Assert.Equal(60 << 10, (await r.ReceiveAsync(Short))!.Value.Data.Length);
        await snd.SendBinaryAsync(new byte[100 << 10]);
        Assert.Equal(1009, await r.ExpectClosedAsync(Short));
    }

    [Fact]
    public async Task TheByteRateIsLimited()
    {
        await using var s = await Relays.StartAsync("--relay-rate", "0.5");
        await using var r = await ConnectAsync(s.WsUrl(), HelloJson("rate", "receiver"));
        await using var snd = await ConnectAsync(s.WsUrl(), HelloJson("rate", "sender"));
        await snd.ReceiveTextAsync(Short);
        var sw = Stopwatch.StartNew();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                await snd.SendBinaryAsync(new byte[256 << 10]);
            }
        });
        for (var i = 0; i < 6; i++)
        {
            await r.ReceiveAsync(TimeSpan.FromSeconds(60));
        }
        await sending;
        // 1.5 MiB at 0.5 MiB/s, of which one second (0.5 MiB) may go at once: at least ~2 s
        Assert.InRange(sw.Elapsed.TotalSeconds, 1.7, 60);
    }

    [Fact]
    public async Task AccessCanBeLimitedToAccountsByPwOrBasicAuth()
    {
        await using var s = await Relays.StartAsync("-a", "ed:hunter42", "--relay-users", "ed");
        var ex = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(s.WsUrl()));
        Assert.Contains("401", ex.Message);
        await using var viaPw = await ConnectAsync(s.WsUrl("/.cpr/relay?pw=hunter42"), HelloJson("acl", "receiver"));
        await using var viaBasic = await ConnectAsync(s.WsUrl(), HelloJson("acl", "sender"),
            o => o.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ed:hunter42"))));
        Assert.Equal("{\"type\":\"ready\"}", await viaBasic.ReceiveTextAsync(Short));
    }

    [Fact]
    public async Task TheRelayIsOffByDefaultAndOnlyAtItsPathWithoutRelayRoot()
    {
        await using (var plain = await Web.Tests.Infra.TestServer.StartAsync(["-v", "srv::r"], root => Directory.CreateDirectory(Path.Combine(root, "srv"))))
        {
            await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(plain.WsUrl()));
        }
        await using var s = await Relays.StartAsync();
        await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(s.WsUrl("/elsewhere")));
        await using var root = await Relays.StartAsync("--relay-root");
        await using var r = await ConnectAsync(root.WsUrl("/elsewhere"), HelloJson("any", "receiver"));
        await using var snd = await ConnectAsync(root.WsUrl("/"), HelloJson("any", "sender"));
        Assert.Equal("{\"type\":\"ready\"}", await snd.ReceiveTextAsync(Short));
        // plain HTTP on the relay path is not a WebSocket: it is not the relay's
        var res = await root.Client.GetAsync("/.cpr/relay");
        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, res.StatusCode);
    }
}
