using System.Globalization;
using System.Net;
using System.Text;
using ProgressLine = SharpParty.Client.Up2k.ProgressLine;
using SharpParty.Core.Vfs;
using SharpParty.Web.Hosting;
using SharpParty.Web.Relay;
using SharpParty.Web.Routing;
using SharpParty.Web.Search;

namespace SharpParty.Web.Admin;

/// <summary>
/// <c>GET /?h</c>: copyparty's control panel, as one server-rendered page that works without JavaScript. Everyone sees
/// who they are logged in as, the volumes they may use with their permission letters, and the files coming in by up2k
/// to the volumes they may read (progress, speed, time left, idle; unless <c>--no-up-list</c>); admins (<c>a</c> on some
/// volume) also see the index scan in progress, the relay's counters (the same figures as <c>GET /.cpr/relay</c> and the
/// log), and links to rescan (<c>?scan</c>) and to reload the config (<c>?reload=cfg</c>).
/// </summary>
internal sealed class ControlPanel(IndexScanService scanner, RelayHub relay, Core.Up2k.RegistrySet registries, TimeProvider time)
{
    public async Task HandleAsync(RequestContext rc)
    {
        var options = rc.Options;
        var user = rc.User;
        var mine = options.Vfs.Volumes.Select(v => (Volume: v, Perms: v.PermsFor(user))).Where(x => x.Perms != Perm.None).ToList();
        var admin = mine.Any(x => (x.Perms & Perm.Admin) != 0);
        var sb = new StringBuilder(2048);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>control panel - ").Append(H(options.ServerName)).Append("</title>")
            .Append("<link rel=\"icon\" href=\"").Append(StaticAssets.VersionedPrefix).Append("favicon.svg\">")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StaticAssets.VersionedPrefix).Append("css/app.css\">")
            .Append("</head>\n<body class=\"cpanel\">\n<nav class=\"crumbs\"><a href=\"/\">").Append(H(options.ServerName))
            .Append("</a> <span>/</span> control panel</nav>\n<main class=\"cpanel\">\n<h1>control panel</h1>\n");

        if (user == Identity.Anonymous)
        {
            sb.Append("<p>not logged in.</p>\n<form class=\"login\" method=\"post\" enctype=\"multipart/form-data\" action=\"/\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"login\">")
                .Append("<input type=\"password\" name=\"cppwd\" placeholder=\"password\" autocomplete=\"current-password\"> ")
                .Append("<button type=\"submit\">login</button></form>\n");
        }
        else
        {
            sb.Append("<p>logged in as <b>").Append(H(user)).Append("</b></p>\n")
                .Append("<form class=\"logout\" method=\"post\" enctype=\"multipart/form-data\" action=\"/\">")
                .Append("<input type=\"hidden\" name=\"act\" value=\"logout\"><button type=\"submit\">logout</button></form>\n");
        }

        sb.Append("<h2>your volumes</h2>\n");
        if (mine.Count == 0)
        {
            sb.Append("<p>none: log in to see more.</p>\n");
        }
        else
        {
            sb.Append("<table class=\"cp-vols\"><thead><tr><th>volume</th><th>permissions</th></tr></thead><tbody>\n");
            foreach (var (v, p) in mine.OrderBy(x => x.Volume.VPath, StringComparer.Ordinal))
            {
                sb.Append("<tr><td><a href=\"").Append(H(VolumeUrl(v.VPath))).Append("\">/").Append(H(v.VPath)).Append("</a></td><td><code>")
                    .Append(Letters(p)).Append("</code></td></tr>\n");
            }
            sb.Append("</tbody></table>\n");
        }

        if (!options.NoUpList && mine.Any(x => (x.Perms & Perm.Read) != 0))
        {
            AppendIncoming(sb, mine.Where(x => (x.Perms & Perm.Read) != 0).Select(x => x.Volume));
        }

