using System.Buffers;
using System.Text.Json;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Up2k;

/// <summary>
/// File-search by content (spec §2.10): a handshake with <c>srch</c> finds where files with that content already are,
/// in every volume the user may read. Until the index exists this looks at the uploads the registries remember.
/// </summary>
internal sealed class FileSearch(RegistrySet registries, SharpParty.Web.Search.IndexSet indexes)
{
    public async Task HandleAsync(RequestContext rc, HandshakeRequest req)
    {
        var salt = rc.Options.Up2k.WarkSalt;
        var wark = req.Hashes.Length == 0 ? null : Up2kHash.Wark(salt, req.Size, req.Hashes);
        var hits = new List<(long Ts, long Size, string Rp)>();
        if (wark is not null)
        {
            foreach (var vol in rc.Options.Vfs.Volumes)
            {
                if ((vol.PermsFor(rc.User) & Perm.Read) == 0)
                {
                    continue;
                }
                var shadowed = rc.Options.Vfs.MountsInside(vol);
                var dots = (vol.PermsFor(rc.User) & Perm.Dots) != 0 || vol.HasFlag("dots");
                if (indexes.For(vol) is { } idx)
                {
                    // the index knows files that were there before the server started, too
                    foreach (var r in idx.FindByWark(wark))
                    {
                        var rel = r.Dir.Length == 0 ? r.Name : r.Dir + "/" + r.Name;
                        if ((!dots && (rel.StartsWith('.') || rel.Contains("/.", StringComparison.Ordinal))) || shadowed.Any(m => rel.StartsWith(m, StringComparison.Ordinal)))
                        {
                            continue;
                        }
                        hits.Add((r.Mtime, r.Size, UrlPath.Quote(vol.VPath.Length == 0 ? rel : vol.VPath + "/" + rel)));
                    }
                    continue;
                }
                var reg = registries.Opened.FirstOrDefault(r => r.VolumeRoot == vol.RealPath);
                if (reg is null)
                {
                    continue;
                }
                foreach (var j in reg.All())
                {
                    if (!j.Done || j.DataWark != wark)
                    {
                        continue;
                    }
                    var fi = new FileInfo(Path.Combine(vol.RealPath, j.Folder, j.Name));
                    if (!fi.Exists || fi.Length != j.Size)
                    {
                        continue;
                    }
                    var vp = HandshakeHandler.VPathOf(vol, j);
                    // a hit in a dot-folder is only shown to those who may see dotfiles there
                    var probe = rc.Options.Vfs.ResolveNormalized(vp, rc.User);
                    if (!probe.Ok || (probe.Path.HasDotSegment && !probe.Path.Can(Perm.Dots)))
                    {
                        continue;
                    }
                    hits.Add((new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds(), fi.Length, UrlPath.Quote(vp)));
                }
            }
        }
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteStartArray("hits");
            foreach (var (ts, size, rp) in hits)
            {
                w.WriteStartObject();
                w.WriteNumber("ts", ts);
                w.WriteNumber("sz", size);
                w.WriteString("rp", rp);
                w.WriteStartObject("tags");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tag_order");
            w.WriteEndArray();
            w.WriteBoolean("trunc", false);
            w.WriteEndObject();
        }
        rc.Note = $"search: {hits.Count} hits";
        rc.Response.ContentType = "application/json";
        rc.Response.ContentLength = buf.WrittenCount;
        await rc.Response.Body.WriteAsync(buf.WrittenMemory, rc.Http.RequestAborted);
    }
}
