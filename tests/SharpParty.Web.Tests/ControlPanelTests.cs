using System.Net;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Tests.Up2k;

namespace SharpParty.Web.Tests;

/// <summary><c>/?h</c>, copyparty's control panel: each user sees their own volumes and letters; only admins see the
/// scan, the relay counters and the rescan/reload links.</summary>
public sealed class ControlPanelTests
{
    [Fact]
    public async Task Each_user_sees_their_volumes_and_only_admins_see_scan_relay_and_reload()
    {
        await using var s = await TestServer.StartAsync(["--relay", "-a", "ed:pw", "-a", "bob:pw2", "-v", "pub::r", "-v", "priv:priv:rw,bob:a,ed"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "pub"));
            Directory.CreateDirectory(Path.Combine(root, "priv"));
        });

        var (st, anon) = await s.Client.SendText(HttpMethod.Get, "/?h");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Contains("not logged in", anon, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">/</a></td><td><code>r</code>", anon, StringComparison.Ordinal);
        Assert.DoesNotContain("/priv", anon, StringComparison.Ordinal);
        Assert.DoesNotContain("pairs now", anon, StringComparison.Ordinal);
        Assert.DoesNotContain("?reload=cfg", anon, StringComparison.Ordinal);

        var (_, bob) = await s.Client.SendText(HttpMethod.Get, "/?h", null, ("PW", "pw2"));
        Assert.Contains("logged in as <b>bob</b>", bob, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/priv/\">/priv</a></td><td><code>rw</code>", bob, StringComparison.Ordinal);
        Assert.DoesNotContain("pairs now", bob, StringComparison.Ordinal);

        var (_, ed) = await s.Client.SendText(HttpMethod.Get, "/?h", null, ("PW", "pw"));
        Assert.Contains("logged in as <b>ed</b>", ed, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/priv/\">/priv</a></td><td><code>a</code>", ed, StringComparison.Ordinal);
        Assert.Contains("no scan is running", ed, StringComparison.Ordinal);
        Assert.Contains("<tr><th>pairs now</th><td>0</td></tr>", ed, StringComparison.Ordinal);
        Assert.Contains("href=\"/priv/?reload=cfg\"", ed, StringComparison.Ordinal);
        Assert.Contains("href=\"/priv/?scan\"", ed, StringComparison.Ordinal);

        // the panel's links work for the admin they are shown to, and are refused to others
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/priv/?reload=cfg", null, ("PW", "pw"));
        Assert.Equal(HttpStatusCode.OK, st);
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/priv/?reload=cfg", null, ("PW", "pw2"));
        Assert.Equal(HttpStatusCode.Forbidden, st);
    }

    [Fact]
    public async Task Incoming_files_show_with_their_progress_to_those_who_may_read_the_volume()
    {
        string[] args = ["-a", "bob:pw2", "-v", "up:up:rw", "-v", "priv:priv:rw,bob"];
        void Prepare(string root)
        {
            Directory.CreateDirectory(Path.Combine(root, "up"));
            Directory.CreateDirectory(Path.Combine(root, "priv"));
        }
        await using var s = await TestServer.StartAsync(args, Prepare);
        var (_, empty) = await s.Client.SendText(HttpMethod.Get, "/?h");
        Assert.Contains("<h2>incoming files</h2>\n<p class=\"cp-ups\">none right now.</p>", empty, StringComparison.Ordinal);

        // three chunks (1 MiB each), one of them sent: a third done; a handshake with no chunk yet is not listed
        var part = new Up2kFile(Up2kFile.Random((2 << 20) + 100, 7), "half way.bin");
        var hs = await Up2kWire.HandshakeAsync(s.Client, "/up/", part);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(s.Client, hs, part, part.Hashes[0])).Status);
        await Up2kWire.HandshakeAsync(s.Client, "/up/", new Up2kFile(Up2kFile.Random(3000, 8), "not started.bin"));
        var secret = new Up2kFile(Up2kFile.Random((2 << 20) + 100, 9), "bobs.bin");
        var hs2 = await Up2kWire.HandshakeAsync(s.Client, "/priv/", secret, password: "pw2");
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostAsync(s.Client, hs2.Purl!, hs2.Wark!, secret.Hashes[0], secret.ChunkBytes(0), password: "pw2")).Status);

        var (st, anon) = await s.Client.SendText(HttpMethod.Get, "/?h");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Matches("<tr><td>33%</td><td>[0-9.]+ [KM]?i?B/s</td><td>[0-9:]+</td><td>[0-9:]+</td><td><a href=\"/up/\">/up</a></td><td>half way.bin</td></tr>", anon);
        Assert.DoesNotContain("not started.bin", anon, StringComparison.Ordinal);
        Assert.DoesNotContain("bobs.bin", anon, StringComparison.Ordinal); // priv is bob's to read
        var (_, bob) = await s.Client.SendText(HttpMethod.Get, "/?h", null, ("PW", "pw2"));
        Assert.Contains("<td>bobs.bin</td>", bob, StringComparison.Ordinal);
        Assert.Contains("<td>half way.bin</td>", bob, StringComparison.Ordinal);

        await using var quiet = await TestServer.StartAsync([.. args, "--no-up-list"], Prepare);
        var (_, none) = await quiet.Client.SendText(HttpMethod.Get, "/?h");
        Assert.DoesNotContain("incoming files", none, StringComparison.Ordinal);
    }
}
