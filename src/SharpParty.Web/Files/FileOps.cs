using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;
using SharpParty.Web.Search;

namespace SharpParty.Web.Files;

/// <summary>mkdir, move, copy and delete over HTTP, each checked through the Vfs with copyparty's status codes.</summary>
internal static class FileOps
{
    /// <summary>The first steps of making something new in the request's folder (mkdir, a new document): the user may
    /// write here and the name is one plain name. Null when refused, with the reply sent.</summary>
    internal static async Task<string?> NewNameAsync(RequestContext rc, string? rawName, string what)
    {
        var t = rc.Target;
        if (t.IsVirtual || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\"");
            return null;
        }
        if (!UploadNames.TrySanitize(rawName, out var name, out var err) || rawName!.Contains('/', StringComparison.Ordinal))
        {
            await Reply.Error(rc, 400, string.IsNullOrEmpty(err) ? $"bad {what} name" : err);
            return null;
        }
        return name;
    }

    /// <summary>The final name through the resolver (and <c>--no-dot-ren</c>); null when refused, with the reply sent.</summary>
    internal static async Task<VfsResult?> ResolveNewAsync(RequestContext rc, string name, string dotWhat)
    {
        if (name.StartsWith('.') && rc.Options.NoDotRen)
        {
            await Reply.Forbidden(rc, $"creating {dotWhat} is disabled (--no-dot-ren)");
            return null;
        }
        var t = rc.Target;
        var r = rc.Options.Vfs.ResolveNormalized(t.VPath.Length == 0 ? name : t.VPath + "/" + name, rc.User);
        if (!r.Ok)
        {
            await Reply.VfsFailure(rc, r);
            return null;
        }
        return r;
    }

    /// <summary><c>act=mkdir</c>: 201 with <c>X-New-Dir</c>; an existing name is 405, as copyparty.</summary>
    public static async Task MkdirAsync(RequestContext rc, string? rawName)
    {
        if (await NewNameAsync(rc, rawName, "folder") is not { } name || await ResolveNewAsync(rc, name, "dotfolders") is not { } r)
        {
            return;
        }
        var fs = r.Path.FsPath!;
        if (Directory.Exists(fs) || File.Exists(fs))
        {
            await Reply.Error(rc, 405, "that folder exists already");
            return;
        }
        try
        {
            Directory.CreateDirectory(fs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Reply.Error(rc, UploadDiskFull(e) ? 507 : 409, "could not create the folder");
            return;
        }
        rc.Response.Headers["X-New-Dir"] = UrlPath.Quote(r.Path.VPath);
        var href = "/" + UrlPath.Quote(r.Path.VPath) + "/";
        rc.Response.Headers.Location = href;
        await Reply.Text(rc, 201, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={href}\"></head><body><a href=\"{href}\">go to the new folder</a></body></html>\n", "text/html; charset=utf-8");
    }

    /// <summary><c>?move=/dst</c> needs <c>m</c> at the source and <c>w</c> at the destination; <c>?copy=</c> needs <c>r</c> and <c>w</c>.</summary>
    public static async Task MoveOrCopyAsync(RequestContext rc, string rawDst, bool copy, IndexSet indexes)
    {
        var t = rc.Target;
        if (!copy && rc.Options.NoMv)
        {
            await Reply.Forbidden(rc, "move/rename is disabled on this server");
            return;
        }
        if (t.IsVirtual || t.Rel.Length == 0)
        {
            await Reply.Error(rc, 400, copy ? "cannot copy a volume root" : "cannot move a volume root");
            return;
        }
        if (!t.Can(copy ? Perm.Read : Perm.Move))
        {
            await Reply.Forbidden(rc, copy ? $"you don't have read-access in \"/{t.VPath}\"" : $"you don't have move-access in \"/{t.VPath}\"");
            return;
        }
        var src = t.FsPath!;
        var srcIsDir = Directory.Exists(src);
        if (!srcIsDir && !File.Exists(src))
        {
            await Reply.Error(rc, 404, "source file not found");
            return;
        }
        var d = rc.Options.Vfs.Resolve(rawDst, rc.User);
        if (!d.Ok)
        {
            await Reply.VfsFailure(rc, d);
            return;
        }
        var dt = d.Path;
        var dstParent = rc.Options.Vfs.ResolveNormalized(PutParent(dt.VPath), rc.User);
        if (dt.IsVirtual || dt.Rel.Length == 0 || !dstParent.Ok || !dstParent.Path.Can(Perm.Write) || dstParent.Path.IsVirtual)
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{PutParent(dt.VPath)}\"");
            return;
        }
        var name = dt.VPath[(dt.VPath.LastIndexOf('/') + 1)..];
        if (rc.Options.NoDotRen && name.StartsWith('.') && !t.VPath[(t.VPath.LastIndexOf('/') + 1)..].StartsWith('.'))
        {
            await Reply.Forbidden(rc, "renaming to a dotfile is disabled (--no-dot-ren)");
            return;
        }
        if (rc.Options.NoDotMv && !copy && (t.HasDotSegment || (srcIsDir && HoldsDotfiles(src))))
        {
            await Reply.Forbidden(rc, "moving dotfiles is disabled (--no-dot-mv)");
            return;
        }
        var dst = dt.FsPath!;
        if (File.Exists(dst) || Directory.Exists(dst))
        {
            await Reply.Error(rc, 400, "destination file exists: " + "/" + dt.VPath);
            return;
        }
        if (srcIsDir && (dst + "/").StartsWith(src + "/", StringComparison.Ordinal))
        {
            await Reply.Error(rc, 400, "cannot move or copy a folder into itself");
            return;
        }
        var res = copy ? TreeOps.Copy(src, dst, srcIsDir) : TreeOps.Move(src, dst, srcIsDir);
        switch (res)
        {
            case TreeResult.Ok:
                IndexMoved(indexes, t, dt, srcIsDir, copy);
                rc.Note = (copy ? "copied to /" : "moved to /") + dt.VPath;
                await Reply.Text(rc, 201, "k", "text/html; charset=utf-8");
                return;
            case TreeResult.DiskFull:
                await Reply.Error(rc, 507, "disk full; the partial copy was removed");
                return;
            case TreeResult.Exists:
                await Reply.Error(rc, 400, "destination file exists: /" + dt.VPath);
                return;
            default:
                await Reply.Error(rc, 409, "the server could not " + (copy ? "copy" : "move") + " that");
                return;
        }
    }

    /// <summary><c>?delete</c> and <c>DELETE</c>: recursive, needs <c>d</c>.</summary>
    public static async Task DeleteAsync(RequestContext rc, IndexSet indexes)
    {
        var (status, msg) = DeleteOne(rc, rc.Target, indexes);
        await (status == 200 ? Reply.Text(rc, 200, msg, "text/html; charset=utf-8") : status == 403 ? Reply.Forbidden(rc, msg) : Reply.Error(rc, status, msg));
    }

    /// <summary><c>POST /?delete</c> with a JSON list; stops at the first failure, as copyparty.</summary>
    public static async Task DeleteBatchAsync(RequestContext rc, IReadOnlyList<string> vpaths, IndexSet indexes)
    {
        int files = 0, dirs = 0;
        foreach (var p in vpaths)
        {
            var r = rc.Options.Vfs.Resolve(p, rc.User);
            if (!r.Ok)
            {
                await Reply.VfsFailure(rc, r);
                return;
            }
            var (status, msg, f, d) = DeleteCounted(rc, r.Path, indexes);
            if (status != 200)
            {
                await (status == 403 ? Reply.Forbidden(rc, msg) : Reply.Error(rc, status, msg));
                return;
            }
            files += f;
            dirs += d;
        }
        await Reply.Text(rc, 200, $"deleted {files} files (and {dirs}/{dirs} folders)", "text/html; charset=utf-8");
    }

    private static (int, string) DeleteOne(RequestContext rc, VfsPath t, IndexSet indexes)
    {
        var (s, m, _, _) = DeleteCounted(rc, t, indexes);
        return (s, m);
    }

    private static (int Status, string Msg, int Files, int Dirs) DeleteCounted(RequestContext rc, VfsPath t, IndexSet indexes)
    {
        if (rc.Options.NoDel)
        {
            return (403, "delete is disabled on this server", 0, 0);
        }
        if (t.IsVirtual || t.Rel.Length == 0)
        {
            return (400, "cannot delete a volume root", 0, 0);
        }
        if (!t.Can(Perm.Delete))
        {
            return (403, $"you don't have delete-access in \"/{t.VPath}\"", 0, 0);
        }
        var fs = t.FsPath!;
        if (File.Exists(fs) || new FileInfo(fs).LinkTarget is not null)
        {
            try
            {
                File.Delete(fs);
                IndexForget(indexes, t, isDir: false);
                return (200, "deleted 1 files (and 0/0 folders)", 1, 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (409, "the server could not delete that file", 0, 0);
            }
        }
        if (!Directory.Exists(fs))
        {
            return (404, "file not found on disk: /" + t.VPath, 0, 0);
        }
        if (rc.Options.Vfs.ChildMounts(t.VPath).Count > 0)
        {
            return (400, "cannot delete a folder that holds a mounted volume", 0, 0);
        }
        var (f, d, ok) = TreeOps.DeleteTree(fs);
        IndexForget(indexes, t, isDir: true);
        return ok ? (200, $"deleted {f} files (and {d}/{d} folders)", f, d) : (409, $"deleted {f} files but some could not be removed", f, d);
    }

    /// <summary>Keeps the index in step with a delete (a rescan would too, but dedup must not offer a deleted file).</summary>
    internal static void IndexForget(IndexSet indexes, VfsPath t, bool isDir)
    {
        if (t.Volume is not { } v || indexes.For(v) is not { } idx)
        {
            return;
        }
        var (dir, name) = Split(t.Rel);
        if (isDir)
        {
            idx.RemoveTree(t.Rel);
        }
        else
        {
            idx.Remove(dir, name);
        }
    }

    /// <summary>A moved file keeps its row (a rename within the volume); folders and moves across volumes are forgotten at the
    /// source and found again at the destination by the next scan.</summary>
    internal static void IndexMoved(IndexSet indexes, VfsPath src, VfsPath dst, bool isDir, bool copy)
    {
        if (copy || src.Volume is not { } v || indexes.For(v) is not { } idx)
        {
            return;
        }
        if (!isDir && dst.Volume == v)
        {
            var (d1, n1) = Split(src.Rel);
            var (d2, n2) = Split(dst.Rel);
            idx.Rename(d1, n1, d2, n2);
            return;
        }
        IndexForget(indexes, src, isDir);
    }

    private static (string Dir, string Name) Split(string rel)
    {
        var slash = rel.LastIndexOf('/');
        return slash < 0 ? ("", rel) : (rel[..slash], rel[(slash + 1)..]);
    }

    private static bool UploadDiskFull(Exception e) => Upload.UploadSink.IsDiskFull(e);

    private static bool HoldsDotfiles(string dir)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(dir, ".*", SearchOption.AllDirectories).Any();
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string PutParent(string vpath)
    {
        var i = vpath.LastIndexOf('/');
        return i < 0 ? "" : vpath[..i];
    }
}
