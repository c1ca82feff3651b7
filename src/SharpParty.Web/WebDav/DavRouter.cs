using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>The one entry from the request switch into WebDAV: the method handlers, and the lock/If checks that the
/// shared PUT and DELETE paths go through.</summary>
internal sealed class DavRouter(PropFindHandler propFind, PropPatchHandler propPatch, CollectionHandler collections, LockHandler lockHandler, WriteGuard guard)
{
    public const string Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK";

    public Task HandleAsync(RequestContext rc, HttpVerb verb) => verb switch
    {
        HttpVerb.PropFind => PropFindAsync(rc),
        HttpVerb.PropPatch => propPatch.HandleAsync(rc),
        HttpVerb.Mkcol => collections.MkcolAsync(rc),
        HttpVerb.DavCopy => collections.CopyOrMoveAsync(rc, move: false),
        HttpVerb.DavMove => collections.CopyOrMoveAsync(rc, move: true),
        HttpVerb.Lock => lockHandler.LockAsync(rc),
        HttpVerb.Unlock => lockHandler.UnlockAsync(rc),
        _ => Reply.Error(rc, 405, "not a WebDAV method"),
    };

    private async Task PropFindAsync(RequestContext rc)
    {
        if (await ReadAllowedAsync(rc))
        {
            await propFind.HandleAsync(rc);
        }
    }

    /// <summary>If header and locks before a PUT or DELETE (RFC 4918 §7, §10.4); false when a reply was sent.</summary>
    public async Task<bool> WriteAllowedAsync(RequestContext rc, bool delete)
    {
        if (rc.Options.NoDav || rc.Target.IsVirtual || (rc.Request.Headers["If"].Count == 0 && !guard.HasLocks))
        {
            return true;
        }
        var exists = rc.Target.FsPath is { } fs && (File.Exists(fs) || Directory.Exists(fs));
        return await guard.CheckAsync(rc, rc.Target.VPath, parent: delete || !exists, below: delete) is not null;
    }

    /// <summary>
    /// The If header on a request that changes nothing (GET, HEAD, PROPFIND): it must still hold, or the answer is 412
    /// (RFC 4918 §10.4.1); no lock is needed to read. False when a reply was sent.
    /// </summary>
    public async Task<bool> ReadAllowedAsync(RequestContext rc)
    {
        if (rc.Options.NoDav || rc.Request.Headers["If"].Count == 0)
        {
            return true;
        }
        if (guard.TryEvaluate(rc, out _, out var status))
        {
            return true;
        }
        await Reply.Error(rc, status, status == 400 ? "bad If header" : "precondition failed (If header)");
        return false;
    }

    /// <summary>After a DELETE that worked: dead properties and locks of the tree go too.</summary>
    public void Deleted(RequestContext rc) => collections.Deleted(rc.Target);

    /// <summary>After <c>?move=</c>/<c>?copy=</c> worked: dead properties follow, as with MOVE/COPY, so that none is left
    /// behind to attach itself to a later file of the same name.</summary>
    public void MovedOrCopied(RequestContext rc, string rawDst, bool copy)
    {
        if (rc.Options.NoDav || rc.Options.Vfs.Resolve(rawDst, rc.User) is not { Ok: true } d || d.Path.Volume is null)
        {
            return;
        }
        collections.PropsFollow(rc.Target, d.Path, copy);
    }

    /// <summary>After a JSON batch delete (which may stop half-way): forget what is gone.</summary>
    public void BatchDeleted(RequestContext rc, IEnumerable<string> vpaths)
    {
        if (rc.Options.NoDav)
        {
            return;
        }
        foreach (var p in vpaths)
        {
            if (rc.Options.Vfs.Resolve(p, rc.User) is { Ok: true } r && r.Path.FsPath is { } fs && !File.Exists(fs) && !Directory.Exists(fs))
            {
                collections.Deleted(r.Path);
            }
        }
    }
}
