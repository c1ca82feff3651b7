using Microsoft.Data.Sqlite;

namespace SharpParty.Index;

/// <summary>One search hit, with its volume's URL prefix already applied, and its media tags (copyparty puts them in
/// every hit: key → value, numbers as numbers).</summary>
internal sealed record SearchHit(string VPath, long Size, long Mtime, long UpAt)
{
    internal VolumeIndex? Index { get; init; }

    internal long FileId { get; init; }

    public List<KeyValuePair<string, object>> Tags { get; } = [];
}

/// <summary>Runs a parsed query over the indexes of the volumes a user may read, newest first, up to a hit limit.</summary>
internal static class Searcher
{
    /// <param name="volumes">per volume: its index, its URL path, whether the user may see dotfiles there, and the folders
    /// (relative to it) where other volumes are mounted over it — hits there belong to those volumes and their permissions</param>
    public static List<SearchHit> Run(IEnumerable<(VolumeIndex Index, string VPath, bool Dots, string[] Shadowed)> volumes, ParsedQuery q, int limit,
        CancellationToken ct, out bool truncated)
    {
        truncated = false;
        var hits = new List<SearchHit>();
        foreach (var (index, vpath, dots, shadowed) in volumes)
        {
            ct.ThrowIfCancellationRequested();
            using var db = index.OpenReader();
            using var cmd = db.CreateCommand();
            var (where, parameters) = q.ForVolume(index.MatchNames);
            cmd.CommandText = $"select dir, name, size, mtime, up_at, id from files f where {where} order by f.mtime desc limit $lim";
            cmd.Parameters.AddWithValue("$vp", vpath.Length == 0 ? "" : vpath + "/");
            cmd.Parameters.AddWithValue("$lim", limit + 1);
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value);
            }
            using var cancel = ct.Register(cmd.Cancel);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var dir = r.GetString(0);
                var rel = dir.Length == 0 ? r.GetString(1) : dir + "/" + r.GetString(1);
                var vp = vpath.Length == 0 ? rel : vpath + "/" + rel;
                if ((!dots && HasDotSegment(rel)) || shadowed.Any(m => rel.StartsWith(m, StringComparison.Ordinal)))
                {
                    continue;
                }
                hits.Add(new SearchHit(vp, r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)) { Index = index, FileId = r.GetInt64(5) });
            }
        }
        hits.Sort((a, b) => b.Mtime.CompareTo(a.Mtime));
        if (hits.Count > limit)
        {
            truncated = true;
            hits.RemoveRange(limit, hits.Count - limit);
        }
        AddTags(hits, ct);
        return hits;
    }

    /// <summary>Reads the tags of the hits that are left, one prepared lookup per hit on its volume's index (only the
    /// hits the reply will carry, so a query that matches a million files still reads at most the hit limit's tags).</summary>
    private static void AddTags(List<SearchHit> hits, CancellationToken ct)
    {
        foreach (var group in hits.GroupBy(h => h.Index))
        {
            if (group.Key is not { } index)
            {
                continue;
            }
            using var db = index.OpenReader();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "select k, v from tags where file_id = $id";
            var id = cmd.Parameters.Add("$id", SqliteType.Integer);
            cmd.Prepare();
            foreach (var hit in group)
            {
                ct.ThrowIfCancellationRequested();
                id.Value = hit.FileId;
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    hit.Tags.Add(new(r.GetString(0), r.GetValue(1)));
                }
            }
        }
    }

    private static bool HasDotSegment(string rel) => rel.StartsWith('.') || rel.Contains("/.", StringComparison.Ordinal);
}
