using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Protocols.Tftp;

namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>The protocol on the wire with our raw client: options, windows, block roll-over, duplicates, bad packets.</summary>
public sealed class TftpProtocolTests : IAsyncLifetime
{
    private TftpTarget _t = null!;
    private static readonly byte[] Big = TftpClientTests.Random(600_000, 42);

    public async Task InitializeAsync()
    {
        _t = await TftpTarget.StartAsync(["-v", "srv::rwd", "--tftp-max", "4"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            File.WriteAllBytes(Path.Combine(root, "srv", "big.bin"), Big);
            File.WriteAllBytes(Path.Combine(root, "srv", "w8.bin"), TftpClientTests.Random(512 * 16, 5));
        });
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Theory]
    [InlineData(512, 1)]
    [InlineData(512, 8)]
    [InlineData(1428, 16)]
    [InlineData(8192, 4)]
    public void Windowsize_get_delivers_the_file_and_the_oack_names_the_window(int blksize, int window)
    {
        using var c = _t.Client();
        var r = c.Get("big.bin", "octet", ("blksize", blksize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("windowsize", window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(window.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Oack["windowsize"]);
        Assert.Equal(Big, r.Data);
        // nothing was lost on loopback, so nothing was sent twice
        Assert.Equal(Big.Length / blksize + 1, c.DataPackets);
    }

    [Fact]
    public void Windowsize_on_an_exact_multiple_ends_with_an_empty_block_in_its_own_window()
    {
        using var c = _t.Client();
        var r = c.Get("w8.bin", "octet", ("windowsize", "8"));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(512 * 16, r.Data.Length);
        Assert.Equal(17, c.DataPackets);
    }

    [Theory]
    [InlineData(1, 512)]
    [InlineData(8, 1428)]
    [InlineData(32, 8192)]
    public async Task Windowsize_put_stores_the_file(int window, int blksize)
    {
        using var c = _t.Client();
        var data = TftpClientTests.Random(250_000 + window, window);
        var name = $"wput-{window}.bin";
        var r = c.Put(name, data, "octet", ("windowsize", window.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("blksize", blksize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("tsize", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Oack["tsize"]);
        Assert.Equal(data, await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)));
    }

    [Fact]
    public void Block_numbers_roll_over_past_65535()
    {
        // 600,000 bytes in 8-byte blocks is 75,001 blocks: numbers wrap to 0 and go on
        using var c = _t.Client();
        var r = c.Get("big.bin", "octet", ("blksize", "8"), ("windowsize", "32"));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(Big, r.Data);
    }

    [Fact]
    public void Duplicate_acks_are_not_answered_with_duplicate_data()
    {
        // Sorcerer's Apprentice (RFC 1123 §4.2.3.1): a server that resends on every duplicate ACK doubles the traffic
        // from then on; ours resends only on a timeout
        using var c = new RawTftpClient(_t.EndPoint) { DuplicateAcks = true };
        var r = c.Get("big.bin", "octet", ("blksize", "1428"));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(Big, r.Data);
        Assert.Equal(Big.Length / 1428 + 1, c.DataPackets);
    }

    [Theory]
    [InlineData("blksize", "4")]
    [InlineData("blksize", "abc")]
    [InlineData("timeout", "0")]
    [InlineData("timeout", "256")]
    [InlineData("windowsize", "0")]
    [InlineData("tsize", "-1")]
    public void An_option_out_of_its_range_is_error_8(string name, string value)
    {
        using var c = _t.Client();
        var r = c.Get("big.bin", "octet", (name, value));
        Assert.Equal(8, r.ErrorCode);
    }

    [Fact]
    public void Large_blksize_and_windowsize_are_answered_with_our_limits_and_unknown_options_are_left_out()
    {
        using var c = _t.Client();
        var r = c.Get("big.bin", "octet", ("blksize", "70000"), ("windowsize", "9999"), ("multicast", ""), ("timeout", "3"));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal("65464", r.Oack["blksize"]);
        Assert.Equal("64", r.Oack["windowsize"]);
        Assert.Equal("3", r.Oack["timeout"]);
        Assert.False(r.Oack.ContainsKey("multicast"));
        Assert.Equal(Big, r.Data);
    }

    [Fact]
    public void Malformed_requests_get_error_4_and_the_server_keeps_serving()
    {
        using var c = _t.Client();
        foreach (var bad in new[] { new byte[] { 0 }, [0, 1, (byte)'a'], [0, 1, (byte)'a', 0], [0, 3, 0, 1, 1, 2], [0, 9, 0, 0], [0, 1, 0, (byte)'o', 0] })
        {
            c.SendToServer(bad);
            var p = c.Receive();
            Assert.NotNull(p);
            Assert.Equal((4, true), (RawTftpClient.ParseError(p).Code, BinaryPrimitives.ReadUInt16BigEndian(p) == 5));
        }
        var mail = c.Get("big.bin", "mail");
        Assert.Equal(4, mail.ErrorCode);
        var ok = c.Get("w8.bin");
        Assert.True(ok.Ok, ok.ErrorMessage);
    }

    [Fact]
    public void A_packet_other_than_an_ack_during_a_read_ends_it_with_error_4()
    {
        using var c = _t.Client();
        c.SendToServer(RawTftpClient.Request(false, "big.bin", "octet"));
        var first = c.Receive();
        Assert.NotNull(first);
        c.SendToTid([0, 3, 0, 1, 9, 9]); // DATA to a sender
        var p = c.Receive();
        while (p is not null && BinaryPrimitives.ReadUInt16BigEndian(p) == 3)
        {
            p = c.Receive(); // a retransmission may cross
        }
        Assert.NotNull(p);
        Assert.Equal(4, RawTftpClient.ParseError(p).Code);
    }

    [Fact]
    public async Task An_unfinished_upload_is_never_visible_and_an_aborted_one_leaves_nothing()
    {
        using var c = _t.Client();
        c.SendToServer(RawTftpClient.Request(true, "half.bin", "octet"));
        Assert.NotNull(c.Receive()); // ACK 0
        var block = new byte[516];
        block[1] = 3;
        block[3] = 1;
        c.SendToTid(block);
        Assert.NotNull(c.Receive()); // ACK 1
        Assert.False(File.Exists(_t.PathOf("srv/half.bin")));
        using var other = _t.Client(); // one transfer per client port
        var ls = other.Get(".ls");
        Assert.DoesNotContain("half", System.Text.Encoding.UTF8.GetString(ls.Data), StringComparison.Ordinal);
        Assert.DoesNotContain("PARTIAL", System.Text.Encoding.UTF8.GetString(ls.Data), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_t.PathOf("srv"), "*.PARTIAL"));
        c.SendToTid([0, 5, 0, 0, (byte)'x', 0]); // the client gives up
        for (var i = 0; i < 50 && Directory.GetFiles(_t.PathOf("srv"), "*.PARTIAL").Length > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.Empty(Directory.GetFiles(_t.PathOf("srv"), "*.PARTIAL"));
        Assert.False(File.Exists(_t.PathOf("srv/half.bin")));
    }

    [Fact]
    public async Task More_transfers_than_tftp_max_get_a_busy_error_and_the_slots_come_back()
    {
        // four readers that never ACK hold the four slots (--tftp-max 4) until their retries run out
        var holders = Enumerable.Range(0, 4).Select(_ => _t.Client()).ToList();
        try
        {
            foreach (var h in holders)
            {
                h.SendToServer(RawTftpClient.Request(false, "big.bin", "octet"));
                Assert.NotNull(h.Receive());
            }
            using var extra = _t.Client();
            var r = extra.Get("w8.bin");
            Assert.Equal(0, r.ErrorCode);
            Assert.Contains("busy", r.ErrorMessage, StringComparison.Ordinal);
            foreach (var h in holders)
            {
                h.SendToTid([0, 5, 0, 0, 0]); // release
            }
            var svc = _t.Server.Services.GetRequiredService<TftpService>();
            for (var i = 0; i < 50 && svc.Running > 0; i++)
            {
                await Task.Delay(100);
            }
            Assert.Equal(0, svc.Running);
            Assert.True(extra.Get("w8.bin").Ok);
        }
        finally
        {
            holders.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public void Each_transfer_uses_its_own_port()
    {
        using var a = _t.Client();
        using var b = _t.Client();
        Assert.True(a.Get("w8.bin").Ok);
        Assert.True(b.Get("w8.bin").Ok);
        Assert.NotEqual(_t.Port, a.Tid!.Port);
        Assert.NotEqual(_t.Port, b.Tid!.Port);
    }
}
