using System.IO.Enumeration;
using System.Xml.Linq;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// PROPFIND (RFC 4918 §9.1): depth 0 and 1; infinity only with <c>--dav-inf</c> (else 403 propfind-finite-depth, as
/// copyparty), then walked breadth-first and bounded. Streamed through <see cref="MultistatusWriter"/>.
/// </summary>
internal sealed class PropFindHandler(LockManager locks, DeadPropStore props)
{
    /// <summary>The most resources one Depth: infinity answer lists; the walk stops there.</summary>
    private const int MaxInfinite = 100_000;

    public async Task HandleAsync(RequestContext rc)
    {
        var t = rc.Target;
        var forceAuth = rc.User == Identity.Anonymous && (rc.Options.DavAuth || t.Volume?.HasFlag("davauth") == true);
        if ((t.Perms & (Perm.Read | Perm.Write | Perm.Get)) == 0 || forceAuth)
        {
            await DavPaths.Denied(rc, "you don't have read-access here");
            return;
        }
        var body = await DavXml.ReadAsync(rc);
        if (!body.Ok)
        {
            await Reply.Error(rc, 400, body.Error!);
            return;
        }
        var req = ParseRequest(body.Doc, out var err);
        if (req is null)
        {
            await Reply.Error(rc, 400, err);
            return;
        }
        var res = DavResource.Of(t);
        if (res is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }
        var depth = rc.Request.Headers["Depth"].ToString().Trim().ToLowerInvariant();
        if (depth is "" or "infinity" && res.IsDir)
        {
            if (!rc.Options.DavInf)
            {
                rc.Response.StatusCode = 403;
                await using (var e = MultistatusWriter.Start(rc, 403, "error"))
                {
                    e.Xml.WriteStartElement("D", "propfind-finite-depth", MultistatusWriter.Dav);
                    e.Xml.WriteEndElement();
                }
                return;
            }
        }
        else if (depth is not ("0" or "1" or "" or "infinity"))
        {
            await Reply.Error(rc, 400, "bad Depth header");
            return;
        }
        var maxLevel = !res.IsDir || depth == "0" ? 0 : depth == "1" ? 1 : int.MaxValue;
        var fast = new FastPropWriter(req);
        await using var ms = MultistatusWriter.Start(rc, 207);
        Write(ms, fast, res, req);
        if (maxLevel == 0 || !t.Can(Perm.Read) && !t.IsVirtual)
        {
            return;
        }
        var queue = new Queue<(VfsPath Dir, int Level)>();
        queue.Enqueue((t, 1));
        var count = 1;
        while (queue.Count > 0 && count < MaxInfinite)
        {
            var (dir, level) = queue.Dequeue();
            count = await WriteMembersAsync(rc, ms, fast, req, dir, level < maxLevel ? queue : null, level + 1, count);
        }
    }

