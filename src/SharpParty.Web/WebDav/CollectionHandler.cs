using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Files;
using SharpParty.Web.Routing;
using SharpParty.Web.Search;

namespace SharpParty.Web.WebDav;

/// <summary>
/// MKCOL (RFC 4918 §9.3), COPY and MOVE (§9.8, §9.9) with Depth, Overwrite and a Destination anywhere on this server,
/// resolved by the Vfs with the same rules as <c>?move=</c>/<c>?copy=</c>: move needs <c>m</c> at the source, copy
/// <c>r</c>, both <c>w</c> at the destination, and replacing what is there needs <c>d</c>. Also what a DELETE leaves
/// behind (dead properties, locks).
/// </summary>
internal sealed class CollectionHandler(DeadPropStore props, LockManager locks, WriteGuard guard, IndexSet indexes)
{
    public async Task MkcolAsync(RequestContext rc)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await DavPaths.Denied(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return;
        }
        if ((rc.Request.ContentLength ?? 0) > 0 || rc.Request.Headers.TransferEncoding.Count > 0)
        {
            // §9.3: a body we do not understand is 415
            await Reply.Error(rc, 415, "MKCOL with a body is not supported");
            return;
        }
        var fs = t.FsPath!;
        if (t.Rel.Length == 0 || Directory.Exists(fs) || File.Exists(fs))
        {
            rc.Response.Headers.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK";
            await Reply.Error(rc, 405, "that folder exists already");
            return;
        }
        if (!await NameAllowedAsync(rc, t.VPath))
        {
            return;
        }
        if (!Directory.Exists(Path.GetDirectoryName(fs)))
        {
            await Reply.Error(rc, 409, "the parent folder does not exist");
            return;
        }
        if (await guard.CheckAsync(rc, t.VPath, parent: true, below: false) is null)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(fs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Reply.Error(rc, Upload.UploadSink.IsDiskFull(e) ? 507 : 409, "could not create the folder");
            return;
        }
        rc.Response.StatusCode = 201;
        rc.Response.ContentLength = 0;
    }

    public async Task CopyOrMoveAsync(RequestContext rc, bool move)
    {
        var t = rc.Target;
        if (move && rc.Options.NoMv)
        {
            await Reply.Forbidden(rc, "move/rename is disabled on this server");
            return;
        }
        if (!t.Can(move ? Perm.Move : Perm.Read) || t.IsVirtual)
        {
            await DavPaths.Denied(rc, move ? $"you don't have move-access in \"/{t.VPath}\"" : $"you don't have read-access in \"/{t.VPath}\"");
            return;
        }
        var dstHeader = rc.Request.Headers["Destination"].ToString();
        if (dstHeader.Length == 0)
        {
            await Reply.Error(rc, 400, "missing Destination header");
            return;
        }
        if (!DavPaths.TryLocalPath(rc, dstHeader, out var rawDst))
        {
            await Reply.Error(rc, 502, "the Destination is on another server");
            return;
        }
        var d = rc.Options.Vfs.ResolveUrl(rawDst, rc.User);
        if (!d.Ok)
        {
            await Reply.VfsFailure(rc, d);
            return;
        }
        var dt = d.Path;
        var depth = rc.Request.Headers["Depth"].ToString().Trim().ToLowerInvariant();
        if (depth is not ("" or "infinity" or "0") || (move && depth == "0"))
        {
            // §9.9.2: MOVE of a collection is always depth infinity; §9.8.3: COPY takes 0 or infinity
            await Reply.Error(rc, 400, "bad Depth header");
            return;
        }
        var overwrite = rc.Request.Headers["Overwrite"].ToString().Trim();
        if (overwrite is not ("" or "T" or "F" or "t" or "f"))
        {
            await Reply.Error(rc, 400, "bad Overwrite header");
            return;
        }
        var mayOverwrite = overwrite is "" or "T" or "t";
        var src = t.FsPath!;
        var srcIsDir = Directory.Exists(src);
        if (t.Rel.Length == 0 && move)
        {
            await Reply.Forbidden(rc, "cannot move a volume root");
            return;
        }
        if (!srcIsDir && !File.Exists(src))
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        if (dt.IsVirtual || dt.Rel.Length == 0 || !dt.Can(Perm.Write))
        {
            await DavPaths.Denied(rc, $"you don't have write-access in \"/{DavPaths.Parent(dt.VPath)}\"");
            return;
        }
        if (dt.VPath == t.VPath)
        {
            await Reply.Forbidden(rc, "the source and the destination are the same"); // §9.8.5
            return;
        }
        var dst = dt.FsPath!;
        if (srcIsDir && ((dt.VPath + "/").StartsWith(t.VPath + "/", StringComparison.Ordinal) || (dst + "/").StartsWith(src + "/", StringComparison.Ordinal)))
        {
            await Reply.Forbidden(rc, "cannot move or copy a folder into itself");
            return;
        }
        if (!await NameAllowedAsync(rc, dt.VPath))
        {
            return;
        }
        if (!Directory.Exists(Path.GetDirectoryName(dst)))
        {
            await Reply.Error(rc, 409, "the destination's parent folder does not exist"); // §9.8.5
            return;
        }
        var exists = File.Exists(dst) || Directory.Exists(dst) || new FileInfo(dst).LinkTarget is not null;
        if (exists && !mayOverwrite)
        {
            await Reply.Error(rc, 412, "the destination exists and Overwrite is F");
            return;
        }
        if (exists && !dt.Can(Perm.Delete))
        {
            await DavPaths.Denied(rc, $"you don't have delete-access in \"/{dt.VPath}\" (needed to overwrite)");
            return;
        }
        if (!guard.TryEvaluate(rc, out var submitted, out var st))
        {
            await Reply.Error(rc, st, st == 400 ? "bad If header" : "precondition failed (If header)");
            return;
        }
        if ((move && !guard.LocksAllow(rc, submitted, t.VPath, parent: true, below: true))
            || !guard.LocksAllow(rc, submitted, dt.VPath, parent: true, below: exists))
        {
            await Reply.Error(rc, 423, "locked");
            return;
        }
        if (exists)
        {
            var dstIsDir = Directory.Exists(dst) && new FileInfo(dst).LinkTarget is null;
            var gone = dstIsDir ? TreeOps.DeleteTree(dst).Ok : TryDeleteFile(dst);
            FileOps.IndexForget(indexes, dt, dstIsDir);
            props.Delete(dt.Volume!, dt.Rel);
            if (!gone)
            {
                await Reply.Error(rc, 409, "could not replace the destination");
                return;
            }
        }
        var shallow = !move && srcIsDir && depth == "0";
        TreeResult r;
        if (shallow)
        {
            r = TryMkdir(dst, Directory.GetLastWriteTimeUtc(src));
        }
        else
        {
            r = move ? TreeOps.Move(src, dst, srcIsDir) : TreeOps.Copy(src, dst, srcIsDir);
            if (r == TreeResult.IoError && move && !Directory.Exists(dst) && !File.Exists(dst))
            {
                // across filesystems a rename fails: copy, then remove the source
                r = TreeOps.Copy(src, dst, srcIsDir);
                if (r == TreeResult.Ok)
                {
                    _ = srcIsDir ? TreeOps.DeleteTree(src).Ok : TryDeleteFile(src);
                }
            }
        }
        if (r != TreeResult.Ok)
        {
            await Reply.Error(rc, r == TreeResult.DiskFull ? 507 : 409, "the server could not " + (move ? "move" : "copy") + " that");
            return;
        }
        props.Copy(t.Volume!, t.Rel, dt.Volume!, dt.Rel, tree: !shallow);
        if (move)
        {
            props.Delete(t.Volume!, t.Rel);
            locks.ForgetAtOrBelow(t.VPath); // §9.9.1: locks are not moved along
            FileOps.IndexMoved(indexes, t, dt, srcIsDir, copy: false);
        }
        rc.Note = (move ? "moved to /" : "copied to /") + dt.VPath;
        rc.Response.Headers.Location = rc.Origin + DavPaths.Href(dt.VPath, srcIsDir);
        rc.Response.StatusCode = exists ? 204 : 201;
        rc.Response.ContentLength = 0;
    }

    /// <summary>Dead properties of a moved or copied tree go along (§9.8.2, §9.9.1); a move leaves its locks behind.</summary>
    public void PropsFollow(VfsPath src, VfsPath dst, bool copy)
    {
        if (src.Volume is null || dst.Volume is null)
        {
            return;
        }
        props.Copy(src.Volume, src.Rel, dst.Volume, dst.Rel, tree: true);
        if (!copy)
        {
            props.Delete(src.Volume, src.Rel);
            locks.ForgetAtOrBelow(src.VPath);
        }
    }

    /// <summary>After a successful DELETE: its dead properties and locks go too (§9.6).</summary>
    public void Deleted(VfsPath t)
    {
        if (t.Volume is { } v)
        {
            props.Delete(v, t.Rel);
        }
        locks.ForgetAtOrBelow(t.VPath);
    }

    /// <summary>Whether a new name may be created: macOS junk is refused (423, as copyparty) unless --dav-mac, and
    /// dotfile names follow --no-dot-ren (403). Replies when not.</summary>
    internal static async Task<bool> NameAllowedAsync(RequestContext rc, string vpath)
    {
        if (DavPaths.IsRefusedJunk(rc, vpath))
        {
            await DavPaths.RefuseJunkAsync(rc);
            return false;
        }
        if (rc.Options.NoDotRen && DavPaths.Name(vpath).StartsWith('.'))
        {
            await Reply.Forbidden(rc, "creating dotfiles is disabled (--no-dot-ren)");
            return false;
        }
        return true;
    }

    private static TreeResult TryMkdir(string dst, DateTime mtime)
    {
        try
        {
            Directory.CreateDirectory(dst);
            Directory.SetLastWriteTimeUtc(dst, mtime);
            return TreeResult.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TreeResult.IoError;
        }
    }

    private static bool TryDeleteFile(string p)
    {
        try
        {
            File.Delete(p);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
