using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using SharpParty.Core.Vfs;

namespace SharpParty.Web.WebDav;

/// <summary>One dead property (RFC 4918 §4.2): its name and its whole element as XML text.</summary>
internal readonly record struct DeadProp(XName Name, string Xml);

/// <summary>
/// Dead properties set by PROPPATCH, in one SQLite file per volume under its hist folder (<c>davprops.db</c>), keyed by
/// the path inside the volume. Copied along on COPY and MOVE (RFC 4918 §9.8.2, §9.9.1), dropped on DELETE. A volume
/// that never had a property has no file, and reading it costs a stat.
/// </summary>
internal sealed class DeadPropStore : IDisposable
{
    private const string FileName = "davprops.db";
    private const int MaxPropsPerResource = 1000;

    private readonly ConcurrentDictionary<string, Lazy<Db>> _dbs = new(StringComparer.Ordinal);

    private sealed class Db(SqliteConnection conn)
    {
        public SqliteConnection Conn { get; } = conn;
        public Lock Gate { get; } = new();
    }

    // The properties are secondary to the files: a database that cannot be opened or written (read-only hist folder,
    // full disk, damaged file) makes PROPPATCH fail and PROPFIND show no dead properties, never a file operation fail.

    /// <summary>The dead properties of one resource (none when the store cannot be read).</summary>
    public List<DeadProp> Get(Volume v, string rel) => Safe(() => GetCore(v, rel), []);

    /// <summary>The dead properties of every direct member of the folder <paramref name="dirRel"/>, by their rel, in one
    /// range read (a PROPFIND of a big folder would otherwise ask once per member).</summary>
    public Dictionary<string, List<DeadProp>> GetMembers(Volume v, string dirRel) =>
        Safe(() => GetMembersCore(v, dirRel), new Dictionary<string, List<DeadProp>>(StringComparer.Ordinal));

    /// <summary>Applies sets (xml not null) and removes in order, all or nothing; false when over the per-resource cap or
    /// when the store cannot be written.</summary>
    public bool Apply(Volume v, string rel, IReadOnlyList<(XName Name, string? Xml)> changes) => Safe(() => ApplyCore(v, rel, changes), false);

    /// <summary>Copies the properties of <paramref name="srcRel"/> (and, with <paramref name="tree"/>, everything below it)
    /// to the destination, replacing what the destination had.</summary>
    public void Copy(Volume sv, string srcRel, Volume dv, string dstRel, bool tree) => Safe(() =>
    {
        CopyCore(sv, srcRel, dv, dstRel, tree);
        return true;
    }, false);

    /// <summary>Forgets the properties of <paramref name="rel"/> and everything below it.</summary>
    public void Delete(Volume v, string rel) => Safe(() =>
    {
        DeleteCore(v, rel);
        return true;
    }, false);

    private static T Safe<T>(Func<T> f, T fallback)
    {
        try
        {
            return f();
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    private List<DeadProp> GetCore(Volume v, string rel)
    {
        var db = Open(v, create: false);
        var list = new List<DeadProp>();
        if (db is null)
        {
            return list;
        }
        lock (db.Gate)
        {
            using var c = db.Conn.CreateCommand();
            c.CommandText = "SELECT ns, name, xml FROM props WHERE rel = $r ORDER BY ns, name";
            c.Parameters.AddWithValue("$r", rel);
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                list.Add(new DeadProp(XName.Get(r.GetString(1), r.GetString(0)), r.GetString(2)));
            }
        }
        return list;
    }

    private Dictionary<string, List<DeadProp>> GetMembersCore(Volume v, string dirRel)
    {
        var map = new Dictionary<string, List<DeadProp>>(StringComparer.Ordinal);
        var db = Open(v, create: false);
        if (db is null)
        {
            return map;
        }
        var prefix = dirRel.Length == 0 ? "" : dirRel + "/";
        lock (db.Gate)
        {
            using var c = db.Conn.CreateCommand();
            // members only: the rest of the rel after the prefix has no '/'; ordered as GetCore orders one resource
            c.CommandText = dirRel.Length == 0
                ? "SELECT rel, ns, name, xml FROM props WHERE rel <> '' AND instr(rel, '/') = 0 ORDER BY rel, ns, name"
                : "SELECT rel, ns, name, xml FROM props WHERE rel > $lo AND rel < $hi AND instr(substr(rel, length($lo) + 1), '/') = 0 ORDER BY rel, ns, name";
            c.Parameters.AddWithValue("$lo", prefix);
            c.Parameters.AddWithValue("$hi", dirRel + "0"); // '0' follows '/': everything under dirRel/
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                var rel = r.GetString(0);
                if (!map.TryGetValue(rel, out var list))
                {
                    map[rel] = list = [];
                }
                list.Add(new DeadProp(XName.Get(r.GetString(2), r.GetString(1)), r.GetString(3)));
            }
        }
        return map;
    }

