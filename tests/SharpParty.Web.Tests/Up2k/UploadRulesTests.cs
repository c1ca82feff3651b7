using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Up2k;

namespace SharpParty.Web.Tests.Up2k;

/// <summary>Volume upload rules (sz, nosub, maxn, vmaxn, rotn, rotf, lifetime) and unpost, over up2k and PUT.</summary>
public sealed class UploadRulesTests : IAsyncLifetime
{
    private static readonly string[] Folders = ["sz", "ns", "mn", "vn", "rn", "rf", "lt", "up"];

    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync([
        "-v", "sz:sz:rw:c,sz=1k-3k",
        "-v", "ns:ns:rw:c,nosub",
        "-v", "mn:mn:rw:c,maxn=2,600",
        "-v", "vn:vn:rw:c,vmaxn=3",
        "-v", "rn:rn:rw:c,rotn=2,1",
        "-v", "rf:rf:rw:c,rotf=%Y/x",
        "-v", "lt:lt:rw:c,lifetime=3",
        "-v", "up:up:rw",
    ], root =>
    {
        foreach (var d in Folders)
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }
    });

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static Up2kFile Sized(int n, int seed, string name = "f.bin") => new(Up2kFile.Random(n, seed), name);

    [Fact]
    public async Task Size_range_applies_to_up2k_and_put()
    {
        var small = await Up2kWire.HandshakeAsync(_s.Client, "/sz/", Sized(500, 1));
        Assert.Equal(HttpStatusCode.BadRequest, small.Status);
        Assert.Contains("file too small", small.Body, StringComparison.Ordinal);
        var big = await Up2kWire.HandshakeAsync(_s.Client, "/sz/", Sized(5000, 2));
        Assert.Contains("file too big", big.Body, StringComparison.Ordinal);
        Assert.Equal("f.bin", await Up2kWire.UploadAsync(_s.Client, "/sz/", Sized(2000, 3)));
        var (st, body) = await _s.Client.SendText(HttpMethod.Put, "/sz/p.bin", new ByteArrayContent(new byte[100]));
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("file too small", body, StringComparison.Ordinal);
        Assert.False(File.Exists(_s.PathOf("sz/p.bin")));
    }

    [Fact]
    public async Task Nosub_keeps_uploads_in_the_top_folder()
    {
        var r = await Up2kWire.HandshakeAsync(_s.Client, "/ns/deeper/", Sized(10, 4));
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Contains("no subdirectories allowed", r.Body, StringComparison.Ordinal);
        await Up2kWire.UploadAsync(_s.Client, "/ns/", Sized(10, 4));
    }

    [Fact]
    public async Task Maxn_limits_uploads_per_ip_and_window()
    {
        await Up2kWire.UploadAsync(_s.Client, "/mn/", Sized(10, 5, "a"));
        var (st, _) = await _s.Client.SendText(HttpMethod.Put, "/mn/b", new ByteArrayContent(new byte[10]));
        Assert.Equal(HttpStatusCode.Created, st);
        var third = await Up2kWire.HandshakeAsync(_s.Client, "/mn/", Sized(10, 6, "c"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Contains("too many uploads", third.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vmaxn_caps_the_files_in_a_volume()
    {
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(_s.PathOf($"vn/pre{i}"), "x");
        }
        var r = await Up2kWire.HandshakeAsync(_s.Client, "/vn/", Sized(10, 7));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains("volume has exceeded max num.files", r.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotn_fills_numbered_subfolders_and_the_reply_says_where()
    {
        var purls = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var f = Sized(100, 10 + i, $"r{i}.bin");
            var hs = await Up2kWire.HandshakeAsync(_s.Client, "/rn/", f);
            Assert.Equal(HttpStatusCode.OK, hs.Status);
            purls.Add(hs.Purl!);
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0])).Status);
            // the client re-handshakes at the folder it knows: still the same upload
            Assert.Empty((await Up2kWire.HandshakeAsync(_s.Client, "/rn/", f)).Need);
        }
        Assert.Equal(["/rn/0/", "/rn/0/", "/rn/1/"], purls);
        Assert.True(File.Exists(_s.PathOf("rn/1/r2.bin")));
    }

    [Fact]
    public async Task Rotf_puts_uploads_in_date_folders()
    {
        var f = Sized(100, 20);
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/rf/", f);
        var year = DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"/rf/{year}/x/", hs.Purl);
        var (st, _) = await _s.Client.SendText(HttpMethod.Put, "/rf/put.txt", new StringContent("hi"));
        Assert.Equal(HttpStatusCode.Created, st);
        Assert.True(File.Exists(_s.PathOf($"rf/{year}/x/put.txt")));
    }

    [Fact]
    public async Task Lifetime_deletes_uploads_when_their_time_is_up()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Up2kWire.UploadAsync(_s.Client, "/lt/", Sized(100, 30, "short.bin"));
        await _s.Client.SendText(HttpMethod.Put, "/lt/put.bin", new StringContent("x"));
        await _s.Client.SendText(HttpMethod.Put, "/up/keep.bin", new StringContent("x"));
        var sweeper = _s.Services.GetServices<IHostedService>().OfType<LifetimeSweeper>().Single();
        // lifetime=3: still young unless the machine took that long to get here (a loaded CI runner can)
        var early = sweeper.SweepOnce();
        if (sw.Elapsed < TimeSpan.FromSeconds(2.5))
        {
            Assert.Equal(0, early);
        }
        await Task.Delay(TimeSpan.FromSeconds(3.2) - sw.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        Assert.Equal(2, early + sweeper.SweepOnce());
        Assert.False(File.Exists(_s.PathOf("lt/short.bin")));
        Assert.False(File.Exists(_s.PathOf("lt/put.bin")));
        Assert.True(File.Exists(_s.PathOf("up/keep.bin")));
    }

    [Fact]
    public async Task Unpost_lists_and_deletes_own_uploads_and_aborts_unfinished_ones()
    {
        await Up2kWire.UploadAsync(_s.Client, "/up/", Sized(100, 40, "mine.bin"));
        await _s.Client.SendText(HttpMethod.Put, "/up/put.txt", new StringContent("hello"));
        var half = Sized(3 << 20, 41, "half.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/up/", half);
        await Up2kWire.PostChunkAsync(_s.Client, hs, half, half.Hashes[0]);

        var (st, json) = await _s.Client.SendText(HttpMethod.Get, "/?ups");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("\"vp\":\"/up/mine.bin\"", json, StringComparison.Ordinal);
        Assert.Contains("\"vp\":\"/up/put.txt\"", json, StringComparison.Ordinal);
        Assert.Contains("{\"at\":", json, StringComparison.Ordinal);
        Assert.Contains("\"vp\":\"/up/half.bin\",\"pd\":34", json, StringComparison.Ordinal);

        var del = new StringContent("[\"/up/mine.bin\", \"/up/half.bin\"]", Encoding.UTF8, "application/json");
        (st, var body) = await _s.Client.SendText(HttpMethod.Post, "/?delete&unpost", del);
        Assert.True(st == HttpStatusCode.OK, body);
        Assert.False(File.Exists(_s.PathOf("up/mine.bin")));
        Assert.False(File.Exists(_s.PathOf("up/half.bin")));
        Assert.False(File.Exists(_s.PathOf("up/half.bin.PARTIAL")));
        Assert.True(File.Exists(_s.PathOf("up/put.txt")));
        // a file that was not uploaded through the server is not the caller's to unpost
        await File.WriteAllTextAsync(_s.PathOf("up/other.txt"), "x");
        (st, body) = await _s.Client.SendText(HttpMethod.Post, "/?delete&unpost", new StringContent("[\"/up/other.txt\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("you cannot delete this: file not found", body, StringComparison.Ordinal);
        Assert.True(File.Exists(_s.PathOf("up/other.txt")));
    }
}
