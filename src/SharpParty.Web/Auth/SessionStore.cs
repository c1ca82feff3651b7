using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SharpParty.Web.Auth;

/// <summary>
/// Login sessions in a SQLite file, so they survive a restart. The cookie carries a random 20-character id (120 bits,
/// as copyparty); the database keeps only its SHA-256, so a copy of the file logs nobody in (copyparty stores the id
/// itself). Lookups are served from memory; the file is written on create/delete only.
/// </summary>
internal sealed class SessionStore : IDisposable
{
    private const int SchemaVersion = 1;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly SqliteConnection _db;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly ConcurrentDictionary<string, (string User, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _write = new();

    public SessionStore(string dbPath, TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dbPath))!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL");
        Exec("PRAGMA synchronous=NORMAL");
        using (var v = _db.CreateCommand())
        {
            v.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt32(v.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version == 0)
            {
                Exec("CREATE TABLE IF NOT EXISTS sessions (id_sha256 TEXT PRIMARY KEY, user TEXT NOT NULL, expires INTEGER NOT NULL)");
                Exec($"PRAGMA user_version={SchemaVersion}");
            }
            else if (version > SchemaVersion)
            {
                throw new InvalidOperationException($"{dbPath}: made by a newer SharpParty (schema {version})");
            }
        }
        using var load = _db.CreateCommand();
        load.CommandText = "SELECT id_sha256, user, expires FROM sessions WHERE expires > $now";
        load.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        using var r = load.ExecuteReader();
        while (r.Read())
        {
            _cache[r.GetString(0)] = (r.GetString(1), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)));
        }
    }

    public int Count => _cache.Count;

    /// <summary>A new session for <paramref name="user"/>; returns the id for the cookie.</summary>
    public string Create(string user)
    {
        var id = NewId();
        var expires = _time.GetUtcNow() + _lifetime;
        var key = Hash(id);
        _cache[key] = (user, expires);
        lock (_write)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "INSERT OR REPLACE INTO sessions (id_sha256, user, expires) VALUES ($k, $u, $e)";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$u", user);
            cmd.Parameters.AddWithValue("$e", expires.ToUnixTimeSeconds());
            cmd.ExecuteNonQuery();
        }
        return id;
    }

    /// <summary>The user of a live session, or null.</summary>
    public string? Lookup(string id)
    {
        if (id.Length != 20 || !_cache.TryGetValue(Hash(id), out var s))
        {
            return null;
        }
        return s.Expires > _time.GetUtcNow() ? s.User : null;
    }

    public void Delete(string id)
    {
        var key = Hash(id);
        _cache.TryRemove(key, out _);
        Remove("DELETE FROM sessions WHERE id_sha256 = $k", ("$k", key));
    }

    /// <summary>Ends every session of a user (an account removed by a reload).</summary>
    public void DeleteUser(string user)
    {
        foreach (var kv in _cache.Where(kv => kv.Value.User == user).ToList())
        {
            _cache.TryRemove(kv.Key, out _);
        }
        Remove("DELETE FROM sessions WHERE user = $u", ("$u", user));
    }

    /// <summary>Forgets expired sessions.</summary>
    public void Purge()
    {
        var now = _time.GetUtcNow();
        foreach (var kv in _cache.Where(kv => kv.Value.Expires <= now).ToList())
        {
            _cache.TryRemove(kv.Key, out _);
        }
        Remove("DELETE FROM sessions WHERE expires <= $now", ("$now", now.ToUnixTimeSeconds()));
    }

    private void Remove(string sql, (string Name, object Value) p)
    {
        lock (_write)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue(p.Name, p.Value);
            cmd.ExecuteNonQuery();
        }
    }

    private void Exec(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private static string NewId() => string.Create(20, 0, static (span, _) =>
    {
        Span<byte> rnd = stackalloc byte[20];
        RandomNumberGenerator.Fill(rnd);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[rnd[i] & 63];
        }
    });

    public void Dispose() => _db.Dispose();
}
