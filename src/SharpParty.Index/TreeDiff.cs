using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.IO.Enumeration;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SharpParty.Core.Storage;

namespace SharpParty.Index;

/// <summary>A file the scan must hash: new, changed, or (with <c>-e2v</c>) unchanged but to be checked against
/// <paramref name="Expected"/>, the wark the index holds for it.</summary>
internal readonly record struct ScanCandidate(string Dir, string Name, long Size, long Mtime, string? Expected);

/// <summary>What <see cref="TreeDiff"/> counted (the files to hash went to its sink as they were found). Rows of files that
/// are gone have already been removed from the index.</summary>
internal sealed record TreeDiffResult(long Seen, long Unchanged, long Removed);

/// <summary>
/// Compares a volume's folder tree with its index one folder at a time: each worker lists a folder and reads that
/// folder's rows through the (dir, name) index on its own read connection, so memory holds one folder's rows, not the
/// whole index (the previous whole-index snapshot peaked at ~300 MiB for 1M files and cost a full table read before
/// the first stat). Folders are spread over a few workers, because a rescan is mostly stat(2) calls and row reads.
/// Rows of files that are gone are removed as they are found, in batches; rows of folders that are gone are removed at
/// the end, from a list of the folder names in the index. A folder found equal to its rows leaves a digest of its files
/// behind (table dirs), and the next rescan reads no rows for a folder whose files still hash to it: that was about a
/// quarter of a no-change rescan's CPU (perf: the row reads through Microsoft.Data.Sqlite and SQLite's b-tree).
/// </summary>
internal sealed class TreeDiff
{
    private const int RemoveBatch = 2000;

    private readonly string _root;
    private readonly VolumeIndex _index;
    private readonly ScanOptions _o;
    private readonly ConcurrentDictionary<string, byte> _walked = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Func<ScanCandidate, CancellationToken, ValueTask> _sink;
    private readonly List<(string Dir, string Name)> _removes = [];
    private long _seen, _unchanged, _removed;

    /// <summary>Folder digests from the last quiet rescan; null with -e2v (every wark is read then).</summary>
    private readonly Dictionary<string, byte[]>? _digests;

    /// <summary>Digests of folders this scan found equal to their rows, stored at the end if nothing was written meanwhile.</summary>
    private readonly List<(string Dir, byte[] Digest)> _clean = [];

    /// <summary>The index's write counter before the first row was read.</summary>
    private readonly long _versionAtStart;

    private TreeDiff(string root, VolumeIndex index, ScanOptions o, Func<ScanCandidate, CancellationToken, ValueTask> sink)
    {
        _sink = sink;
        _root = root;
        _index = index;
        _o = o;
        _rootDev = o.SameDevice ? FastStat.DeviceOf(root) : null;
        _versionAtStart = index.Version;
        _digests = o.Verify == VerifyMode.None ? index.FolderDigests() : null;
    }

    /// <summary>The root's device with <see cref="ScanOptions.SameDevice"/>, else null.</summary>
    private readonly ulong? _rootDev;

    /// <param name="sink">takes each file to hash as it is found (it may wait: that paces the walk)</param>
    public static async Task<TreeDiffResult> RunAsync(string root, VolumeIndex index, ScanOptions o,
        Func<ScanCandidate, CancellationToken, ValueTask> sink, CancellationToken ct)
    {
        var diff = new TreeDiff(root, index, o, sink);
        await diff.WalkAsync(ct);
        diff.FlushRemoves(force: true);
        diff.ForgetGoneFolders();
        if (diff._digests is not null)
        {
            index.StoreFolderDigests(diff._clean, diff._versionAtStart);
        }
        return new TreeDiffResult(diff._seen, diff._unchanged, diff._removed);
    }

