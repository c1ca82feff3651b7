using Microsoft.Data.Sqlite;

namespace SharpParty.Index;

/// <summary>
/// Opens (or creates) one volume's index file: WAL mode, our own schema with a version number and forward migrations.
/// A file that is not a database, or whose schema cannot be read, is moved aside and a new one is started; the next scan
/// fills it again, so nothing on disk is lost. Damage deeper in the file is found by <see cref="VolumeIndex.CheckIntegrity"/>,
/// which the server runs after its startup scans rather than here: SQLite's quick_check reads every page, which for
/// 100,000 files was 5,600 reads before the first stat of a rescan, and grows with the index.
/// </summary>
internal static class IndexDb
{
    /// <summary>Our file name: a different one from copyparty's <c>up2k.db</c>, so both can index one folder.</summary>
    public const string FileName = "sp-index.db";

    public const int SchemaVersion = 3;

    private static readonly string[] Migrations =
    [
        // v1
        """
        create table files (
            id integer primary key,
            dir text not null,
            name text not null,
            size integer not null,
            mtime integer not null,
            wark text not null,
            up_at integer not null default 0,
            up_ip text,
            up_user text
        );
        create unique index files_path on files(dir, name);
        create index files_wark on files(wark);
        create index files_name on files(name);
        create table tags (
            file_id integer not null references files(id) on delete cascade,
            k text not null,
            v text not null
        );
        create index tags_file on tags(file_id);
        create index tags_kv on tags(k, v);
        """,
        // v2: tag values keep their type (numbers compare as numbers: ".bpm > 120"), so the column has no affinity
        """
        drop table tags;
        create table tags (
            file_id integer not null references files(id) on delete cascade,
            k text not null,
            v
        );
        create index tags_file on tags(file_id);
        create index tags_kv on tags(k, v);
        alter table files add column tagged integer not null default 0;
        """,
        // v3: a digest of each folder's files as a rescan last found them equal to their rows (TreeDiff): a folder
        // whose files still hash to it needs none of its rows read. Any write to a folder's rows drops its digest, by
        // trigger, so no code path can leave a stale one behind (tag updates do not touch these columns).
        """
        create table dirs (dir text primary key, digest blob not null) without rowid;
        create trigger files_ins_dirs after insert on files begin delete from dirs where dir = new.dir; end;
        create trigger files_del_dirs after delete on files begin delete from dirs where dir = old.dir; end;
        create trigger files_upd_dirs after update of dir, name, size, mtime on files
            begin delete from dirs where dir = old.dir or dir = new.dir; end;
        """,
    ];

    /// <summary>Opens the database at <paramref name="path"/>; <paramref name="note"/> says when a broken one was replaced.</summary>
    public static SqliteConnection Open(string path, out string? note)
    {
        note = null;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return OpenChecked(path);
        }
        catch (SqliteException e)
        {
            note = MoveAside(path, $"{e.SqliteErrorCode}: {e.Message.Split('\n')[0]}");
            return OpenChecked(path);
        }
    }

    /// <summary>Moves a broken index file (and its WAL) aside, keeping it for a post-mortem; returns the log line.
    /// Every connection to it must be closed.</summary>
    public static string MoveAside(string path, string reason)
    {
        var aside = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        // pooled reader connections keep the file open; they are reopened on demand
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, aside + suffix, overwrite: true);
            }
        }
        return $"index {path} was unreadable ({reason}); moved aside to {Path.GetFileName(aside)} and rebuilding";
    }

    /// <summary>Opens the file at <paramref name="path"/> (creating it) and migrates it; throws when it is unreadable.</summary>
    internal static SqliteConnection OpenChecked(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            c.Open();
            Exec(c, "pragma journal_mode=wal; pragma synchronous=normal; pragma foreign_keys=on; pragma busy_timeout=5000;");
            using (var chk = c.CreateCommand())
            {
                // reads the header and parses the schema: "file is not a database" and a damaged schema show here
                chk.CommandText = "select count(*) from sqlite_master";
                chk.ExecuteScalar();
            }
            Migrate(c);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private static void Migrate(SqliteConnection c)
    {
        using var get = c.CreateCommand();
        get.CommandText = "pragma user_version";
        var version = Convert.ToInt32(get.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new SqliteException($"index schema {version} is newer than this build understands ({SchemaVersion})", 1);
        }
        for (var v = version; v < SchemaVersion; v++)
        {
            using var tx = c.BeginTransaction();
            Exec(c, Migrations[v], tx);
            Exec(c, $"pragma user_version = {v + 1}", tx);
            tx.Commit();
        }
    }

    public static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
