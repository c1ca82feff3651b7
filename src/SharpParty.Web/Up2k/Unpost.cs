using System.Buffers;
using System.Text.Json;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Up2k;

/// <summary>
/// Unpost (spec §1.7): <c>GET /?ups</c> lists the caller's recent uploads (same IP, within <c>--unpost</c> seconds)
/// and their unfinished ones (<c>--u2abort</c> rules); <c>POST /?delete&amp;unpost</c> deletes or aborts them. Needs
/// write access to the folder, not delete: that is the point. Works without an index, from the registries.
/// </summary>
internal sealed class Unpost(RegistrySet registries, TimeProvider time)
{
    public async Task ListAsync(RequestContext rc)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var filter = rc.Query.Get("filter") ?? "";
        var ip = rc.Ip.ToString();
        var unfinished = new List<(long At, string Vp, long Size, int Pd)>();
        var recent = new List<(long At, string Vp, long Size)>();
        foreach (var vol in rc.Options.Vfs.Volumes)
        {
            var reg = registries.Opened.FirstOrDefault(r => r.VolumeRoot == vol.RealPath);
            if (reg is null)
            {
                continue;
            }
            var abort = rc.Options.Up2k.For(vol).Abort;
            foreach (var j in reg.All())
            {
                var vp = "/" + HandshakeHandler.VPathOf(vol, j);
                if (filter.Length > 0 && !vp.Contains(filter, StringComparison.Ordinal))
                {
                    continue;
                }
                if (!j.Done)
                {
                    if (MayAbort(abort, j, rc.User, ip))
                    {
                        var total = Math.Max(1, j.UniqueHashes().Count);
                        unfinished.Add((j.Started, vp, j.Size, 100 - (j.Need.Count * 100 / total)));
                    }
                }
                else if (rc.Options.UnpostSeconds > 0 && j.Ip == ip && j.Started > now - rc.Options.UnpostSeconds)
                {
                    recent.Add((j.Started, vp, j.Size));
                }
            }
        }
        var buf = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteStartArray("u");
            foreach (var (at, vp, size, pd) in unfinished.OrderByDescending(u => u.At))
            {
                w.WriteStartObject();
                w.WriteNumber("at", at);
                w.WriteString("vp", UrlPath.Quote(vp));
                w.WriteNumber("pd", pd);
                w.WriteNumber("sz", size);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("c");
            if (rc.Options.UnpostSeconds <= 0)
            {
                // copyparty's marker for "unpost is disabled here"
                w.WriteStartObject();
                w.WriteNumber("kinshi", 1);
                w.WriteEndObject();
            }
            foreach (var (at, vp, size) in recent.OrderByDescending(u => u.At).Take(2000))
            {
                w.WriteStartObject();
                w.WriteString("vp", UrlPath.Quote(vp));
                w.WriteNumber("sz", size);
                w.WriteNumber("at", at);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        rc.Response.ContentType = "application/json";
        rc.Response.ContentLength = buf.WrittenCount;
        await rc.Response.Body.WriteAsync(buf.WrittenMemory, rc.Http.RequestAborted);
    }

    /// <summary>copyparty's u2abort: 0 never, 1 same IP and account, 2 same IP, 3 same account.</summary>
    private static bool MayAbort(int abort, UploadJob j, string user, string ip) => abort switch
    {
        1 => j.Ip == ip && (j.User == user || j.User == Identity.Anonymous),
        2 => j.Ip == ip,
        3 => j.User == user || j.User == Identity.Anonymous,
        _ => false,
    };

    /// <summary>Deletes own recent uploads / aborts own unfinished ones. Returns an error text, or null when all went.</summary>
    public async Task DeleteAsync(RequestContext rc, List<string> paths)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var ip = rc.Ip.ToString();
        var deleted = 0;
        var limit = int.TryParse(rc.Query.Get("lim"), out var l) && l > 0 ? l : int.MaxValue;
        foreach (var raw in paths.Take(limit))
        {
            var res = rc.Options.Vfs.ResolveUrl(raw, rc.User);
            if (!res.Ok || res.Path.Volume is not { } vol || !res.Path.Can(Perm.Write))
            {
                await Reply.Error(rc, 403, "you cannot delete this: no write-access here");
                return;
            }
            var rel = res.Path.Rel;
            var slash = rel.LastIndexOf('/');
            var folder = slash < 0 ? "" : rel[..slash];
            var name = rel[(slash + 1)..];
            var reg = registries.For(vol);
            UploadJob? job;
            lock (reg.Gate)
            {
                job = reg.FindByPath(folder, name);
            }
            string? why = job is null ? "file not found"
                : !job.Done ? (MayAbort(rc.Options.Up2k.For(vol).Abort, job, rc.User, ip) ? null : "not uploaded by (You)")
                : rc.Options.UnpostSeconds <= 0 ? "the unpost feature is disabled in server config"
                : job.Ip != ip ? "not uploaded by (You)"
                : job.Started < now - rc.Options.UnpostSeconds ? "uploaded too long ago"
                : null;
            if (why is not null)
            {
                await Reply.Error(rc, 400, "you cannot delete this: " + why);
                return;
            }
            var dir = Path.Combine(vol.RealPath, job!.Folder);
            lock (reg.Gate)
            {
                reg.Forget(job);
                job.Handle?.Dispose();
                job.Handle = null;
            }
            TryDelete(Path.Combine(dir, job.Name));
            if (!job.Done)
            {
                TryDelete(Path.Combine(dir, job.PartialName));
            }
            deleted++;
        }
        rc.Note = $"unposted {deleted}";
        await Reply.Text(rc, 200, $"deleted {deleted} files (and 0/0 folders)", "text/plain; charset=utf-8");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // already gone or not ours to remove: the registry entry is forgotten either way
        }
    }
}
