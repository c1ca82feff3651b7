using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Index;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Search;

/// <summary>
/// Scans volumes in the background: at startup where <c>-e2ds</c>/<c>-e2dsa</c> ask for it, again every
/// <c>--re-maxage</c>/<c>scan=</c> seconds, and when an admin asks (<c>?scan</c>). One volume at a time; requests are
/// served meanwhile (the scan writes in short batches). A line every few seconds says how far it got.
/// </summary>
internal sealed partial class IndexScanService(IndexSet indexes, RegistrySet registries, TagService tags, ConfigHolder config, TimeProvider time,
    ILogger<IndexScanService> log) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<string, DateTimeOffset> _lastScan = new(StringComparer.Ordinal);
    private readonly HashSet<string> _requested = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>True while a scan runs (shown to admins).</summary>
    public string? Scanning { get; private set; }

    /// <summary>The scan in progress, for admins in <c>?ls</c> (null when none runs). Replaced whole, never mutated.</summary>
    public ScanStatus? Status { get; private set; }

    /// <summary>Asks for a scan of every indexed volume now (<c>?scan</c>).</summary>
    public void RequestScanAll()
    {
        lock (_gate)
        {
            foreach (var v in config.Current.Vfs.Volumes)
            {
                _requested.Add(v.RealPath);
            }
        }
        _wake.Release();
    }

    /// <summary>Completes when every volume that asked for a scan at startup has been scanned once (for tests).</summary>
    public TaskCompletionSource StartupScansDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when every index has had its integrity check after the startup scans (for tests).</summary>
    public TaskCompletionSource StartupChecksDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Volumes whose index was rebuilt by this process: once each, so a disk that keeps damaging the new file
    /// does not make a loop of rebuilds.</summary>
    private readonly HashSet<string> _rebuilt = new(StringComparer.Ordinal);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private Task? _loop;

    /// <summary>
    /// Starts the scan loop now. The server calls it as soon as the host is built and the upload journals are read, so
    /// a startup scan runs while Kestrel and the handlers' dependency graph are still being set up (in a Native AOT
    /// build, resolving the open generic services alone takes ~10 ms): that was 0.03 s of a 0.14 s rescan of 100,000
    /// unchanged files. Later calls do nothing; the hosted-service start calls it too, for hosts that do not.
    /// </summary>
    public void Begin()
    {
        lock (_startGate)
        {
            _loop ??= Task.Run(() => LoopAsync(_stop.Token));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Begin();
        using var stopping = stoppingToken.Register(_stop.Cancel);
        await _loop!;
    }

    public override void Dispose()
    {
        // also when the host never started (a port in use after Begin): the loop stops instead of scanning on
        _stop.Cancel();
        base.Dispose();
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var v in config.Current.Vfs.Volumes)
            {
                var policy = indexes.PolicyFor(v);
                if (!policy.Enabled)
                {
                    continue;
                }
                bool due;
                lock (_gate)
                {
                    due = _requested.Remove(v.RealPath)
                        || (first && policy.ScanAtStart)
                        || (policy.RescanSeconds > 0 && _lastScan.TryGetValue(v.RealPath, out var last) && time.GetUtcNow() - last > TimeSpan.FromSeconds(policy.RescanSeconds));
                }
                if (!due)
                {
                    continue;
                }
                await ScanAsync(v, policy, first && config.Current.Index.TagRebuild, stoppingToken);
            }
            if (first)
            {
                first = false;
                StartupScansDone.TrySetResult();
                await CheckIndexesAsync(stoppingToken);
                StartupChecksDone.TrySetResult();
            }
            try
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(10), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ScanAsync(Volume v, Core.Config.VolumeIndexPolicy policy, bool retag, CancellationToken ct)
    {
        var index = indexes.For(v);
        if (index is null)
        {
            return;
        }
        Scanning = "/" + v.VPath;
        var scanStarted = time.GetUtcNow();
        Status = new ScanStatus("/" + v.VPath, "comparing", 0, 0, 0, 0, scanStarted);
        var reg = registries.For(v);
        var opts = new ScanOptions(config.Current.Up2k.WarkSalt, config.Current.Index.HashThreads, policy.NoHash, policy.NoIndex,
            Skip: (dir, name) =>
            {
                // an upload in progress: its placeholder is not a finished file
                lock (reg.Gate)
                {
                    return reg.FindUnfinished(dir, name) is not null;
                }
            },
            Verify: (SharpParty.Index.VerifyMode)policy.Verify,
            SameDevice: v.HasFlag("xdev"),
            OnMismatch: rel => LogMismatch(log, "/" + (v.VPath.Length == 0 ? rel : v.VPath + "/" + rel)),
            Progress: p =>
            {
                // while the tree is still compared, new and changed files are already hashed: the totals grow until it ends
                Status = new ScanStatus("/" + v.VPath, p.Walking ? "comparing" : "hashing", p.FilesDone, p.FilesToHash, p.BytesDone, p.BytesToHash, scanStarted);
                LogProgress(log, "/" + v.VPath, p.FilesDone, p.FilesToHash, p.BytesDone >> 20, p.BytesToHash >> 20,
                    Math.Round(p.FilesDone / Math.Max(0.001, p.Elapsed.TotalSeconds), 1),
                    Math.Round((p.BytesDone >> 20) / Math.Max(0.001, p.Elapsed.TotalSeconds), 1));
            });
        try
        {
            var r = await Task.Run(() => Scanner.ScanAsync(v.RealPath, index, opts, ct), ct);
            LogDone(log, "/" + v.VPath, r.Seen, r.Hashed, r.HashedBytes >> 20, r.Removed, r.Unchanged, r.Failed,
                r.Took.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
            if (policy.TagScan)
            {
                if (retag)
                {
                    index.ResetTagged();
                }
                var started = time.GetTimestamp();
                var n = await Task.Run(() => Tagger.TagUntaggedAsync(v.RealPath, index, tags.ReadAsync, config.Current.Index.HashThreads, ct), ct);
                if (n > 0)
                {
                    LogTagged(log, "/" + v.VPath, n, time.GetElapsedTime(started).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (IndexMismatchException e)
        {
            LogFailed(log, "/" + v.VPath, e.Message + " (-e2vp: scan stopped)");
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (VolumeIndex.IsDamage(e))
        {
            var reason = e.Message.Split('\n')[0];
            LogFailed(log, "/" + v.VPath, reason);
            RebuildAndRescan(v, index, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogFailed(log, "/" + v.VPath, e.Message);
        }
        finally
        {
            Scanning = null;
            Status = null;
            lock (_gate)
            {
                _lastScan[v.RealPath] = time.GetUtcNow();
            }
        }
    }

    /// <summary>
    /// SQLite's quick_check of each index, once, after the startup scans (it reads the whole file, so it neither delays
    /// the first scan nor competes with it): a damaged file is moved aside and its volume scanned into a new one.
    /// </summary>
    private async Task CheckIndexesAsync(CancellationToken ct)
    {
        foreach (var v in config.Current.Vfs.Volumes)
        {
            try
            {
                if (indexes.For(v) is not { } index)
                {
                    continue;
                }
                if (await Task.Run(index.CheckIntegrity, ct) is { } problem)
                {
                    RebuildAndRescan(v, index, problem);
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                LogFailed(log, "/" + v.VPath, "integrity check: " + e.Message.Split('\n')[0]);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void RebuildAndRescan(Volume v, VolumeIndex index, string problem)
    {
        lock (_gate)
        {
            if (!_rebuilt.Add(v.RealPath + "\n" + v.HistPath))
            {
                return;
            }
        }
        LogRebuilt(log, index.Rebuild(problem));
        lock (_gate)
        {
            _requested.Add(v.RealPath);
        }
        _wake.Release();
    }

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "{Note}")]
    private static partial void LogRebuilt(ILogger logger, string note);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "scan {Volume}: {Done}/{Todo} files, {MiB}/{TotalMiB} MiB hashed ({FilesPerSec} files/s, {MiBPerSec} MiB/s)")]
    private static partial void LogProgress(ILogger logger, string volume, long done, long todo, long mib, long totalMiB, double filesPerSec, double mibPerSec);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "scan {Volume}: {Seen} files, {Hashed} hashed ({MiB} MiB), {Removed} forgotten, {Unchanged} unchanged, {Failed} changed while read; {Seconds} s")]
    private static partial void LogDone(ILogger logger, string volume, long seen, long hashed, long mib, long removed, long unchanged, long failed, string seconds);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "verify: {Path} has different content than when it was indexed (same size and mtime)")]
    private static partial void LogMismatch(ILogger logger, string path);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "tags {Volume}: read {Files} files in {Seconds} s")]
    private static partial void LogTagged(ILogger logger, string volume, long files, string seconds);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "scan {Volume} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string volume, string reason);
}

/// <summary>Where a running scan is: its volume, its phase ("comparing" the tree with the index, then "hashing" what is
/// new or changed), files and bytes hashed of those to hash, and when it started.</summary>
internal sealed record ScanStatus(string Volume, string Phase, long FilesDone, long FilesToHash, long BytesDone, long BytesToHash, DateTimeOffset Started);