        if (admin)
        {
            // rescan and reload need `a` on the folder they are asked on (as copyparty): the first volume the user administers
            var adminVol = mine.Where(x => (x.Perms & Perm.Admin) != 0).Select(x => x.Volume.VPath).Order(StringComparer.Ordinal).First();
            AppendAdmin(sb, options, VolumeUrl(adminVol));
        }
        sb.Append("</main>\n</body></html>\n");

        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        rc.Response.StatusCode = 200;
        rc.Response.ContentType = "text/html; charset=utf-8";
        rc.Response.Headers.CacheControl = "no-store";
        rc.Response.ContentLength = bytes.Length;
        if (!rc.IsHead)
        {
            await rc.Response.Body.WriteAsync(bytes, rc.Http.RequestAborted);
        }
    }

    /// <summary>
    /// copyparty's "incoming files": up2k uploads that have some of their chunks and not all, newest first; done as a
    /// share of the chunks, speed over the time since the upload began, time left at that speed, time since the last
    /// chunk. An upload with no chunk yet is left out, as copyparty does (a handshake alone is not an upload).
    /// </summary>
    private void AppendIncoming(StringBuilder sb, IEnumerable<Volume> readable)
    {
        var inv = CultureInfo.InvariantCulture;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var rows = new List<(long Started, int Pct, string Speed, string Eta, string Idle, string Folder, string Name)>();
        foreach (var vol in readable)
        {
            var reg = registries.Opened.FirstOrDefault(r => r.VolumeRoot == vol.RealPath);
            if (reg is null)
            {
                continue;
            }
            foreach (var j in reg.All())
            {
                var total = j.UniqueHashes().Count;
                if (j.Done || j.Need.Count == 0 || j.Need.Count >= total)
                {
                    continue;
                }
                var done = 1.0 - ((double)j.Need.Count / total);
                var secs = Math.Max(1, now - j.Started);
                var rate = j.Size * done / secs;
                var vp = Up2k.HandshakeHandler.VPathOf(vol, j);
                var slash = vp.LastIndexOf('/');
                rows.Add((j.Started, (int)(done * 100), ProgressLine.Size(rate) + "/s", ProgressLine.Eta((secs / done) - secs),
                    ProgressLine.Eta(Math.Max(0, now - j.Poked)), slash < 0 ? "" : vp[..slash], slash < 0 ? vp : vp[(slash + 1)..]));
            }
        }
        sb.Append("<h2>incoming files</h2>\n");
        if (rows.Count == 0)
        {
            sb.Append("<p class=\"cp-ups\">none right now.</p>\n");
            return;
        }
        sb.Append("<table class=\"cp-ups\"><thead><tr><th>done</th><th>speed</th><th>left</th><th>idle</th><th>folder</th><th>file</th></tr></thead><tbody>\n");
        foreach (var r in rows.OrderByDescending(r => r.Started).Take(500))
        {
            sb.Append("<tr><td>").Append(r.Pct.ToString(inv)).Append("%</td><td>").Append(r.Speed).Append("</td><td>").Append(r.Eta)
                .Append("</td><td>").Append(r.Idle).Append("</td><td><a href=\"").Append(H(VolumeUrl(r.Folder))).Append("\">/")
                .Append(H(r.Folder)).Append("</a></td><td>").Append(H(r.Name)).Append("</td></tr>\n");
        }
        sb.Append("</tbody></table>\n");
    }

    private static string VolumeUrl(string vpath) => vpath.Length == 0 ? "/" : "/" + UrlPath.Quote(vpath) + "/";

    private void AppendAdmin(StringBuilder sb, Core.Config.ServerOptions options, string adminUrl)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append("<h2>index</h2>\n");
        if (scanner.Status is { } s)
        {
            var secs = (DateTimeOffset.UtcNow - s.Started).TotalSeconds;
            sb.Append("<p class=\"cp-scan\">scanning <b>").Append(H(s.Volume)).Append("</b>: ").Append(H(s.Phase)).Append(", ")
                .Append(s.FilesDone.ToString(inv)).Append(" of ").Append(s.FilesToHash.ToString(inv)).Append(" files and ")
                .Append((s.BytesDone >> 20).ToString(inv)).Append(" of ").Append((s.BytesToHash >> 20).ToString(inv))
                .Append(" MiB hashed, ").Append(secs.ToString("0", inv)).Append(" s so far</p>\n");
        }
        else
        {
            sb.Append("<p class=\"cp-scan\">no scan is running.</p>\n");
        }
        sb.Append("<p><a href=\"").Append(H(adminUrl)).Append("?scan\">rescan all volumes</a> &middot; <a href=\"").Append(H(adminUrl))
            .Append("?reload=cfg\">reload the config</a></p>\n");

        sb.Append("<h2>relay</h2>\n");
        if (!options.Relay.Active)
        {
            sb.Append("<p>the relay is off (<code>--relay</code> turns it on).</p>\n");
            return;
        }
        var c = relay.Counters;
        sb.Append("<table class=\"cp-relay\"><tbody>\n");
        Row(sb, "pairs now", c.ActivePairs);
        Row(sb, "peers waiting", c.Waiting);
        Row(sb, "pairs since start", c.PairsTotal);
        Row(sb, "bytes relayed since start", c.BytesTotal);
        Row(sb, "messages relayed since start", c.MessagesTotal);
        Row(sb, "files stored by the mailbox", c.StoredTotal);
        Row(sb, "files served by the mailbox", c.ServedTotal);
        sb.Append("</tbody></table>\n<p><a href=\"").Append(RelayEndpoint.Path).Append("\">the same as JSON</a></p>\n");
    }

    private static void Row(StringBuilder sb, string label, long value) =>
        sb.Append("<tr><th>").Append(label).Append("</th><td>").Append(value.ToString("N0", CultureInfo.InvariantCulture)).Append("</td></tr>\n");

    /// <summary>Permission letters in copyparty's order (<c>rwmdgGha.</c>).</summary>
    internal static string Letters(Perm p)
    {
        Span<char> buf = stackalloc char[9];
        var n = 0;
        foreach (var (flag, letter) in Order)
        {
            if ((p & flag) != 0)
            {
                buf[n++] = letter;
            }
        }
        return new string(buf[..n]);
    }

    private static readonly (Perm, char)[] Order =
    [
        (Perm.Read, 'r'), (Perm.Write, 'w'), (Perm.Move, 'm'), (Perm.Delete, 'd'), (Perm.Get, 'g'), (Perm.UpGet, 'G'),
        (Perm.Html, 'h'), (Perm.Admin, 'a'), (Perm.Dots, '.'),
    ];

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
