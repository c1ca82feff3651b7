using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using SharpParty.Core.Vfs;
using SharpParty.Index;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Search;

/// <summary>
/// <c>POST /?srch</c> with <c>{"q": QUERY, "n": LIMIT}</c> (spec §1.14): runs the query over every indexed volume the
/// user may read, dotfiles only where the user may see them, and answers <c>{"hits":[{ts,sz,rp,tags}],"tag_order":[],"trunc"}</c>.
/// As copyparty: at most <c>--srch-hits</c>, stopped after <c>--srch-time</c>, and a 429 right after a slow search.
/// </summary>
internal sealed class SearchHandler(IndexSet indexes, TimeProvider time)
{
    /// <summary>copyparty's penalty: a search that took longer than this blocks the next one for this long.</summary>
    private static readonly TimeSpan Penalty = TimeSpan.FromSeconds(0.7);

    private long _lastEnd;
    private double _lastSeconds;

    /// <summary>Handles the body when it is a query search (has "q"); returns false otherwise.</summary>
    public async Task<bool> TryHandleAsync(RequestContext rc, ReadOnlyMemory<byte> body)
    {
        string? q;
        int n;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("q", out var qe) || qe.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            q = qe.GetString();
            n = doc.RootElement.TryGetProperty("n", out var ne) && ne.TryGetInt32(out var nv) && nv > 0 ? nv : int.MaxValue;
        }
        catch (JsonException)
        {
            return false;
        }
        var idle = time.GetElapsedTime(Interlocked.Read(ref _lastEnd));
        if (_lastSeconds > Penalty.TotalSeconds && idle < Penalty)
        {
            await Reply.Error(rc, 429, $"rate-limit {Penalty.TotalSeconds:0.0} sec, cost {_lastSeconds:0.00}, idle {idle.TotalSeconds:0.00}");
            return true;
        }
        if (!QueryParser.TryParse(q ?? "", out var parsed, out var error))
        {
            await Reply.Error(rc, 400, error);
            return true;
        }
        var options = rc.Options;
        var vols = new List<(VolumeIndex, string, bool, string[])>();
        foreach (var v in options.Vfs.Volumes)
        {
            var perms = v.PermsFor(rc.User);
            if ((perms & Perm.Read) == 0 || indexes.For(v) is not { } idx)
            {
                continue;
            }
            var shadowed = options.Vfs.MountsInside(v);
            vols.Add((idx, v.VPath, (perms & Perm.Dots) != 0 || v.HasFlag("dots"), shadowed));
        }
        var limit = Math.Min(n, options.Index.SearchHits);
        var sw = Stopwatch.StartNew();
        List<SearchHit> hits;
        var trunc = false;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(rc.Http.RequestAborted))
        {
            cts.CancelAfter(TimeSpan.FromSeconds(options.Index.SearchSeconds));
            try
            {
                (hits, trunc) = await Task.Run(() => (Searcher.Run(vols, parsed!, limit, cts.Token, out var t), t), cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or Microsoft.Data.Sqlite.SqliteException && cts.IsCancellationRequested)
            {
                await Reply.Error(rc, 408, $"search took longer than {options.Index.SearchSeconds} s and was stopped; narrow it down");
                return true;
            }
        }
        _lastSeconds = sw.Elapsed.TotalSeconds;
        Interlocked.Exchange(ref _lastEnd, time.GetTimestamp());
        rc.Note = $"search: {hits.Count} hits in {sw.ElapsedMilliseconds} ms";
        var buf = new ArrayBufferWriter<byte>(256 + (hits.Count * 96));
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteStartArray("hits");
            foreach (var h in hits)
            {
                w.WriteStartObject();
                w.WriteNumber("ts", h.Mtime);
                w.WriteNumber("sz", h.Size);
                w.WriteString("rp", UrlPath.Quote(h.VPath));
                w.WriteStartObject("tags");
                foreach (var (k, v) in h.Tags)
                {
                    Browse.ListingJson.WriteTag(w, k, v);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tag_order");
            foreach (var k in TagOrder(hits, options.Index.Mte))
            {
                w.WriteStringValue(k);
            }
            w.WriteEndArray();
            w.WriteBoolean("trunc", trunc);
            w.WriteEndObject();
        }
        rc.Response.ContentType = "application/json";
        rc.Response.ContentLength = buf.WrittenCount;
        await rc.Response.Body.WriteAsync(buf.WrittenMemory, rc.Http.RequestAborted);
        return true;
    }

    /// <summary>copyparty's tag_order: the <c>-mte</c> keys that occur in the hits, in <c>-mte</c> order, then every
    /// other key that occurs, in the order first seen.</summary>
    private static List<string> TagOrder(List<SearchHit> hits, string? mte)
    {
        var seen = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in hits)
        {
            foreach (var (k, _) in h.Tags)
            {
                if (set.Add(k))
                {
                    seen.Add(k);
                }
            }
        }
        if (seen.Count == 0)
        {
            return seen;
        }
        var order = SharpParty.Media.Tags.TagKeyList.Parse(mte ?? SharpParty.Media.Tags.TagKeyList.DefaultMte).Where(set.Contains).ToList();
        order.AddRange(seen.Where(k => !order.Contains(k)));
        return order;
    }
}