    /// <summary>Applies sets (xml not null) and removes in order, all or nothing; false when over the per-resource cap.</summary>
    private bool ApplyCore(Volume v, string rel, IReadOnlyList<(XName Name, string? Xml)> changes)
    {
        var db = Open(v, create: true)!;
        lock (db.Gate)
        {
            using var tx = db.Conn.BeginTransaction();
            foreach (var (name, xml) in changes)
            {
                using var c = db.Conn.CreateCommand();
                c.Transaction = tx;
                c.CommandText = xml is null
                    ? "DELETE FROM props WHERE rel = $r AND ns = $n AND name = $l"
                    : "INSERT OR REPLACE INTO props (rel, ns, name, xml) VALUES ($r, $n, $l, $x)";
                c.Parameters.AddWithValue("$r", rel);
                c.Parameters.AddWithValue("$n", name.NamespaceName);
                c.Parameters.AddWithValue("$l", name.LocalName);
                if (xml is not null)
                {
                    c.Parameters.AddWithValue("$x", xml);
                }
                c.ExecuteNonQuery();
            }
            using (var count = db.Conn.CreateCommand())
            {
                count.Transaction = tx;
                count.CommandText = "SELECT COUNT(*) FROM props WHERE rel = $r";
                count.Parameters.AddWithValue("$r", rel);
                if (Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > MaxPropsPerResource)
                {
                    tx.Rollback();
                    return false;
                }
            }
            tx.Commit();
            return true;
        }
    }

    /// <summary>Copies the properties of <paramref name="srcRel"/> (and, with <paramref name="tree"/>, everything below it)
    /// to the destination, replacing what the destination had.</summary>
    private void CopyCore(Volume sv, string srcRel, Volume dv, string dstRel, bool tree)
    {
        var src = Open(sv, create: false);
        if (src is null)
        {
            DeleteCore(dv, dstRel);
            return;
        }
        var rows = new List<(string Rel, string Ns, string Name, string Xml)>();
        lock (src.Gate)
        {
            using var c = src.Conn.CreateCommand();
            c.CommandText = tree
                ? "SELECT rel, ns, name, xml FROM props WHERE rel = $r OR (rel > $lo AND rel < $hi)"
                : "SELECT rel, ns, name, xml FROM props WHERE rel = $r";
            c.Parameters.AddWithValue("$r", srcRel);
            c.Parameters.AddWithValue("$lo", srcRel + "/");
            c.Parameters.AddWithValue("$hi", srcRel + "0"); // '0' follows '/': everything under srcRel/
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                rows.Add((dstRel + r.GetString(0)[srcRel.Length..], r.GetString(1), r.GetString(2), r.GetString(3)));
            }
        }
        DeleteCore(dv, dstRel);
        if (rows.Count == 0)
        {
            return;
        }
        var dst = Open(dv, create: true)!;
        lock (dst.Gate)
        {
            using var tx = dst.Conn.BeginTransaction();
            foreach (var (rel, ns, name, xml) in rows)
            {
                using var c = dst.Conn.CreateCommand();
                c.Transaction = tx;
                c.CommandText = "INSERT OR REPLACE INTO props (rel, ns, name, xml) VALUES ($r, $n, $l, $x)";
                c.Parameters.AddWithValue("$r", rel);
                c.Parameters.AddWithValue("$n", ns);
                c.Parameters.AddWithValue("$l", name);
                c.Parameters.AddWithValue("$x", xml);
                c.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    /// <summary>Forgets the properties of <paramref name="rel"/> and everything below it.</summary>
    private void DeleteCore(Volume v, string rel)
    {
        var db = Open(v, create: false);
        if (db is null)
        {
            return;
        }
        lock (db.Gate)
        {
            using var c = db.Conn.CreateCommand();
            c.CommandText = "DELETE FROM props WHERE rel = $r OR (rel > $lo AND rel < $hi)";
            c.Parameters.AddWithValue("$r", rel);
            c.Parameters.AddWithValue("$lo", rel + "/");
            c.Parameters.AddWithValue("$hi", rel + "0");
            c.ExecuteNonQuery();
        }
    }

    private Db? Open(Volume v, bool create)
    {
        var path = Path.Combine(v.HistPath, FileName);
        if (_dbs.TryGetValue(path, out var have))
        {
            return have.Value;
        }
        if (!create && !File.Exists(path))
        {
            return null;
        }
        return _dbs.GetOrAdd(path, p => new Lazy<Db>(() =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = p, Pooling = false }.ToString());
            conn.Open();
            using var c = conn.CreateCommand();
            c.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                + "CREATE TABLE IF NOT EXISTS props (rel TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, xml TEXT NOT NULL, PRIMARY KEY (rel, ns, name))";
            c.ExecuteNonQuery();
            return new Db(conn);
        })).Value;
    }

    public void Dispose()
    {
        foreach (var d in _dbs.Values)
        {
            if (d.IsValueCreated)
            {
                d.Value.Conn.Dispose();
            }
        }
    }
}
