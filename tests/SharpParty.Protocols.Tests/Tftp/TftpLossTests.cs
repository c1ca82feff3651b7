namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>
/// Lost and repeated datagrams through <see cref="LossyUdpProxy"/>, dropped and duplicated by a fixed rule so every run
/// is the same: the file must arrive whole, and recovery must come from timeouts, not from answering duplicates.
/// </summary>
public sealed class TftpLossTests : IAsyncLifetime
{
    private const int Data = 3;
    private const int Ack = 4;
    private const int Oack = 6;
    private TftpTarget _t = null!;
    private static readonly byte[] File1 = TftpClientTests.Random(200_000, 9);

    public async Task InitializeAsync()
    {
        _t = await TftpTarget.StartAsync(["-v", "srv::rwd", "--tftp-to", "1", "--tftp-pr", "47100-47140"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            File.WriteAllBytes(Path.Combine(root, "srv", "f.bin"), File1);
        });
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    /// <summary>Drops DATA 3 and 40 on their first trip, the 10th ACK, the OACK once; duplicates DATA 7 and ACK 20.</summary>
    private static ProxyAction Rule(bool toServer, int op, int nth) => (toServer, op, nth) switch
    {
        (false, Data, 2 or 39) => ProxyAction.Drop,
        (false, Data, 6) => ProxyAction.Duplicate,
        (false, Oack, 0) => ProxyAction.Drop,
        (true, Ack, 9) => ProxyAction.Drop,
        (true, Ack, 19) => ProxyAction.Duplicate,
        _ => ProxyAction.Forward,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public void Raw_get_survives_drops_and_duplicates(int window)
    {
        using var proxy = new LossyUdpProxy(_t.EndPoint, Rule);
        using var c = new RawTftpClient(proxy.Front, TimeSpan.FromSeconds(3));
        var r = c.Get("f.bin", "octet", ("blksize", "1428"), ("windowsize", window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(File1, r.Data);
        Assert.True(proxy.Dropped >= 3, $"dropped {proxy.Dropped}");
        Assert.True(proxy.Duplicated >= 1);
        // every block was sent about once: resends come from a few timeouts (a window each), not from a duplicate storm
        var blocks = File1.Length / 1428 + 1;
        Assert.InRange(c.DataPackets, blocks, blocks + 4 * window + 8);
        // the transfer port came from --tftp-pr
        Assert.InRange(proxy.ServerTid!.Port, 47100, 47140);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task Raw_put_survives_drops_and_duplicates(int window)
    {
        // up the other way: DATA goes to the server, ACKs come back
        static ProxyAction UpRule(bool toServer, int op, int nth) => (toServer, op, nth) switch
        {
            (true, Data, 2 or 30) => ProxyAction.Drop,
            (true, Data, 5) => ProxyAction.Duplicate,
            (false, Ack, 4) => ProxyAction.Drop,
            (false, Ack, 6) => ProxyAction.Duplicate,
            _ => ProxyAction.Forward,
        };
        using var proxy = new LossyUdpProxy(_t.EndPoint, UpRule);
        using var c = new RawTftpClient(proxy.Front, TimeSpan.FromSeconds(2));
        var name = $"lossy-put-{window}.bin";
        var r = c.Put(name, File1, "octet", ("blksize", "1024"), ("windowsize", window.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(r.Ok, r.ErrorMessage);
        Assert.Equal(File1, await File.ReadAllBytesAsync(_t.PathOf("srv/" + name)));
        Assert.True(proxy.Dropped >= 3);
    }

    [Fact]
    public async Task Tftp_hpa_get_and_put_through_a_lossy_path()
    {
        // tftp-hpa waits 5 s before it repeats anything itself, so only packets the server repeats (after its 1 s) are
        // dropped: DATA to the client and ACKs to the server
        static ProxyAction HpaRule(bool toServer, int op, int nth) => (toServer, op, nth) switch
        {
            (false, Data, 5 or 77) => ProxyAction.Drop,
            (false, Data, 12) => ProxyAction.Duplicate,
            (true, Ack, 50) => ProxyAction.Drop,
            (true, Ack, 60) => ProxyAction.Duplicate,
            _ => ProxyAction.Forward,
        };
        var local = Path.Combine(_t.Root, "hpa-lossy.bin");
        using (var proxy = new LossyUdpProxy(_t.EndPoint, HpaRule))
        {
            var (_, output) = await TftpTarget.RunAsync("tftp", null, "-m", "octet", "127.0.0.1", proxy.Front.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "get", "f.bin", local);
            Assert.True(File.Exists(local), output);
            Assert.Equal(File1, await File.ReadAllBytesAsync(local));
            Assert.Equal(3, proxy.Dropped);
        }
        static ProxyAction PutRule(bool toServer, int op, int nth) => (toServer, op, nth) switch
        {
            (false, Ack, 5) => ProxyAction.Duplicate, // a duplicate ACK must not make tftp-hpa (or us) send twice forever
            (true, Data, 9) => ProxyAction.Duplicate,
            _ => ProxyAction.Forward,
        };
        using (var proxy = new LossyUdpProxy(_t.EndPoint, PutRule))
        {
            var (_, output) = await TftpTarget.RunAsync("tftp", null, "-m", "octet", "127.0.0.1", proxy.Front.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "put", local, "hpa-lossy-up.bin");
            Assert.True(File.Exists(_t.PathOf("srv/hpa-lossy-up.bin")), output);
            Assert.Equal(File1, await File.ReadAllBytesAsync(_t.PathOf("srv/hpa-lossy-up.bin")));
        }
    }

    [Fact]
    public void A_client_that_stops_answering_gets_an_error_after_the_retries()
    {
        // every ACK after the third is lost: the server tries --tftp-retries times (6 × 1 s) and gives up with an ERROR
        static ProxyAction Deaf(bool toServer, int op, int nth) => toServer && op == Ack && nth >= 3 ? ProxyAction.Drop : ProxyAction.Forward;
        using var proxy = new LossyUdpProxy(_t.EndPoint, Deaf);
        using var c = new RawTftpClient(proxy.Front, TimeSpan.FromSeconds(10));
        var r = c.Get("f.bin");
        Assert.Equal(0, r.ErrorCode);
        Assert.Contains("timed out", r.ErrorMessage, StringComparison.Ordinal);
    }
}
