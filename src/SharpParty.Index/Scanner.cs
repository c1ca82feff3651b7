using System.Diagnostics;
using System.Text.RegularExpressions;
using SharpParty.Core.Up2k;

namespace SharpParty.Index;

/// <summary>What a scan did. <paramref name="Mismatched"/>: files whose content no longer matched the index (<c>-e2v</c>).</summary>
internal sealed record ScanResult(long Seen, long Hashed, long HashedBytes, long Removed, long Unchanged, TimeSpan Took, long Failed, long Mismatched = 0);

/// <summary>copyparty's <c>-e2v</c> (re-hash everything and report), <c>-e2vu</c> (and fix the index), <c>-e2vp</c> (and stop).</summary>
internal enum VerifyMode
{
    None,
    Report,
    Update,
    Panic,
}

/// <summary>Settings of one scan.</summary>
/// <param name="HashParallelism">files hashed at once (copyparty's <c>--hash-mt</c>)</param>
/// <param name="NoHash">paths (relative to the volume) that are indexed without hashing (<c>--no-hash</c>)</param>
/// <param name="NoIndex">paths that are not indexed at all (<c>--no-idx</c>)</param>
/// <param name="Skip">files to leave alone, e.g. the placeholders of uploads in progress</param>
/// <param name="SameDevice">volume flag <c>xdev</c>: folders on another device than the root are not walked</param>
internal sealed record ScanOptions(string Salt, int HashParallelism, Regex? NoHash = null, Regex? NoIndex = null,
    Func<string, string, bool>? Skip = null, Action<ScanProgress>? Progress = null, VerifyMode Verify = VerifyMode.None,
    Action<string>? OnMismatch = null, bool SameDevice = false);

/// <summary>Thrown by a scan with <see cref="VerifyMode.Panic"/> when a file no longer matches the index.</summary>
internal sealed class IndexMismatchException(string path) : Exception($"content of {path} does not match the index")
{
    public string PathInVolume { get; } = path;
}

/// <summary>Progress for the log line a scan writes every few seconds.</summary>
internal readonly record struct ScanProgress(long FilesDone, long FilesToHash, long BytesDone, long BytesToHash, TimeSpan Elapsed);

/// <summary>
/// Brings a volume's index in line with its files: walks the folder tree, skips files whose size and mtime are
/// unchanged, hashes new and changed ones with the up2k scheme (so files that were there before the server can be found
/// by content and deduplicated) on a bounded number of cores, and forgets files that are gone. Commits in batches.
/// </summary>
internal static class Scanner
{
    private const int BatchRows = 2000;

    /// <summary>Files up to this size are hashed with one read: more of them run at once (see ScanAsync).</summary>
    private const long SmallFile = 1 << 20;

    private static readonly TimeSpan BatchTime = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    public static async Task<ScanResult> ScanAsync(string root, VolumeIndex index, ScanOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var diff = await TreeDiff.RunAsync(root, index, o, ct);
        var toHash = diff.ToHash;
        var pending = new List<FileRow>(BatchRows);
        var pendingGate = new Lock();
        var lastCommit = Stopwatch.StartNew();
        var lastProgress = Stopwatch.StartNew();
        long hashed = 0, bytes = 0, failed = 0, mismatched = 0;
        var totalBytes = toHash.Sum(f => f.Size);
        // biggest first: a long file starts early instead of holding up the end of the scan
        var order = toHash.OrderByDescending(f => f.Size).ToList();
        var firstSmall = order.FindIndex(f => f.Size <= SmallFile);
        if (firstSmall < 0)
        {
            firstSmall = order.Count;
        }
        var cores = Math.Max(1, o.HashParallelism);
        if (order.Count > 0)
        {
            // the comparing is done: say so at once (what is left to hash), not only after the first few seconds
            o.Progress?.Invoke(new ScanProgress(0, order.Count, 0, totalBytes, clock.Elapsed));
        }
        // big files: one per hashing core (each is read in 1 MiB pieces, sequentially). Small files: a few per core,
        // because on a cold cache each is one small read that waits on the disk, not on the CPU; with more reads in
        // flight the disk (virtio here) answers ~2x faster (measured: 10,000 files of 1-64 KiB read by 2 readers in
        // 1.3-1.7 s, by 8 in 0.7 s). The CPU stays bounded by the cores either way.
        await Parallel.ForEachAsync(order.Take(firstSmall), new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = ct }, HashOne);
        await Parallel.ForEachAsync(order.Skip(firstSmall), new ParallelOptions { MaxDegreeOfParallelism = Math.Min(cores * 4, 32), CancellationToken = ct }, HashOne);
        index.Batch(pending, []);
        return new ScanResult(diff.Seen, hashed, bytes, diff.Removed, diff.Unchanged, clock.Elapsed, failed, mismatched);

        async ValueTask HashOne(ScanCandidate f, CancellationToken c)
        {
            var rel = f.Dir.Length == 0 ? f.Name : f.Dir + "/" + f.Name;
            string wark;
            if (f.Size == 0 || o.NoHash?.IsMatch(rel) == true)
            {
                wark = Up2kHash.MetaWark(o.Salt, f.Size, f.Mtime, f.Dir, f.Name);
            }
            else
            {
                try
                {
                    var (w, _, size) = await FileHasher.HashAsync(Path.Combine(root, f.Dir, f.Name), o.Salt, 1, c);
                    if (size != f.Size)
                    {
                        // changed while we read it: the next scan sees it settled
                        Interlocked.Increment(ref failed);
                        return;
                    }
                    wark = w;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }
            }
            if (f.Expected is { } expected)
            {
                if (expected == wark)
                {
                    return;
                }
                Interlocked.Increment(ref mismatched);
                o.OnMismatch?.Invoke(rel);
                if (o.Verify == VerifyMode.Panic)
                {
                    throw new IndexMismatchException(rel);
                }
                if (o.Verify == VerifyMode.Report)
                {
                    return;
                }
            }
            List<FileRow>? flush = null;
            lock (pendingGate)
            {
                pending.Add(new FileRow(f.Dir, f.Name, f.Size, f.Mtime, wark));
                hashed++;
                bytes += f.Size;
                if (pending.Count >= BatchRows || lastCommit.Elapsed > BatchTime)
                {
                    flush = [.. pending];
                    pending.Clear();
                    lastCommit.Restart();
                }
                if (o.Progress is not null && lastProgress.Elapsed > ProgressEvery)
                {
                    lastProgress.Restart();
                    o.Progress(new ScanProgress(hashed, toHash.Count, bytes, totalBytes, clock.Elapsed));
                }
            }
            if (flush is not null)
            {
                index.Batch(flush, []);
            }
        }
    }
}
