using Microsoft.Data.Sqlite;

namespace SharpParty.Index;

/// <summary>One search hit, with its volume's URL prefix already applied.</summary>
internal sealed record SearchHit(string VPath, long Size, long Mtime, long UpAt);

/// <summary>Runs a parsed query over the indexes of the volumes a user may read, newest first, up to a hit limit.</summary>
internal static class Searcher
{
    /// <param name="volumes">(index, the volume's URL path) for each volume to search</param>
    /// <param name="accept">filters hits the user may not see (dotfiles)</param>
    public static List<SearchHit> Run(IEnumerable<(VolumeIndex Index, string VPath)> volumes, ParsedQuery q, int limit, Func<string, bool> accept,
        CancellationToken ct, out bool truncated)
    {
        truncated = false;
        var hits = new List<SearchHit>();
        foreach (var (index, vpath) in volumes)
        {
            ct.ThrowIfCancellationRequested();
            using var db = index.OpenReader();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"select dir, name, size, mtime, up_at from files f where {q.Where} order by f.mtime desc limit $lim";
            cmd.Parameters.AddWithValue("$vp", vpath.Length == 0 ? "" : vpath + "/");
            cmd.Parameters.AddWithValue("$lim", limit + 1);
            foreach (var (name, value) in q.Parameters)
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
                if (!accept(vp))
                {
                    continue;
                }
                hits.Add(new SearchHit(vp, r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
            }
        }
        hits.Sort((a, b) => b.Mtime.CompareTo(a.Mtime));
        if (hits.Count > limit)
        {
            truncated = true;
            hits.RemoveRange(limit, hits.Count - limit);
        }
        return hits;
    }
}