    /// <summary>
    /// The members of one folder the user may see: mounts below it first, then its files and folders (dotfiles only with
    /// '.', macOS junk only with --dav-mac); symlinks through the whole resolver, the rest as children of the folder the
    /// resolver already checked (see <see cref="VfsTree.ChildOf"/>), which for the common case are written from the name
    /// and the stat alone. Folders go on <paramref name="queue"/> when given. Returns the running count of responses.
    /// </summary>
    private async Task<int> WriteMembersAsync(RequestContext rc, MultistatusWriter ms, FastPropWriter fast, PropRequest req, VfsPath dir,
        Queue<(VfsPath Dir, int Level)>? queue, int nextLevel, int count)
    {
        var vfs = rc.Options.Vfs;
        var mounts = vfs.ChildMounts(dir.VPath);
        foreach (var m in mounts)
        {
            var vp = dir.VPath.Length == 0 ? m : dir.VPath + "/" + m;
            var r = vfs.ResolveNormalized(vp, rc.User);
            if (r.Ok && (r.Path.Perms & (Perm.Read | Perm.Write | Perm.Get)) != 0 && DavResource.Of(r.Path) is { } mres)
            {
                if (!Member(ms, fast, req, null, r.Path, mres, queue, nextLevel, ref count))
                {
                    return count;
                }
            }
        }
        if (dir.IsVirtual || dir.FsPath is null)
        {
            return count;
        }
        // one statx per member; a big folder's are stat'ed in batches on the thread pool while it is still being listed
        // and while the first members are written (10,000 members: 28 -> ~20 ms, then ~17 ms, bench/webdav.sh)
        var batches = FastStat.ListAndStat(dir.FsPath, Includer(rc, dir, mounts)) ?? [Task.FromResult(Unstatted(rc, dir, mounts))];
        // one read for the dead properties of all members, not one per member; usually there are none
        var dead = dir.Volume is not null && NeedsDeadProps(req) ? props.GetMembers(dir.Volume, dir.Rel) : null;
        var hrefPrefix = fast.Usable ? FastPropWriter.HrefPrefix(dir.VPath) : [];
        foreach (var next in batches)
        {
            var (names, stats, statted) = await next;
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i];
                if (statted && stats[i] is { Ok: true, IsLink: false } st)
                {
                    // a plain member: no resolver walk; without dead properties or locks, no objects either
                    if (!VfsTree.IsServedChild(dir, name))
                    {
                        continue; // hist folder, upload temp files
                    }
                    if ((dead is null || dead.Count == 0) && !locks.Any && !(st.IsDir && queue is not null)
                        && fast.TryWrite(ms.Raw, hrefPrefix, name, st.IsDir, st.IsDir ? 0 : st.Size, DavResource.MTimeOf(st), DavResource.CTimeOf(st)))
                    {
                        if (++count >= MaxInfinite)
                        {
                            return count;
                        }
                        await ms.MaybeFlushAsync();
                        continue;
                    }
                    var path = VfsTree.ChildOf(dir, name)!.Value;
                    if (!Member(ms, fast, req, dead, path, DavResource.FromStat(path.VPath, path.FsPath!, path.Volume, path.Rel, st), queue, nextLevel, ref count))
                    {
                        return count;
                    }
                }
                else if (statted && !stats[i].Ok)
                {
                    continue; // gone between readdir and stat
                }
                else
                {
                    var vp = dir.VPath.Length == 0 ? name : dir.VPath + "/" + name;
                    var r = rc.Options.Vfs.ResolveNormalized(vp, rc.User);
                    if (!r.Ok || r.Path.Volume != dir.Volume)
                    {
                        continue; // hist folder, temp files, symlinks out of the volumes
                    }
                    if (DavResource.Of(vp, Path.Join(dir.FsPath, name), r.Path.Volume, r.Path.Rel) is { } res
                        && !Member(ms, fast, req, dead, r.Path, res, queue, nextLevel, ref count))
                    {
                        return count;
                    }
                }
                await ms.MaybeFlushAsync();
            }
        }
        return count;
    }

    /// <summary>Writes one member that has its objects; false when the answer is full.</summary>
    private bool Member(MultistatusWriter ms, FastPropWriter fast, PropRequest req, Dictionary<string, List<DeadProp>>? dead, VfsPath path,
        DavResource res, Queue<(VfsPath Dir, int Level)>? queue, int nextLevel, ref int count)
    {
        Write(ms, fast, res, req, dead);
        if (++count >= MaxInfinite)
        {
            return false;
        }
        if (res.IsDir && queue is not null && path.Can(Perm.Read))
        {
            queue.Enqueue((path, nextLevel));
        }
        return true;
    }

    private void Write(MultistatusWriter ms, FastPropWriter fast, DavResource r, PropRequest req, Dictionary<string, List<DeadProp>>? members = null)
    {
        var dead = r.Volume is null || !NeedsDeadProps(req)
            ? []
            : members is not null ? members.GetValueOrDefault(r.Rel) ?? [] : props.Get(r.Volume, r.Rel);
        var ls = locks.Any ? locks.Covering(r.VPath) : [];
        if (!fast.TryWrite(ms, r, dead, ls))
        {
            PropWriter.Write(ms.Xml, r, req, dead, ls, locks);
        }
    }

    /// <summary>False when the request names only DAV: properties, which are all live.</summary>
    private static bool NeedsDeadProps(PropRequest req) =>
        !(req.Kind == PropRequestKind.Prop && req.Names.TrueForAll(n => n.NamespaceName == MultistatusWriter.Dav));

    /// <summary>The names in a real folder that may be listed: dotfiles only with '.', macOS junk only with --dav-mac, and
    /// none that a mount shadows.</summary>
    private static Func<string, bool> Includer(RequestContext rc, VfsPath dir, IReadOnlyCollection<string> mounts)
    {
        var dots = dir.Can(Perm.Dots);
        var mac = rc.Options.DavMac;
        return n => (dots || n[0] != '.') && (mac || !DavPaths.IsMacJunk(n)) && (mounts.Count == 0 || !mounts.Contains(n));
    }

    /// <summary>Where statx is missing: the names, stat'ed one by one through the resolver by the caller.</summary>
    private static StatBatch Unstatted(RequestContext rc, VfsPath dir, IReadOnlyCollection<string> mounts)
    {
        var include = Includer(rc, dir, mounts);
        var names = new List<string>();
        try
        {
            foreach (var n in new FileSystemEnumerable<string>(dir.FsPath!, (ref FileSystemEntry x) => x.FileName.ToString(), FastStat.ListOptions))
            {
                if (include(n))
                {
                    names.Add(n);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            names.Clear();
        }
        return new StatBatch(names, new StatInfo[names.Count], false);
    }


    /// <summary>The body of a PROPFIND (RFC 4918 §14.20); none means allprop (§9.1).</summary>
    internal static PropRequest? ParseRequest(XDocument? doc, out string error)
    {
        error = "";
        if (doc?.Root is not { } root)
        {
            return PropRequest.AllProp;
        }
        var d = DavXml.D;
        if (root.Name != d + "propfind")
        {
            error = "expected a DAV:propfind body";
            return null;
        }
        foreach (var e in root.Elements())
        {
            if (e.Name == d + "allprop")
            {
                return PropRequest.AllProp;
            }
            if (e.Name == d + "propname")
            {
                return new PropRequest(PropRequestKind.PropName, []);
            }
            if (e.Name == d + "prop")
            {
                return new PropRequest(PropRequestKind.Prop, e.Elements().Select(x => x.Name).Distinct().Take(1000).ToList());
            }
        }
        error = "DAV:propfind needs allprop, propname or prop";
        return null;
    }
}
