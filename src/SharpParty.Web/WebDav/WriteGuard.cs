using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// What every write must pass: the If header (RFC 4918 §10.4: 412 when no list holds) and the write locks on the
/// resources it changes (§7: 423 unless the lock's token is submitted by its owner).
/// </summary>
internal sealed class WriteGuard(LockManager locks)
{
    public bool HasLocks => locks.Any;

    /// <summary>Evaluates the If header; <paramref name="submitted"/> gets every state token in it (§10.4.1).</summary>
    public bool TryEvaluate(RequestContext rc, out HashSet<string> submitted, out int status)
    {
        submitted = new HashSet<string>(StringComparer.Ordinal);
        status = 0;
        var h = rc.Request.Headers["If"].ToString();
        if (h.Length == 0)
        {
            return true;
        }
        if (!IfHeader.TryParse(h, out var lists))
        {
            status = 400;
            return false;
        }
        foreach (var l in lists)
        {
            foreach (var c in l.Conditions)
            {
                if (c.Token is not null)
                {
                    submitted.Add(c.Token);
                }
            }
        }
        foreach (var l in lists)
        {
            string vpath;
            string? fs;
            if (l.Tag is null)
            {
                vpath = rc.Target.VPath;
                fs = rc.Target.FsPath;
            }
            else if (!DavPaths.TryLocalPath(rc, l.Tag, out var raw) || rc.Options.Vfs.ResolveUrl(raw.TrimEnd('/'), rc.User) is not { Ok: true } r)
            {
                continue; // a list about a resource we do not have is false
            }
            else
            {
                vpath = r.Path.VPath;
                fs = r.Path.FsPath;
            }
            if (l.Conditions.TrueForAll(c => Holds(c, vpath, fs)))
            {
                return true;
            }
        }
        status = 412;
        return false;
    }

    private bool Holds(IfCondition c, string vpath, string? fs)
    {
        bool v;
        if (c.Token is not null)
        {
            v = locks.Find(c.Token, vpath) is not null;
        }
        else
        {
            var e = DavPaths.ETagOf(fs);
            v = e is not null && (e == c.ETag || "W/" + e == c.ETag);
        }
        return v != c.Not;
    }

    /// <summary>
    /// Whether the locks on <paramref name="vpath"/> let this request change it: those covering it, a depth-0 lock on
    /// its parent when members are added or removed (§7.5), and with <paramref name="below"/> every lock under it.
    /// </summary>
    public bool LocksAllow(RequestContext rc, HashSet<string> submitted, string vpath, bool parent, bool below)
    {
        if (!locks.Any)
        {
            return true;
        }
        var ls = locks.Covering(vpath);
        if (parent && vpath.Length > 0)
        {
            var p = DavPaths.Parent(vpath);
            ls.AddRange(locks.Covering(p).Where(l => l.Root == p && !l.Infinite));
        }
        if (below)
        {
            ls.AddRange(locks.AtOrBelow(vpath));
        }
        bool Owned(DavLock l) => submitted.Contains(l.Token) && l.User == rc.User;
        // a shared lock is satisfied by any of the shared locks on that resource held by this user (§6.2)
        return ls.TrueForAll(l => Owned(l) || (!l.Exclusive && ls.Exists(o => !o.Exclusive && o.Root == l.Root && Owned(o))));
    }

    /// <summary>Both checks, replying 400/412/423 on failure.</summary>
    public async Task<HashSet<string>?> CheckAsync(RequestContext rc, string vpath, bool parent, bool below)
    {
        if (!TryEvaluate(rc, out var submitted, out var status))
        {
            await Reply.Error(rc, status, status == 400 ? "bad If header" : "precondition failed (If header)");
            return null;
        }
        if (!LocksAllow(rc, submitted, vpath, parent, below))
        {
            await Reply.Error(rc, 423, "locked");
            return null;
        }
        return submitted;
    }
}
