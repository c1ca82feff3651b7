using System.Runtime.ExceptionServices;
using System.Threading.Channels;
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
/// <param name="Walking">the tree is still being compared: the totals to hash are those found so far</param>
internal readonly record struct ScanProgress(long FilesDone, long FilesToHash, long BytesDone, long BytesToHash, TimeSpan Elapsed, bool Walking = false);

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
        var rows = new RowBatcher(index, BatchRows, BatchTime);
        var countGate = new Lock();
        var lastProgress = Stopwatch.StartNew();
        long hashed = 0, bytes = 0, failed = 0, mismatched = 0, toHashFiles = 0, toHashBytes = 0;
        var walking = true;
        var cores = Math.Max(1, o.HashParallelism);
        // Files are hashed while the tree is still being compared, through bounded queues, so memory holds a queue's
        // worth of candidates instead of all of them (a first scan of 1M files held 1M candidates: ~300 MiB peak).
        // --hash-mt bounds the hashing, not the reads: a first scan waits on the disk, which answers faster with more
        // reads in flight, so there are more readers than cores and each holds one of the cores' slots only while it
        // hashes (100,000 files / 4.1 GiB from cold on virtio, 2 cores: 2 big-file and 8 small-file readers, the
        // hashing not gated, 5.8-6.3 s; 4 and 32 readers, 2 hashing at a time, 4.8-5.0 s; more readers: no better).
        // A big file is read in 1 MiB pieces, sequentially; a small one in one read.
        using var cpu = new SemaphoreSlim(cores, cores);
        var smallReaders = Math.Max(32, cores * 4);
        var bigReaders = Math.Max(4, cores);
        var big = Channel.CreateBounded<ScanCandidate>(new BoundedChannelOptions(256) { SingleReader = false });
        var small = Channel.CreateBounded<ScanCandidate>(new BoundedChannelOptions(4096) { SingleReader = false });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // small files are read and hashed synchronously on threads of their own (FileHasher.HashSmall): a blocking read
        // on a dedicated thread costs one syscall, where an async read was a thread-pool hop per file
        var consumers = Task.WhenAll([
            Parallel.ForEachAsync(big.Reader.ReadAllAsync(stop.Token), new ParallelOptions { MaxDegreeOfParallelism = bigReaders, CancellationToken = stop.Token }, HashOne),
            .. Enumerable.Range(0, smallReaders).Select(_ => Task.Factory.StartNew(() =>
            {
                while (small.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    while (small.Reader.TryRead(out var f))
                    {
                        HashOne(f, stop.Token).AsTask().GetAwaiter().GetResult();
                    }
                }
            }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default))]);
        // a hashing failure that ends the scan (-e2vp's mismatch) stops the walk too, instead of leaving it blocked on a full queue
        _ = consumers.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        TreeDiffResult? diff = null;
        Exception? walkError = null;
        try
        {
            diff = await TreeDiff.RunAsync(root, index, o, (f, c) =>
            {
                Interlocked.Increment(ref toHashFiles);
                Interlocked.Add(ref toHashBytes, f.Size);
                return (f.Size > SmallFile ? big : small).Writer.WriteAsync(f, c);
            }, stop.Token);
        }
        catch (Exception e)
        {
            walkError = e;
            await stop.CancelAsync();
        }
        finally
        {
            big.Writer.TryComplete();
            small.Writer.TryComplete();
        }
        if (walkError is null && Interlocked.Read(ref toHashFiles) > 0)
        {
            // the comparing is done: say so at once (what is left to hash), not only after the next few seconds
            Volatile.Write(ref walking, false);
            o.Progress?.Invoke(new ScanProgress(Interlocked.Read(ref hashed), toHashFiles, Interlocked.Read(ref bytes), toHashBytes, clock.Elapsed, Walking: false));
        }
        Exception? hashError = null;
        try
        {
            await consumers;
        }
        catch (Exception e)
        {
            hashError = e;
        }
        // whichever failed first: a hashing failure makes the walk end with a cancellation, and the reverse
        if (hashError is not null and not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(hashError);
        }
        if (walkError is not null)
        {
            ExceptionDispatchInfo.Throw(walkError);
        }
        if (hashError is not null)
        {
            ExceptionDispatchInfo.Throw(hashError);
        }
        rows.Flush();
        return new ScanResult(diff!.Seen, hashed, bytes, diff.Removed, diff.Unchanged, clock.Elapsed, failed, mismatched);

        static (string, long) Big((string Wark, string[] Hashes, long Size) r) => (r.Wark, r.Size);

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
                    var path = Path.Combine(root, f.Dir, f.Name);
                    var (w, size) = f.Size <= FileHasher.SmallFile ? FileHasher.HashSmall(path, o.Salt, cpu) : Big(await FileHasher.HashAsync(path, o.Salt, 1, c, cpu));
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
            rows.Add(new FileRow(f.Dir, f.Name, f.Size, f.Mtime, wark));
            lock (countGate)
            {
                hashed++;
                bytes += f.Size;
                if (o.Progress is not null && lastProgress.Elapsed > ProgressEvery)
                {
                    lastProgress.Restart();
                    o.Progress(new ScanProgress(hashed, Interlocked.Read(ref toHashFiles), bytes, Interlocked.Read(ref toHashBytes), clock.Elapsed,
                        Volatile.Read(ref walking)));
                }
            }
        }
    }
}
