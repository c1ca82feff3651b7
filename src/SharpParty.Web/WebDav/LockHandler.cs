using System.Xml.Linq;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// LOCK and UNLOCK (RFC 4918 §9.10, §9.11): real exclusive and shared write locks, depth 0 or infinity, with timeouts
/// and refresh. A LOCK on an unmapped URL creates an empty file (§7.3, the lock-null resource of RFC 2518) and answers
/// 201. copyparty answers LOCK with a token and locks nothing; we lock.
/// </summary>
internal sealed class LockHandler(LockManager locks, WriteGuard guard)
{
    public async Task LockAsync(RequestContext rc)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await DavPaths.Denied(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return;
        }
        var body = await DavXml.ReadAsync(rc);
        if (!body.Ok)
        {
            await Reply.Error(rc, 400, body.Error!);
            return;
        }
        var timeout = LockManager.ParseTimeout(rc.Request.Headers["Timeout"].ToString());
        if (body.Doc is null)
        {
            await RefreshAsync(rc, timeout);
            return;
        }
        var d = DavXml.D;
        var info = body.Doc.Root;
        if (info is null || info.Name != d + "lockinfo")
        {
            await Reply.Error(rc, 400, "expected a DAV:lockinfo body");
            return;
        }
        var scope = info.Element(d + "lockscope")?.Elements().FirstOrDefault()?.Name;
        var type = info.Element(d + "locktype")?.Elements().FirstOrDefault()?.Name;
        if ((scope != d + "exclusive" && scope != d + "shared") || type != d + "write")
        {
            await Reply.Error(rc, 400, "only exclusive or shared write locks exist");
            return;
        }
        var owner = info.Element(d + "owner")?.ToString(SaveOptions.DisableFormatting);
        if (owner is { Length: > 16384 })
        {
            await Reply.Error(rc, 400, "lock owner too long");
            return;
        }
        var depth = rc.Request.Headers["Depth"].ToString().Trim().ToLowerInvariant();
        if (depth is not ("" or "0" or "infinity"))
        {
            await Reply.Error(rc, 400, "bad Depth header (0 or infinity)"); // §9.10.3
            return;
        }
        var fs = t.FsPath!;
        var isDir = Directory.Exists(fs);
        var exists = isDir || File.Exists(fs);
        if (!exists)
        {
            if (!await CollectionHandler.NameAllowedAsync(rc, t.VPath))
            {
                return;
            }
            if (t.Rel.Length == 0 || !Directory.Exists(Path.GetDirectoryName(fs)))
            {
                await Reply.Error(rc, 409, "the parent folder does not exist");
                return;
            }
        }
        // the If header must hold (§10.4); conflicts with other locks are decided by TryLock (§9.10.5), and creating
        // an unmapped resource is a write to its locked parent (§7.3)
        if (!guard.TryEvaluate(rc, out var submitted, out var st))
        {
            await Reply.Error(rc, st, st == 400 ? "bad If header" : "precondition failed (If header)");
            return;
        }
        if (!exists && !guard.LocksAllow(rc, submitted, t.VPath, parent: true, below: false))
        {
            await Reply.Error(rc, 423, "locked");
            return;
        }
        var lk = locks.TryLock(t.VPath, depth != "0" && isDir, scope == d + "exclusive", owner, rc.User, timeout);
        if (lk is null)
        {
            await using var e = MultistatusWriter.Start(rc, 423, "error");
            e.Xml.WriteStartElement("D", "no-conflicting-lock", MultistatusWriter.Dav);
            e.Xml.WriteEndElement();
            return;
        }
        var status = 200;
        if (!exists)
        {
            try
            {
                new FileStream(fs, FileMode.CreateNew, FileAccess.Write).Dispose();
                status = 201;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                locks.Remove(lk.Token);
                await Reply.Error(rc, 409, "could not create the locked resource");
                return;
            }
        }
        rc.Response.Headers["Lock-Token"] = "<" + lk.Token + ">";
        await WriteDiscoveryAsync(rc, status, lk);
    }

    /// <summary>A LOCK without a body refreshes the lock named in the If header (§9.10.2).</summary>
    private async Task RefreshAsync(RequestContext rc, long timeout)
    {
        var h = rc.Request.Headers["If"].ToString();
        if (h.Length == 0 || !IfHeader.TryParse(h, out var lists))
        {
            await Reply.Error(rc, 400, "a lock refresh needs an If header with the lock token");
            return;
        }
        foreach (var c in lists.SelectMany(l => l.Conditions))
        {
            if (c.Token is not null && !c.Not && locks.Refresh(c.Token, rc.Target.VPath, rc.User, timeout) is { } lk)
            {
                await WriteDiscoveryAsync(rc, 200, lk);
                return;
            }
        }
        await Reply.Error(rc, 412, "no such lock here"); // §9.10.6: lock-token-matches-request-uri fails as 412
    }

    private async Task WriteDiscoveryAsync(RequestContext rc, int status, DavLock lk)
    {
        await using var ms = MultistatusWriter.Start(rc, status, "prop");
        ms.Xml.WriteStartElement("D", "lockdiscovery", MultistatusWriter.Dav);
        PropWriter.WriteActiveLock(ms.Xml, lk, locks);
        ms.Xml.WriteEndElement();
    }

    public async Task UnlockAsync(RequestContext rc)
    {
        var t = rc.Target;
        var token = rc.Request.Headers["Lock-Token"].ToString().Trim();
        if (token.Length < 3 || token[0] != '<' || token[^1] != '>')
        {
            await Reply.Error(rc, 400, "missing or malformed Lock-Token header");
            return;
        }
        token = token[1..^1];
        var lk = locks.Find(token, t.VPath);
        if (lk is null)
        {
            // §9.11.1: the token must name a lock on the Request-URI
            await using var e = MultistatusWriter.Start(rc, 409, "error");
            e.Xml.WriteStartElement("D", "lock-token-matches-request-uri", MultistatusWriter.Dav);
            e.Xml.WriteEndElement();
            return;
        }
        if (lk.User != rc.User && !t.Can(Perm.Admin))
        {
            await DavPaths.Denied(rc, "this lock belongs to someone else");
            return;
        }
        locks.Remove(token);
        rc.Response.StatusCode = 204;
    }
}
