using System.Text.Json;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Browse;

/// <summary>
/// <c>?tree</c>: the navpane's JSON, <c>{"k&lt;seg&gt;": {…}, "a": [subfolders]}</c> from the root down to the URL;
/// <c>?tree=.</c>: only this folder's subfolders (reference §3.2).
/// </summary>
internal static class TreeJson
{
    public static async Task WriteAsync(RequestContext rc, VfsTree vfs, bool onlyHere)
    {
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = "application/json";
        if (rc.IsHead)
        {
            return;
        }
        var showDots = rc.Target.Can(Perm.Dots) && rc.Query.Has("dots");
        await using var w = new Utf8JsonWriter(res.BodyWriter);
        var segs = rc.Target.VPath.Length == 0 ? [] : rc.Target.VPath.Split('/');
        var start = onlyHere ? segs.Length : 0;
        WriteLevel(w, rc, vfs, segs, start, showDots);
        await w.FlushAsync(rc.Http.RequestAborted);
    }

    private static void WriteLevel(Utf8JsonWriter w, RequestContext rc, VfsTree vfs, string[] segs, int depth, bool showDots)
    {
        var vpath = string.Join('/', segs.Take(depth));
        w.WriteStartObject();
        if (depth < segs.Length)
        {
            w.WritePropertyName("k" + segs[depth]);
            WriteLevel(w, rc, vfs, segs, depth + 1, showDots);
        }
        w.WriteStartArray("a");
        var r = vfs.ResolveNormalized(vpath, rc.User);
        if (r.Ok && (r.Path.Can(Perm.Read) || r.Path.IsVirtual))
        {
            using var listing = DirectoryLister.List(vfs, r.Path, showDots, rc.User);
            foreach (var e in listing.Items.Where(e => e.IsDir).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase))
            {
                w.WriteStringValue(e.Name);
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
