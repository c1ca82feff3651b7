using System.Net;
using SharpParty.Web.Tests.Infra;

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
}
