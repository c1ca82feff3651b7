namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>--tftp-ipa, and TFTP uploads recorded like FTP and HTTP ones (the uploader's recent uploads, ?ups).</summary>
public sealed class TftpFeatureTests
{
    [Fact]
    public async Task Tftp_ipa_leaves_clients_outside_the_prefixes_unanswered()
    {
        await using (var t = await TftpTarget.StartAsync(["-v", "srv::rw", "--tftp-ipa", "10.89.0.0/16, 192.168.33."], r =>
            Directory.CreateDirectory(Path.Combine(r, "srv"))))
        {
            File.WriteAllText(t.PathOf("srv/a.txt"), "hi");
            using var c = t.Client(TimeSpan.FromMilliseconds(800));
            c.SendToServer(RawTftpClient.Request(false, "a.txt", "octet"));
            Assert.Null(c.Receive()); // not even an ERROR: UDP sources are easy to forge
        }
        await using (var t = await TftpTarget.StartAsync(["-v", "srv::rw", "--tftp-ipa", "127.0.0.0/8"], r =>
            Directory.CreateDirectory(Path.Combine(r, "srv"))))
        {
            File.WriteAllText(t.PathOf("srv/a.txt"), "hi");
            using var c = t.Client();
            var r = c.Get("a.txt");
            Assert.True(r.Ok, r.ErrorMessage);
            Assert.Equal("hi"u8.ToArray(), r.Data);
        }
    }

    [Fact]
    public async Task An_upload_is_recorded_as_the_clients_recent_upload()
    {
        await using var t = await TftpTarget.StartAsync(["-v", "srv::rwd"], r => Directory.CreateDirectory(Path.Combine(r, "srv")));
        var src = Path.Combine(t.Root, "local.bin");
        await File.WriteAllBytesAsync(src, TftpClientTests.Random(100_000, 9));
        var (code, output) = await TftpTarget.CurlAsync("-T", src, t.Url("sent.bin"));
        Assert.True(code == 0, output);
        // the same address over HTTP sees it among its uploads (copyparty's unpost list)
        var json = await t.Server.Client.GetStringAsync("/?ups");
        Assert.Contains("\"vp\":\"/sent.bin\"", json, StringComparison.Ordinal);
    }
}
