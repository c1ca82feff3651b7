using System.Collections.Frozen;
using System.Security.Cryptography;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Hosting;

/// <summary>The web UI's files, embedded in the assembly (so one published executable carries them), served at <c>/.cpr/</c>.</summary>
internal sealed class StaticAssets
{
    private readonly FrozenDictionary<string, (byte[] Body, string ETag)> _files;

    public StaticAssets()
    {
        var asm = typeof(StaticAssets).Assembly;
        var d = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("ui/", StringComparison.Ordinal)))
        {
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var body = ms.ToArray();
            d[name[3..]] = (body, "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"");
        }
        _files = d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool Has(string name) => _files.ContainsKey(name);

    public async Task ServeAsync(RequestContext rc, string name)
    {
        if (!_files.TryGetValue(name, out var f))
        {
            await Reply.Error(rc, 404, "no such resource");
            return;
        }
        var res = rc.Response;
        res.Headers.ETag = f.ETag;
        res.Headers.CacheControl = "max-age=300";
        if (rc.Request.Headers.IfNoneMatch.ToString() == f.ETag)
        {
            res.StatusCode = 304;
            return;
        }
        res.StatusCode = 200;
        res.ContentType = MimeTypes.ForName(name);
        res.ContentLength = f.Body.Length;
        if (!rc.IsHead)
        {
            await res.Body.WriteAsync(f.Body, rc.Http.RequestAborted);
        }
    }

}
