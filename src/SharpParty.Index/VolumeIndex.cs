using Microsoft.Data.Sqlite;

namespace SharpParty.Index;

/// <summary>
/// The index of one volume: one SQLite file under its hist folder, written through one connection under a lock
/// (uploads, scans and moves are short statements or batched transactions); searches read through their own
/// connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class VolumeIndex : IDisposable
{
    private SqliteConnection _db;
    private readonly Lock _gate = new();

    /// <summary>Bumped by every write: cached folder totals older than this are stale.</summary>
    private long _version;
    private readonly Dictionary<string, (long Version, Dictionary<string, (long Size, long Files)> Totals)> _dirTotals = new(StringComparer.Ordinal);

    /// <summary>File names in memory for substring search; null until the first such search, and again after a change
    /// too big to carry (then rebuilt by the next search).</summary>
    private NameTable? _names;

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
                        tagged = case when files.wark = excluded.wark then files.tagged else 0 end,
                        up_at = case when excluded.up_at > 0 then excluded.up_at else files.up_at end,
                        up_ip = coalesce(excluded.up_ip, files.up_ip), up_user = coalesce(excluded.up_user, files.up_user)
                    returning id
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
                    var id = (long)up.ExecuteScalar()!;
                    _names?.Add(id, r.Name);
                }
            }
            if (removes.Count > 0)
            {
                using var rm = _db.CreateCommand();
                rm.Transaction = tx;
                rm.CommandText = "delete from files where dir = $d and name = $n returning id";
                var pd = rm.Parameters.Add("$d", SqliteType.Text);
                var pn = rm.Parameters.Add("$n", SqliteType.Text);
                rm.Prepare();
                foreach (var (d, n) in removes)
                {
                    pd.Value = d;
                    pn.Value = n;
                    if (rm.ExecuteScalar() is long id)
                    {
                        _names?.Remove(id);
                    }
                }
            }
            tx.Commit();
            Changed();
        }
    }

    public void Remove(string dir, string name) => Batch([], [(dir, name)]);

    /// <summary>Forgets a folder and everything below it (a recursive delete).</summary>
    public void RemoveTree(string dir)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = (dir.Length == 0 ? "delete from files" : "delete from files where dir = $d or substr(dir, 1, length($p)) = $p")
                + " returning id";
            cmd.Parameters.AddWithValue("$d", dir);
            cmd.Parameters.AddWithValue("$p", dir + "/");
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    _names?.Remove(r.GetInt64(0));
                }
            }
            Changed();
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
            cmd.CommandText = "delete from files where dir = $nd and name = $nn returning id";
            cmd.Parameters.AddWithValue("$d", dir);
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$nd", newDir);
            cmd.Parameters.AddWithValue("$nn", newName);
            if (cmd.ExecuteScalar() is long replaced)
            {
                _names?.Remove(replaced);
            }
            cmd.CommandText = "update files set dir = $nd, name = $nn where dir = $d and name = $n returning id";
            if (cmd.ExecuteScalar() is long moved)
            {
                _names?.Set(moved, newName);
            }
            tx.Commit();
            Changed();
        }
    }

    /// <summary>
    /// Recursive size and file count of each subfolder of <paramref name="dir"/> (copyparty's folder sizes in listings):
    /// one range scan over the path index, rolled up to the immediate children, cached until the next write.
    /// </summary>
    public Dictionary<string, (long Size, long Files)> ChildFolderTotals(string dir)
    {
        lock (_gate)
        {
            if (_dirTotals.TryGetValue(dir, out var cached) && cached.Version == _version)
            {
                return cached.Totals;
            }
            var prefix = dir.Length == 0 ? "" : dir + "/";
            using var cmd = _db.CreateCommand();
            // [prefix, prefix + U+10FFFF): every folder below this one, through the (dir, name) index
            cmd.CommandText = dir.Length == 0
                ? "select dir, sum(size), count(*) from files where dir <> '' group by dir"
                : "select dir, sum(size), count(*) from files where dir >= $p and dir < $p || char(1114111) group by dir";
            cmd.Parameters.AddWithValue("$p", prefix);
            var totals = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var sub = r.GetString(0)[prefix.Length..];
                    var slash = sub.IndexOf('/');
                    var child = slash < 0 ? sub : sub[..slash];
                    totals.TryGetValue(child, out var t);
                    totals[child] = (t.Item1 + r.GetInt64(1), t.Item2 + r.GetInt64(2));
                }
            }
            if (_dirTotals.Count > 256)
            {
                _dirTotals.Clear();
            }
            _dirTotals[dir] = (_version, totals);
            return totals;
        }
    }

    /// <summary>Replaces the tags of a file (a rescan of changed media, or an upload); numbers stay numbers.</summary>
    public void SetTags(string dir, string name, IReadOnlyDictionary<string, object> tags)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            using var del = _db.CreateCommand();
            del.Transaction = tx;
            del.CommandText = "delete from tags where file_id = (select id from files where dir = $d and name = $n)";
            del.Parameters.AddWithValue("$d", dir);
            del.Parameters.AddWithValue("$n", name);
            del.ExecuteNonQuery();
            using var mark = _db.CreateCommand();
            mark.Transaction = tx;
            mark.CommandText = "update files set tagged = 1 where dir = $d and name = $n";
            mark.Parameters.AddWithValue("$d", dir);
            mark.Parameters.AddWithValue("$n", name);
            mark.ExecuteNonQuery();
            using var ins = _db.CreateCommand();
            ins.Transaction = tx;
            ins.CommandText = "insert into tags(file_id, k, v) select id, $k, $v from files where dir = $d and name = $n";
            ins.Parameters.AddWithValue("$d", dir);
            ins.Parameters.AddWithValue("$n", name);
            var pk = ins.Parameters.Add("$k", SqliteType.Text);
            var pv = ins.Parameters.Add("$v", SqliteType.Text);
            foreach (var (k, v) in tags)
            {
                pk.Value = k;
                pv.SqliteType = v is string ? SqliteType.Text : SqliteType.Real;
                pv.Value = v;
                ins.ExecuteNonQuery();
            }
            tx.Commit();
            _version++;
        }
    }

    /// <summary><c>-e2tsr</c>: every file's tags are read again.</summary>
    public void ResetTagged()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "update files set tagged = 0";
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Files whose tags were never read (new since tags were enabled, or changed: an upsert clears the mark).</summary>
    public List<(string Dir, string Name)> Untagged(int limit)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select dir, name from files where tagged = 0 limit $l";
            cmd.Parameters.AddWithValue("$l", limit);
            var list = new List<(string, string)>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add((r.GetString(0), r.GetString(1)));
            }
            return list;
        }
    }

    /// <summary>The tags of the files in one folder, for listings: file name → key → value.</summary>
    public Dictionary<string, Dictionary<string, object>> TagsIn(string dir)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select f.name, t.k, t.v from tags t join files f on f.id = t.file_id where f.dir = $d";
            cmd.Parameters.AddWithValue("$d", dir);
            var d = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var name = r.GetString(0);
                if (!d.TryGetValue(name, out var tags))
                {
                    d[name] = tags = new Dictionary<string, object>(StringComparer.Ordinal);
                }
                tags[r.GetString(1)] = r.GetValue(2);
            }
            return d;
        }
    }

    /// <summary>Upload time and address of the files in one folder (admins see them in listings).</summary>
    public Dictionary<string, (long UpAt, string? Ip)> UploadInfo(string dir)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "select name, up_at, up_ip from files where dir = $d and up_at > 0";
            cmd.Parameters.AddWithValue("$d", dir);
            var d = new Dictionary<string, (long, string?)>(StringComparer.Ordinal);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                d[r.GetString(0)] = (r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2));
            }
            return d;
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

    private void Changed()
    {
        _version++;
        if (_names is { Overgrown: true })
        {
            _names = null;
        }
    }

    /// <summary>
    /// Row ids of the files whose name matches (ASCII case folded, as LIKE), from the names in memory (built from the
    /// database by the first call); null when more than <paramref name="cap"/> match.
    /// </summary>
    public List<long>? MatchNames(NameMatch kind, string literal, int cap)
    {
        lock (_gate)
        {
            if (_names is null)
            {
                using var cmd = _db.CreateCommand();
                cmd.CommandText = "select count(*) from files";
                var count = (int)(long)cmd.ExecuteScalar()!;
                // SQLitePCL's own statement, because Microsoft.Data.Sqlite hands a column out only as a new string or
                // byte[] per row: for a million names that was ~80 MiB of garbage (RSS) on the first search
                var names = new NameTable.Builder(count);
                var rc = SQLitePCL.raw.sqlite3_prepare_v2(_db.Handle, "select id, name from files order by id", out var stmt);
                if (rc != SQLitePCL.raw.SQLITE_OK)
                {
                    throw new SqliteException($"cannot read names: {SQLitePCL.raw.sqlite3_errmsg(_db.Handle).utf8_to_string()}", rc);
                }
                using (stmt)
                {
                    while ((rc = SQLitePCL.raw.sqlite3_step(stmt)) == SQLitePCL.raw.SQLITE_ROW)
                    {
                        names.Add(SQLitePCL.raw.sqlite3_column_int64(stmt, 0), SQLitePCL.raw.sqlite3_column_blob(stmt, 1));
                    }
                    if (rc != SQLitePCL.raw.SQLITE_DONE)
                    {
                        throw new SqliteException($"cannot read names: {SQLitePCL.raw.sqlite3_errmsg(_db.Handle).utf8_to_string()}", rc);
                    }
                }
                _names = names.Finish();
            }
            return _names.Match(kind, literal, cap);
        }
    }

    /// <summary>Every folder that holds indexed files (a walk of the path index, one row per folder).</summary>
    public List<string> Folders()
    {
        using var db = OpenReader();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "select distinct dir from files";
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    /// <summary>Forgets the files directly in <paramref name="dir"/> (not below it); returns how many.</summary>
    public long RemoveFolderFiles(string dir)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "delete from files where dir = $d returning id";
            cmd.Parameters.AddWithValue("$d", dir);
            long n = 0;
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    _names?.Remove(r.GetInt64(0));
                    n++;
                }
            }
            Changed();
            return n;
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

    /// <summary>Bumped by every write (see <see cref="StoreFolderDigests"/>).</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>The folder digests a previous rescan stored (see <see cref="TreeDiff"/>).</summary>
    public Dictionary<string, byte[]> FolderDigests()
    {
        using var db = OpenReader();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "select dir, digest from dirs";
        var map = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            map[r.GetString(0)] = (byte[])r.GetValue(1);
        }
        return map;
    }

    /// <summary>
    /// Stores the digests of folders a scan found equal to their rows, unless anything was written since
    /// <paramref name="ifVersion"/> (then a row may have changed after the scan read it; the next quiet scan stores them).
    /// </summary>
    public bool StoreFolderDigests(IReadOnlyCollection<(string Dir, byte[] Digest)> digests, long ifVersion)
    {
        lock (_gate)
        {
            if (_version != ifVersion || digests.Count == 0)
            {
                return false;
            }
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "insert or replace into dirs(dir, digest) values($d, $g)";
            var pd = cmd.Parameters.Add("$d", SqliteType.Text);
            var pg = cmd.Parameters.Add("$g", SqliteType.Blob);
            cmd.Prepare();
            foreach (var (dir, digest) in digests)
            {
                pd.Value = dir;
                pg.Value = digest;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
            // not a change of the files: cached totals and names stay valid
            return true;
        }
    }

    /// <summary>
    /// SQLite's quick_check of the whole file (every page read once, on a reader connection, beside the writer): null
    /// when it is sound, else what is wrong. The server runs it once after its startup scans.
    /// </summary>
    public string? CheckIntegrity()
    {
        try
        {
            // not OpenReader's connection: its memory map would leave every page of the file mapped into the process
            // (measured: peak RSS 300 -> 590 MiB after checking a 1,000,000-file index); reads through SQLite's own
            // small page cache instead
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = DbPath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "pragma quick_check(1)";
            return cmd.ExecuteScalar() is "ok" ? null : "integrity check failed";
        }
        catch (SqliteException e) when (IsDamage(e))
        {
            return e.Message.Split('\n')[0];
        }
    }

    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged, not busy or missing.</summary>
    public static bool IsDamage(SqliteException e) => e.SqliteErrorCode is 11 or 26;

    /// <summary>Moves the damaged file aside and starts an empty index in its place (a scan fills it again); returns the
    /// log line. Searches running on their own connections meanwhile fail once.</summary>
    public string Rebuild(string reason)
    {
        lock (_gate)
        {
            _db.Dispose();
            var note = IndexDb.MoveAside(DbPath, reason);
            _db = IndexDb.OpenChecked(DbPath);
            _names = null;
            _dirTotals.Clear();
            Changed();
            return note;
        }
    }

    private string ReaderConnectionString => new SqliteConnectionStringBuilder { DataSource = DbPath, Mode = SqliteOpenMode.ReadOnly }.ToString();

    /// <summary>A read-only connection for a search; WAL lets it read while the writer writes.</summary>
    public SqliteConnection OpenReader()
    {
        // No memory map (it was 1 GiB until session 9): every page a reader touched stayed mapped into the process, so
        // the resident size grew with the index (1,000,000 files: 220 MiB of a 315 MiB peak were the mapped file), and
        // with folder digests a rescan reads few rows: 100,000 files, A/B 3+3 runs each, the same 0.16 s for a full
        // comparison and 0.12 s with digests, peak RSS 99 -> 63 MiB and 83 -> 62 MiB.
        var c = new SqliteConnection(ReaderConnectionString);
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
            // the readers' pooled connections first, so the writer's close is the last one: SQLite then checkpoints the
            // WAL into the file and deletes it. Left behind, the next start had to recover it before the first query
            // (strace: 1,300 page reads of an 8 MB WAL between opening the index and the first row of a rescan).
            using (var pooled = new SqliteConnection(ReaderConnectionString))
            {
                SqliteConnection.ClearPool(pooled);
            }
            _db.Dispose();
        }
    }
}
