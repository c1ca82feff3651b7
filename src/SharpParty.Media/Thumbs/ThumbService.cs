using System.Collections.Concurrent;

namespace SharpParty.Media.Thumbs;

/// <summary>One thumbnail or transcode to produce: the source's identity, what to make, and where its volume keeps state.</summary>
internal sealed record ThumbJob(string SourcePath, long Size, DateTime MTimeUtc, MediaKind Kind, ThumbFormat Format, int BoxW, int BoxH,
    string HistPath, TimeSpan Timeout);

internal enum ThumbStatus
{
    Ready,
    /// <summary>The source could not be converted (corrupt, unsupported, too large): show an icon.</summary>
    Failed,
    /// <summary>The conversion overstayed <c>--th-convt</c> and was killed: show an icon.</summary>
    TimedOut,
}

/// <summary>The outcome: on <see cref="ThumbStatus.Ready"/>, the cached file to send.</summary>
internal readonly record struct ThumbResult(ThumbStatus Status, FileInfo? File, bool FromCache);

/// <summary>
/// Makes thumbnails and transcodes behind a bounded pool (<c>--th-mt</c> at once; house rule 11) and a single-flight
/// table: however many requests ask for the same output while it is being made, it is made once and they all wait on
/// that one conversion. A conversion, once started, finishes (and fills the cache) even if its requester leaves.
/// </summary>
internal sealed class ThumbService : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, Lazy<Task<ThumbResult>>> _inflight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private long _conversions;

    public ThumbService(int threads, long ramMaxBytes, TranscodeQuality quality, TimeProvider time)
    {
        _slots = new SemaphoreSlim(Math.Max(1, threads));
        RamMaxBytes = ramMaxBytes;
        Quality = quality;
        _time = time;
    }

    public long RamMaxBytes { get; }

    public TranscodeQuality Quality { get; }

    /// <summary>Conversions started since the service began (for tests and the metrics page).</summary>
    public long Conversions => Interlocked.Read(ref _conversions);

    public static string CachePathOf(ThumbJob job) =>
        ThumbCache.PathFor(job.HistPath, job.SourcePath, job.Size, job.MTimeUtc, job.Format, job.BoxW, job.BoxH);

    public async Task<ThumbResult> GetAsync(ThumbJob job, CancellationToken ct)
    {
        var cachePath = CachePathOf(job);
        switch (ThumbCache.Lookup(cachePath, _time.GetUtcNow().UtcDateTime, out var hit))
        {
            case CacheState.Hit:
                return new ThumbResult(ThumbStatus.Ready, hit, true);
            case CacheState.Failed:
                return new ThumbResult(ThumbStatus.Failed, null, true);
        }
        var flight = _inflight.GetOrAdd(cachePath, key => new Lazy<Task<ThumbResult>>(() => ConvertAsync(job, key)));
        // the caller may give up (client gone); the conversion goes on for the next one
        return await flight.Value.WaitAsync(ct);
    }

    private async Task<ThumbResult> ConvertAsync(ThumbJob job, string cachePath)
    {
        // let GetAsync return the task before any work happens on this thread
        await Task.Yield();
        var stop = _stopping.Token;
        var entered = false;
        try
        {
            await _slots.WaitAsync(stop);
            entered = true;
            // another flight may have finished between our cache miss and now
            if (ThumbCache.Lookup(cachePath, _time.GetUtcNow().UtcDateTime, out var done) == CacheState.Hit)
            {
                return new ThumbResult(ThumbStatus.Ready, done, true);
            }
            Interlocked.Increment(ref _conversions);
            var temp = ThumbCache.TempFor(cachePath);
            var status = await ProduceAsync(job, temp, stop);
            if (status != ThumbStatus.Ready)
            {
                ThumbCache.MarkFailed(temp, cachePath);
                return new ThumbResult(status, null, false);
            }
            ThumbCache.Commit(temp, cachePath);
            var info = new FileInfo(cachePath);
            return info.Exists && info.Length > 0 ? new ThumbResult(ThumbStatus.Ready, info, false) : new ThumbResult(ThumbStatus.Failed, null, false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new ThumbResult(ThumbStatus.Failed, null, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the cache folder is not writable, or the disk is full: no thumbnail, and no marker either
            return new ThumbResult(ThumbStatus.Failed, null, false);
        }
        finally
        {
            if (entered)
            {
                _slots.Release();
            }
            _inflight.TryRemove(cachePath, out _);
        }
    }

    private async Task<ThumbStatus> ProduceAsync(ThumbJob job, string temp, CancellationToken stop)
    {
        var fmt = job.Format;
        if (fmt.IsAudio)
        {
            return Map(await FfmpegConverter.TranscodeAsync(job.SourcePath, temp, fmt.Output, Quality, job.Timeout, stop));
        }
        var boxW = fmt.X3 ? job.BoxW * 3 : job.BoxW;
        var boxH = fmt.X3 ? job.BoxH * 3 : job.BoxH;
        switch (job.Kind)
        {
            case MediaKind.Image:
                var failure = await Task.Run(() => RenderWithSkia(job.SourcePath, temp, fmt, boxW, boxH), stop);
                if (failure == ImageFailure.None)
                {
                    return ThumbStatus.Ready;
                }
                if (failure == ImageFailure.TooLarge)
                {
                    return ThumbStatus.Failed;
                }
                // a format or variant Skia lacks (CMYK JPEG, odd BMP): ffmpeg may read it
                return Map(await FfmpegConverter.FrameAsync(job.SourcePath, temp, MediaKind.FfImage, fmt, job.BoxW, job.BoxH, job.Timeout, stop));
            case MediaKind.FfImage:
            case MediaKind.Video:
                return Map(await FfmpegConverter.FrameAsync(job.SourcePath, temp, job.Kind, fmt, job.BoxW, job.BoxH, job.Timeout, stop));
            case MediaKind.Audio:
                return Map(await FfmpegConverter.AudioPictureAsync(job.SourcePath, temp, fmt, job.Timeout, stop));
            default:
                return ThumbStatus.Failed;
        }
    }

    private ImageFailure RenderWithSkia(string source, string temp, ThumbFormat fmt, int boxW, int boxH)
    {
        try
        {
            ImageFailure r;
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                r = SkiaThumbnailer.Render(source, fmt, boxW, boxH, RamMaxBytes, output);
            }
            if (r != ImageFailure.None)
            {
                ThumbCache.TryDelete(temp);
            }
            return r;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not IOException and not UnauthorizedAccessException)
        {
            // a decoder that throws on a hostile file is a failed thumbnail, never a failed request
            ThumbCache.TryDelete(temp);
            return ImageFailure.Unreadable;
        }
    }

    private static ThumbStatus Map(FfmpegOutcome o) => o switch
    {
        FfmpegOutcome.Ok => ThumbStatus.Ready,
        FfmpegOutcome.TimedOut => ThumbStatus.TimedOut,
        _ => ThumbStatus.Failed,
    };

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
