using Microsoft.Data.Sqlite;

namespace SharpParty.Index;

/// <summary>
/// The index of one volume: one SQLite file under its hist folder, written through one connection under a lock
/// (uploads, scans and moves are short statements or batched transactions); searches read through their own
/// connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class VolumeIndex : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();

    public VolumeIndex(string dbPath, out string? note)
    {
        DbPath = dbPath;
        _db = IndexDb.Open(dbPath, out note);
    }

    public string DbPath { get; }

    public void Upsert(FileRow r) => Batch([r], []);

    /// <summary>Applies many changes in one transaction (a scan commits every few thousand files).</summary>
    public void Batch(IReadOnlyCollection<FileRow> upserts, IReadOnlyCollection<(string Dir, string Name)> removes)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using (var up = _db.CreateCommand())
            {
                up.Transaction = tx;
                up.CommandText = """
                    insert into files(dir, name, size, mtime, wark, up_at, up_ip, up_user) values($d, $n, $s, $m, $w, $a, $i, $u)
                    on conflict(dir, name) do update set size = excluded.size, mtime = excluded.mtime, wark = excluded.wark,
                        up_at = case when excluded.up_at > 0 then excluded.up_at else files.up_at end,
                        up_ip = coalesce(excluded.up_ip, files.up_ip), up_user = coalesce(excluded.up_user, files.up_user)
                    """;
                var pd = up.Parameters.Add("$d", SqliteType.Text);
                var pn = up.Parameters.Add("$n", SqliteType.Text);
                var ps = up.Parameters.Add("$s", SqliteType.Integer);
                var pm = up.Parameters.Add("$m", SqliteType.Integer);
                var pw = up.Parameters.Add("$w", SqliteType.Text);
                var pa = up.Parameters.Add("$a", SqliteType.Integer);
                var pi = up.Parameters.Add("$i", SqliteType.Text);
                var pu = up.Parameters.Add("$u", SqliteType.Text);
                up.Prepare();
                foreach (var r in upserts)
                {
                    pd.Value = r.Dir;
                    pn.Value = r.Name;
                    ps.Value = r.Size;
                    pm.Value = r.Mtime;
                    pw.Value = r.Wark;
                    pa.Value = r.UpAt;
                    pi.Value = (object?)r.UpIp ?? DBNull.Value;
                    pu.Value = (object?)r.UpUser ?? DBNull.Value;
                    up.ExecuteNonQuery();
                }
            }
            if (removes.Count > 0)
            {
                using var rm = _db.CreateCommand();
                rm.Transaction = tx;
                rm.CommandText = "delete from files where dir = $d and name = $n";
                var pd = rm.Parameters.Add("$d", SqliteType.Text);
                var pn = rm.Parameters.Add("$n", SqliteType.Text);
                rm.Prepare();
                foreach (var (d, n) in removes)
                {
                    pd.Value = d;
                    pn.Value = n;
                    rm.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
    }

    public void Remove(string dir, string name) => Batch([], [(dir, name)]);

    /// <summary>Forgets a folder and everything below it (a recursive delete).</summary>
    public void RemoveTree(string dir)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = dir.Length == 0 ? "delete from files" : "delete from files where dir = $d or substr(dir, 1, length($p)) = $p";
            cmd.Parameters.AddWithValue("$d", dir);
            cmd.Parameters.AddWithValue("$p", dir + "/");
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>A file moved within the volume keeps its row (and, later, its tags).</summary>
    public void Rename(string dir, string name, string newDir, string newName)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "delete from files where dir = $nd and name = $nn; update files set dir = $nd, name = $nn where dir = $d and name = $n";
            cmd.Parameters.AddWithValue("$d", dir);
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$nd", newDir);
            cmd.Parameters.AddWithValue("$nn", newName);
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }

    public List<FileRow> FindByWark(string wark)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select dir, name, size, mtime, wark, up_at, up_ip, up_user from files where wark = $w";
            cmd.Parameters.AddWithValue("$w", wark);
            return ReadRows(cmd);
        }
    }

    public FileRow? Find(string dir, string name)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select dir, name, size, mtime, wark, up_at, up_ip, up_user from files where dir = $d and name = $n";
            cmd.Parameters.AddWithValue("$d", dir);
            cmd.Parameters.AddWithValue("$n", name);
            var rows = ReadRows(cmd);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    /// <summary>Size and mtime of every indexed file, for an incremental scan.</summary>
    public Dictionary<(string Dir, string Name), (long Size, long Mtime)> Snapshot()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select dir, name, size, mtime from files";
            var d = new Dictionary<(string, string), (long, long)>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                d[(r.GetString(0), r.GetString(1))] = (r.GetInt64(2), r.GetInt64(3));
            }
            return d;
        }
    }

    public long Count()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select count(*) from files";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>A read-only connection for a search; WAL lets it read while the writer writes.</summary>
    public SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        return c;
    }

    internal static List<FileRow> ReadRows(SqliteCommand cmd)
    {
        var list = new List<FileRow>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new FileRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }
        return list;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _db.Dispose();
        }
    }
}
