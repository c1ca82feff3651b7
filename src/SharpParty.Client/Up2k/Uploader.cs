using System.Globalization;
using System.Threading.Channels;
using SharpParty.Core.Up2k;

namespace SharpParty.Client.Up2k;

/// <summary>
/// Runs an upload (or a file-search): hashing on -J cores runs ahead of the uploads within a budget, several files are
/// in the protocol at once (so many small files do not wait on each other's round trips), and chunk POSTs share -j
/// connections. Files the server reported as "on its way elsewhere" (422) are asked about again at the end.
/// </summary>
internal sealed class Uploader(UpOptions options, Reporter reporter, ProgressCounters counters, Up2kHttp http)
{
    /// <summary>Files in the protocol at once, per -j connection: a small file spends most of its time in round trips
    /// (handshake, chunk, handshake), so more files than connections keep those connections busy.</summary>
    private const int FilesPerConnection = 4;

    /// <summary>Rounds of asking again about files that got 422, with --cd between rounds.</summary>
    private const int RecheckRounds = 8;

    private readonly List<FileJob> _recheck = [];
    private readonly Lock _lock = new();
    private string? _forbidden;

    /// <summary>Set when the server said 403: the run stopped early.</summary>
    public string? Forbidden => _forbidden;

    public async Task RunAsync(IReadOnlyList<LocalEntry> files, CancellationToken outer)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var ct = stop.Token;
        foreach (var f in files)
        {
            counters.TotalFiles++;
            counters.TotalBytes += f.Size;
        }
        using var hasher = new ChunkHasher(options.HashThreads, n => Interlocked.Add(ref counters.HashedBytes, n));
        using var sender = new ChunkSender(http, options, counters);
        var driver = new FileDriver(new Handshake(http, options), sender, options, reporter);
        var budget = options.NoHashWhileUploading ? new AheadBudget(0, 0) : new AheadBudget(1L << 30, 512);
        var hashed = Channel.CreateUnbounded<FileJob>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        var drivers = Math.Max(1, options.Connections * FilesPerConnection);
        try
        {
            var produce = ProduceAsync(files, hasher, budget, hashed.Writer, stop, ct);
            var consumers = Enumerable.Range(0, drivers).Select(_ => Task.Run(async () =>
            {
                await foreach (var job in hashed.Reader.ReadAllAsync(ct))
                {
                    try
                    {
                        var (outcome, msg) = await driver.RunAsync(job, ct);
                        Finish(job, outcome, msg, stop);
                    }
                    finally
                    {
                        budget.Give(job.Entry.Size, job.Hashes.Length + 1);
                    }
                }
            }, ct)).ToArray();
            await produce;
            await Task.WhenAll(consumers);
            await RecheckAsync(driver, drivers, stop, ct);
        }
        catch (OperationCanceledException) when (_forbidden is not null && !outer.IsCancellationRequested)
        {
            // 403: the message is out already; the caller turns it into the exit code
        }
    }

    private async Task ProduceAsync(IReadOnlyList<LocalEntry> files, ChunkHasher hasher, AheadBudget budget, ChannelWriter<FileJob> output,
        CancellationTokenSource stop, CancellationToken ct)
    {
        // a few files hash at once so small files keep every core busy; big files spread over the cores by chunks
        using var open = new SemaphoreSlim(Math.Max(2, options.HashThreads * 2));
        var running = new List<Task>();
        try
        {
            foreach (var f in files)
            {
                var job = new FileJob(f);
                var chunks = (int)ChunkSize.Chunks(f.Size, ChunkSize.For(f.Size));
                await budget.TakeAsync(f.Size, chunks + 1, ct);
                await open.WaitAsync(ct);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await hasher.HashAsync(job, ct);
                        output.TryWrite(job);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        budget.Give(f.Size, chunks + 1);
                        Finish(job, FileOutcome.Failed, "cannot read: " + e.Message, stop);
                    }
                    finally
                    {
                        open.Release();
                    }
                }, ct));
                running.RemoveAll(t => t.IsCompletedSuccessfully);
            }
            await Task.WhenAll(running);
        }
        finally
        {
            output.TryComplete();
        }
    }

    private async Task RecheckAsync(FileDriver driver, int parallel, CancellationTokenSource stop, CancellationToken ct)
    {
        for (var round = 0; round < RecheckRounds; round++)
        {
            List<FileJob> batch;
            lock (_lock)
            {
                batch = [.. _recheck];
                _recheck.Clear();
            }
            if (batch.Count == 0)
            {
                return;
            }
            if (round > 0)
            {
                await Task.Delay(options.RetryDelay, ct);
            }
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (job, c) =>
            {
                var (outcome, msg) = await driver.RunAsync(job, c);
                Finish(job, outcome, msg, stop);
            });
        }
        lock (_lock)
        {
            foreach (var job in _recheck)
            {
                Finish(job, FileOutcome.Failed, "the same content is still being uploaded elsewhere", stop, final: true);
            }
            _recheck.Clear();
        }
    }

    private void Finish(FileJob job, FileOutcome outcome, string msg, CancellationTokenSource stop, bool final = false)
    {
        var path = job.Entry.AbsPath;
        switch (outcome)
        {
            case FileOutcome.Recheck when !final:
                lock (_lock)
                {
                    _recheck.Add(job);
                }
                return;
            case FileOutcome.Uploaded:
                Interlocked.Increment(ref counters.Uploaded);
                reporter.FileLine(options.ShowSpeed ? "uploaded " + path + " " + Speeds(job) : "uploaded " + path);
                DeleteLocal(job);
                break;
            case FileOutcome.Found when options.Search:
                Interlocked.Increment(ref counters.Found);
                foreach (var rp in msg.Split('\n'))
                {
                    reporter.Result($"found: {path}\n  {options.BaseUrl}/{rp}");
                }
                break;
            case FileOutcome.Found:
                Interlocked.Increment(ref counters.Found);
                reporter.FileLine(options.ShowSpeed ? "   found " + path + " " + Speeds(job) : "   found " + path);
                DeleteLocal(job);
                break;
            case FileOutcome.NotFound:
                Interlocked.Increment(ref counters.NotFound);
                reporter.Result("NOT found: " + path);
                break;
            case FileOutcome.Exists:
                Interlocked.Increment(ref counters.Found);
                reporter.FileLine("  exists " + path + " (" + msg.Replace('\n', ' ') + ")");
                break;
            case FileOutcome.Forbidden:
                lock (_lock)
                {
                    if (_forbidden is null)
                    {
                        _forbidden = msg;
                        reporter.Error("ERROR: login required, or wrong password: " + msg);
                    }
                }
                stop.Cancel();
                return;
            default:
                Interlocked.Increment(ref counters.Failed);
                reporter.Error($"FAILED {path}: {msg}");
                break;
        }
        Interlocked.Increment(ref counters.DoneFiles);
        Interlocked.Add(ref counters.DoneBytes, Math.Max(0, job.Entry.Size - Interlocked.Read(ref job.ConfirmedBytes)));
    }

    private string Speeds(FileJob job)
    {
        var hashSpd = job.Entry.Size / Math.Max(1e-6, job.HashTime.TotalSeconds);
        if (job.UploadStart is not { } t0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"(hash {job.HashTime.TotalSeconds:F2}s, {ProgressLine.Size(hashSpd)}/s)");
        }
        var up = (reporter.Elapsed - t0).TotalSeconds;
        var upSpd = job.SentBytes / Math.Max(1e-6, up);
        return string.Create(CultureInfo.InvariantCulture,
            $"(hash {job.HashTime.TotalSeconds:F2}s, {ProgressLine.Size(hashSpd)}/s; upload {up:F2}s, {ProgressLine.Size(upSpd)}/s)");
    }

    private void DeleteLocal(FileJob job)
    {
        if (!options.DeleteLocal)
        {
            return;
        }
        try
        {
            File.Delete(job.Entry.AbsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Error($"could not delete {job.Entry.AbsPath}: {e.Message}");
        }
    }
}
