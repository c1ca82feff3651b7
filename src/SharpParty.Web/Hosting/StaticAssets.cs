using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Hosting;

/// <summary>
/// The web UI's files, embedded in the assembly (so one published executable carries them), served at <c>/.cpr/</c>.
/// </summary>
/// <remarks>
/// Two URL forms: <c>/.cpr/NAME</c> (strong ETag, revalidated each time: <c>no-cache</c>) and
/// <c>/.cpr/v-VERSION/NAME</c>, where VERSION is a hash over every embedded file, cached for a year as
/// <c>immutable</c>. The version sits in the folder rather than in each file name so the ES modules' relative
/// imports stay inside the same version without a build step rewriting them; any change to any file changes it.
/// Compressible files are compressed to brotli (quality 9) and gzip once per process, on a thread of their own, started
/// by the first request for the web UI (its folder page or any asset), and kept. A request that comes before its file is
/// done gets it uncompressed rather than waiting: compressing on the request took 130-380 ms per module on a first page
/// load (brotli's smallest size, measured with bench/webui.sh), and at startup the same work took 0.1-0.2 s from a
/// 100,000-file index rescan on two cores (bench/index.sh), where nobody had asked for the UI at all.
/// </remarks>
internal sealed class StaticAssets
{
    private const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>The embedded files never change while the process runs: read once, shared by every instance.</summary>
    private static readonly (FrozenDictionary<string, Asset> Files, string Version) Loaded = Load();

    /// <summary>The static import closure of the web UI's entry module, in the order a browser meets it.</summary>
    private static readonly Lazy<IReadOnlyList<string>> Closure = new(() => ModuleGraph.StaticClosure("js/app.js", n =>
        Loaded.Files.TryGetValue(n, out var a) ? Encoding.UTF8.GetString(a.Body) : null));

    /// <summary>Compressed once per process (the test suite runs many servers in one), shared like the files.</summary>
    private static readonly ConcurrentDictionary<(string Name, string Coding), byte[]> Packed = new();
    private static int _packing;

    private readonly FrozenDictionary<string, Asset> _files = Loaded.Files;

    /// <summary>Starts compressing every compressible file, once per process; returns at once.</summary>
    public static void StartPacking()
    {
        if (Interlocked.Exchange(ref _packing, 1) == 0)
        {
            // one thread, one file at a time: the first requests must not wait for it, nor lose both cores to it
            _ = Task.Factory.StartNew(PackAll, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private static void PackAll()
    {
        foreach (var (name, f) in Loaded.Files)
        {
            if (Compressible(f.ContentType))
            {
                foreach (var coding in (string[])["br", "gzip"])
                {
                    Packed.TryAdd((name, coding), Compress(f.Body, coding));
                }
            }
        }
    }

    /// <summary>The modules the entry module imports, directly or not (for <c>modulepreload</c> links), entry first.</summary>
    public static IReadOnlyList<string> EntryModules => Closure.Value;

    private static (FrozenDictionary<string, Asset>, string) Load()
    {
        var asm = typeof(StaticAssets).Assembly;
        var d = new Dictionary<string, Asset>(StringComparer.Ordinal);
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("ui/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var body = ms.ToArray();
            var hash = SHA256.HashData(body);
            all.AppendData(hash);
            d[name[3..]] = new Asset(body, Convert.ToHexStringLower(hash)[..16], MimeTypes.ForName(name));
        }
        return (d.ToFrozenDictionary(StringComparer.Ordinal), Convert.ToHexStringLower(all.GetHashAndReset())[..12]);
    }

    /// <summary>Changes whenever any embedded file changes: the folder of the immutable URLs.</summary>
    public static string Version => Loaded.Version;

    /// <summary>The long-cached URL prefix, e.g. <c>/.cpr/v-0123abcd4567/</c>.</summary>
    public static string VersionedPrefix => "/.cpr/v-" + Loaded.Version + "/";

    public bool Has(string name) => _files.ContainsKey(name);

    /// <summary>Serves <paramref name="name"/> (the path after <c>/.cpr/</c>).</summary>
    public async Task ServeAsync(RequestContext rc, string name)
    {
        StartPacking();
        var cache = "no-cache";
        if (name.StartsWith("v-", StringComparison.Ordinal) && name.IndexOf('/', StringComparison.Ordinal) is var slash and > 2)
        {
            // an old version's URL still gets the current file, but only the current version may be cached for good
            cache = name.AsSpan(2, slash - 2).SequenceEqual(Version) ? Immutable : "no-cache";
            name = name[(slash + 1)..];
        }
        var q = name.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            name = name[..q];
        }
        if (!_files.TryGetValue(name, out var f))
        {
            await Reply.Error(rc, 404, "no such resource");
            return;
        }
        var res = rc.Response;
        var coding = Compressible(f.ContentType) ? PickCoding(rc.Request.Headers.AcceptEncoding.ToString()) : null;
        // the ETag names the representation (RFC 9110 §8.8.3: a strong validator differs per content-coding)
        byte[]? packed = null;
        if (coding is not null && !Packed.TryGetValue((name, coding), out packed))
        {
            coding = null; // not compressed yet (the server just started): sent as it is, which is always acceptable
        }
        var body = packed ?? f.Body;
        var etag = "\"" + f.Hash + (coding is null ? "" : "-" + coding) + "\"";
        res.Headers.ETag = etag;
        res.Headers.CacheControl = cache;
        res.Headers.Vary = "Accept-Encoding";
        if (IfNoneMatch(rc.Request.Headers.IfNoneMatch.ToString(), etag))
        {
            res.StatusCode = 304;
            return;
        }
        res.StatusCode = 200;
        res.ContentType = f.ContentType;
        if (coding is not null)
        {
            res.Headers.ContentEncoding = coding;
        }
        res.ContentLength = body.Length;
        if (!rc.IsHead)
        {
            await res.Body.WriteAsync(body, rc.Http.RequestAborted);
        }
    }

    private static bool IfNoneMatch(string header, string etag)
    {
        if (header.Length == 0)
        {
            return false;
        }
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || part == etag || (part.StartsWith("W/", StringComparison.Ordinal) && part[2..] == etag))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Compressible(string contentType) =>
        contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.Contains("javascript", StringComparison.Ordinal)
        || contentType.Contains("json", StringComparison.Ordinal) || contentType.Contains("svg", StringComparison.Ordinal);

    /// <summary>brotli when the client takes it (smaller), else gzip, else identity; q=0 refuses a coding (RFC 9110 §12.5.3).</summary>
    internal static string? PickCoding(string acceptEncoding)
    {
        bool br = false, gz = false;
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var semi = part.IndexOf(';', StringComparison.Ordinal);
            var token = (semi < 0 ? part : part[..semi]).Trim();
            var refused = semi >= 0 && part[(semi + 1)..].Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000";
            if (token.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                br = !refused;
            }
            else if (token.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                gz = !refused;
            }
        }
        return br ? "br" : gz ? "gzip" : null;
    }

    private static byte[] Compress(byte[] body, string coding)
    {
        if (coding == "br")
        {
            // quality 9: a few per cent bigger than 11 (SmallestSize) for a fraction of its time
            var dst = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
            if (BrotliEncoder.TryCompress(body, dst, out var n, 9, 22))
            {
                return dst[..n];
            }
        }
        using var ms = new MemoryStream();
        using (Stream z = coding == "br" ? new BrotliStream(ms, CompressionLevel.Optimal) : new GZipStream(ms, CompressionLevel.SmallestSize))
        {
            z.Write(body);
        }
        return ms.ToArray();
    }

    private sealed record Asset(byte[] Body, string Hash, string ContentType);
}
