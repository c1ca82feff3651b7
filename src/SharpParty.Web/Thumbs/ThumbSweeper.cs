using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Media.Thumbs;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Thumbs;

/// <summary>
/// Every <c>--th-clean</c> seconds (copyparty: 12 h), sweeps each volume's thumbnail and transcode cache: entries
/// unused for <c>--th-maxage</c> / <c>--ac-maxage</c> go, then the oldest until the cache fits <c>--th-maxsize</c>.
/// </summary>
internal sealed partial class ThumbSweeper(ConfigHolder config, TimeProvider time, ILogger<ThumbSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = config.Current.Media.CleanInterval;
            if (interval <= TimeSpan.Zero)
            {
                return;
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Task.Run(SweepAll, stoppingToken);
        }
    }

    /// <summary>One pass over all volumes (also called by tests).</summary>
    public int SweepAll()
    {
        var o = config.Current;
        var removed = 0;
        foreach (var hist in o.Vfs.Volumes.Select(v => v.HistPath).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var r = ThumbCache.Sweep(hist, time.GetUtcNow().UtcDateTime, o.Media.MaxAge, o.Media.AcMaxAge, o.Media.MaxBytes);
                removed += r.Removed;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogSweepFailed(log, hist, e.Message);
            }
        }
        return removed;
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "thumbnail cache sweep of {Hist} failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string hist, string reason);
}