    private async Task WalkAsync(CancellationToken ct)
    {
        var queue = Channel.CreateUnbounded<string>();
        var pending = 1;
        queue.Writer.TryWrite("");
        // stat-bound on a warm cache (one worker per core is enough), I/O-bound on a cold one (more help there)
        var workers = Math.Clamp(Environment.ProcessorCount, 2, 4);
        var tasks = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            tasks[i] = Task.Run(async () =>
            {
                using var db = _index.OpenReader();
                using var rows = db.CreateCommand();
                rows.CommandText = _o.Verify == VerifyMode.None
                    ? "select name, size, mtime, null from files where dir = $d"
                    : "select name, size, mtime, wark from files where dir = $d";
                var pd = rows.Parameters.Add("$d", SqliteType.Text);
                rows.Prepare();
                await foreach (var dir in queue.Reader.ReadAllAsync(ct))
                {
                    try
                    {
                        var (subs, toHash) = CompareFolder(dir, rows, pd);
                        foreach (var sub in subs)
                        {
                            Interlocked.Increment(ref pending);
                            queue.Writer.TryWrite(sub);
                        }
                        foreach (var f in toHash)
                        {
                            await _sink(f, ct);
                        }
                    }
                    finally
                    {
                        if (Interlocked.Decrement(ref pending) == 0)
                        {
                            queue.Writer.TryComplete();
                        }
                    }
                }
            }, ct);
        }
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            queue.Writer.TryComplete();
            throw;
        }
    }

    /// <summary>Lists one folder, compares its files with the folder's rows, and returns its subfolders and the files to hash.</summary>
    private (List<string> Subs, List<ScanCandidate> ToHash) CompareFolder(string rel, SqliteCommand rows, SqliteParameter pd)
    {
        var abs = rel.Length == 0 ? _root : Path.Combine(_root, rel);
        // the quick way, where a folder's digest decides (not with -e2v, which reads every wark) and no name needs a
        // rule that takes the path (--no-idx): a folder with links is read the slower way, which resolves them
        if (_digests is not null && _o.NoIndex is null && RawFolder.TryRead(abs, _rootDev is not null, out var raw))
        {
            using (raw)
            {
                if (!raw!.HasLinks)
                {
                    _walked.TryAdd(rel, 0);
                    var subs = new List<string>(raw.Folders.Count);
                    foreach (var (name, dev) in raw.Folders)
                    {
                        AddSubfolder(subs, rel, name, link: false, dev);
                    }
                    var digest = raw.FileCount == 0 ? null : raw.Digest();
                    if (DigestHolds(rel, digest, raw.FileCount))
                    {
                        return (subs, []);
                    }
                    var files = new List<(string Name, long Size, long Mtime)>(raw.FileCount);
                    var skipped = false;
                    for (var i = 0; i < raw.FileCount; i++)
                    {
                        var f = raw.FileAt(i);
                        if (_o.Skip?.Invoke(rel, f.Name) == true)
                        {
                            skipped = true;
                            continue;
                        }
                        files.Add(f);
                    }
                    // the digest covers every file; with one left out (an upload in progress) it is not stored
                    return (subs, CompareRows(rel, files, skipped ? null : digest, rows, pd));
                }
            }
        }
        return CompareFolderSlowly(rel, abs, rows, pd);
    }

    /// <summary><see cref="CompareFolder"/> through .NET's enumerator and <see cref="FastStat"/>: links resolved,
    /// <c>--no-idx</c> applied, and on systems without getdents64/statx.</summary>
    private (List<string> Subs, List<ScanCandidate> ToHash) CompareFolderSlowly(string rel, string abs, SqliteCommand rows, SqliteParameter pd)
    {
        var subs = new List<string>();
        List<(string Name, bool Dir, bool Link, long Size, long Mtime, ulong Dev)> entries;
        try
        {
            entries = ListFolder(abs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not walked: its rows are forgotten with the folders that are gone, as files we cannot read are not served
            return (subs, []);
        }
        _walked.TryAdd(rel, 0);

        // the files to compare: links resolved, and without what is never indexed (a row for such a file is forgotten)
        var files = new List<(string Name, long Size, long Mtime)>(entries.Count);
        foreach (var (name, isDir, link, entrySize, entryMtime, dev) in entries)
        {
            if (isDir)
            {
                AddSubfolder(subs, rel, name, link, dev);
                continue;
            }
            if (name.EndsWith(".PARTIAL", StringComparison.Ordinal))
            {
                continue;
            }
            var (size, mtime) = (entrySize, entryMtime);
            if (link && !LinkTarget(abs, name, out size, out mtime))
            {
                continue;
            }
            var path = rel.Length == 0 ? name : rel + "/" + name;
            if (_o.Skip?.Invoke(rel, name) == true || _o.NoIndex?.IsMatch(path) == true)
            {
                continue;
            }
            files.Add((name, size, mtime));
        }

        var digest = _digests is null || files.Count == 0 ? null : FolderDigest(files);
        return DigestHolds(rel, digest, files.Count) ? (subs, []) : (subs, CompareRows(rel, files, digest, rows, pd));
    }

    private void AddSubfolder(List<string> subs, string rel, string name, bool link, ulong dev)
    {
        // xdev: a mount of another filesystem inside the volume is not part of it (copyparty logs "skip xdev")
        var otherDevice = _rootDev is { } rd && dev != 0 && dev != rd;
        if (!link && !otherDevice && !(rel.Length == 0 && name == ".hist"))
        {
            subs.Add(rel.Length == 0 ? name : rel + "/" + name);
        }
    }

    /// <summary>
    /// A folder whose files hash to the digest stored when they last matched their rows needs no row read: any write
    /// to those rows since has dropped the digest (trigger), and any change to the files changes the hash.
    /// </summary>
    private bool DigestHolds(string rel, byte[]? digest, int files)
    {
        if (digest is null || !_digests!.TryGetValue(rel, out var stored) || !digest.AsSpan().SequenceEqual(stored))
        {
            return false;
        }
        lock (_gate)
        {
            _seen += files;
            _unchanged += files;
        }
        return true;
    }

    /// <summary>Compares a folder's files with its rows: the files to hash are returned, rows of files that are gone
    /// are queued for removal, and a folder found equal leaves <paramref name="digest"/> (when not null) to be stored.</summary>
    private List<ScanCandidate> CompareRows(string rel, List<(string Name, long Size, long Mtime)> files, byte[]? digest,
        SqliteCommand rows, SqliteParameter pd)
    {
        var known = new Dictionary<string, (long Size, long Mtime, string? Wark)>(StringComparer.Ordinal);
        pd.Value = rel;
        using (var r = rows.ExecuteReader())
        {
            while (r.Read())
            {
                known[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3));
            }
        }

        var toHash = new List<ScanCandidate>();
        long unchanged = 0;
        foreach (var (name, size, mtime) in files)
        {
            string? expected = null;
            if (known.Remove(name, out var k) && k.Size == size && k.Mtime == mtime)
            {
                unchanged++;
                // with -e2v, unchanged files are hashed too and compared with what the index says
                if (_o.Verify == VerifyMode.None || k.Wark is null || k.Wark.StartsWith('#'))
                {
                    continue;
                }
                expected = k.Wark;
            }
            toHash.Add(new ScanCandidate(rel, name, size, mtime, expected));
        }

        lock (_gate)
        {
            _seen += files.Count;
            _unchanged += unchanged;
            foreach (var gone in known.Keys)
            {
                _removes.Add((rel, gone));
            }
            if (digest is not null && toHash.Count == 0 && known.Count == 0)
            {
                _clean.Add((rel, digest));
            }
        }
        FlushRemoves(force: false);
        return toHash;
    }

    /// <summary>
    /// The entries of a folder with their lstat: the names from getdents, then one statx(2) per name relative to the
    /// open folder (<see cref="FastStat"/>). .NET's enumerator lstats each entry by its absolute path, and walking that
    /// path again for every file was the largest kernel cost of a rescan (perf: d_lookup and link_path_walk).
    /// </summary>
    private static List<(string Name, bool Dir, bool Link, long Size, long Mtime, ulong Dev)> ListFolder(string abs)
    {
        var names = new FileSystemEnumerable<string>(abs, (ref FileSystemEntry e) => e.FileName.ToString(), Options).ToList();
        var stats = new StatInfo[names.Count];
        var list = new List<(string, bool, bool, long, long, ulong)>(names.Count);
        if (FastStat.StatAll(abs, names, stats))
        {
            for (var i = 0; i < names.Count; i++)
            {
                // a name that vanished between the listing and its stat is not there
                if (stats[i].Ok)
                {
                    list.Add((names[i], stats[i].IsDir, stats[i].IsLink, stats[i].Size, stats[i].MTime, stats[i].Dev));
                }
            }
            return list;
        }
        return [.. new FileSystemEnumerable<(string Name, bool Dir, bool Link, long Size, long Mtime, ulong Dev)>(abs,
            (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0, e.Length,
                e.LastWriteTimeUtc.ToUnixTimeSeconds(), 0UL), Options)];
    }

    /// <summary>
    /// SHA-256 over the folder's files in the order the folder listed them: UTF-8 name, NUL (never in a name), size,
    /// mtime. Not sorted: a folder lists its entries in the same order until it changes (ext4's hash order, tmpfs's
    /// creation order), and if a filesystem reorders an unchanged folder the digest only misses, which costs one row
    /// comparison and stores the new one. Sorting was ~a tenth of a no-change rescan's own CPU.
    /// </summary>
    internal static byte[] FolderDigest(List<(string Name, long Size, long Mtime)> files)
    {
        var len = 0;
        foreach (var f in files)
        {
            len += Encoding.UTF8.GetMaxByteCount(f.Name.Length) + 17;
        }
        var buf = ArrayPool<byte>.Shared.Rent(len);
        try
        {
            var at = 0;
            foreach (var (name, size, mtime) in files)
            {
                at += Encoding.UTF8.GetBytes(name, buf.AsSpan(at));
                buf[at++] = 0;
                BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(at), size);
                BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(at + 8), mtime);
                at += 16;
            }
            return SHA256.HashData(buf.AsSpan(0, at));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>A dedup symlink is indexed as what it points at (stat follows the link), if that still exists inside
    /// the volume: as the resolver, a link that leads outside is not served, so it is not indexed either.</summary>
    private bool LinkTarget(string abs, string name, out long size, out long mtime)
    {
        size = mtime = 0;
        var target = new FileInfo(Path.Combine(abs, name)).ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
        if (target is null || !target.Exists || !target.FullName.StartsWith(_root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            return false;
        }
        size = target.Length;
        mtime = new DateTimeOffset(target.LastWriteTimeUtc).ToUnixTimeSeconds();
        return true;
    }

    private void FlushRemoves(bool force)
    {
        List<(string, string)> batch;
        lock (_gate)
        {
            if (_removes.Count == 0 || (!force && _removes.Count < RemoveBatch))
            {
                return;
            }
            batch = [.. _removes];
            _removes.Clear();
            _removed += batch.Count;
        }
        _index.Batch([], batch);
    }

    /// <summary>Forgets the rows of folders that were not walked: deleted, unreadable, or no longer followed.</summary>
    private void ForgetGoneFolders()
    {
        var gone = _index.Folders().Where(d => !_walked.ContainsKey(d)).ToList();
        foreach (var dir in gone)
        {
            _removed += _index.RemoveFolderFiles(dir);
        }
    }

    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };
}
