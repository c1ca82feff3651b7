using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// Interrupted FTP uploads keep their hidden partial file so that REST + STOR can continue them (new in SharpParty).
/// One that nobody continues is removed once it has sat unchanged as long as copyparty lets an unfinished up2k upload sit
/// (<c>--snap-drop</c>, 1440 minutes), checked when the server starts and every hour after. The partials are found
/// through a list per volume (<c>ftp-partials</c> in its state folder, one path per line) rather than a walk of the
/// whole tree; a line whose file is gone (finished, continued to the end, deleted) is dropped at the next sweep.
/// </summary>
internal sealed partial class FtpPartials(ConfigHolder config, TimeProvider time, ILogger<FtpPartials> log) : BackgroundService
{
    public const string ListName = "ftp-partials";

    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();

    /// <summary>Partials idle this long are removed (copyparty's --snap-drop default for unfinished uploads).</summary>
    public static TimeSpan MaxIdle { get; } = TimeSpan.FromSeconds(RegistrySet.DropIdleSeconds);

    /// <summary>Notes a partial file that was kept after an interrupted upload.</summary>
    public void Remember(Volume vol, string partialPath)
    {
        var rel = Path.GetRelativePath(vol.RealPath, partialPath);
        lock (_gate)
        {
            try
            {
                Directory.CreateDirectory(vol.HistPath);
                var list = Path.Combine(vol.HistPath, ListName);
                if (File.Exists(list) && File.ReadLines(list).Contains(rel))
                {
                    return;
                }
                File.AppendAllText(list, rel + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a read-only state folder: the partial stays until someone continues or deletes it
            }
        }
    }

    /// <summary>Removes the partials of every volume that sat idle past <see cref="MaxIdle"/>; returns how many.</summary>
    public int Sweep()
    {
        var removed = 0;
        var now = time.GetUtcNow().UtcDateTime;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vol in config.Current.Vfs.Volumes)
        {
            if (seen.Add(vol.HistPath))
            {
                removed += SweepVolume(vol, now);
            }
        }
        return removed;
    }

    private int SweepVolume(Volume vol, DateTime now)
    {
        var list = Path.Combine(vol.HistPath, ListName);
        lock (_gate)
        {
            if (!File.Exists(list))
            {
                return 0;
            }
            var removed = 0;
            try
            {
                var keep = new List<string>();
                foreach (var rel in File.ReadLines(list).Distinct(StringComparer.Ordinal).ToList())
                {
                    var path = Path.GetFullPath(Path.Combine(vol.RealPath, rel));
                    // only our own partial names inside this volume, whatever the list says
                    if (rel.Length == 0 || !path.StartsWith(vol.RealPath.TrimEnd('/') + "/", StringComparison.Ordinal)
                        || !SharpParty.Core.Storage.TempNames.IsTemp(Path.GetFileName(path)) || !File.Exists(path))
                    {
                        continue;
                    }
                    if (now - File.GetLastWriteTimeUtc(path) < MaxIdle)
                    {
                        keep.Add(rel);
                        continue;
                    }
                    File.Delete(path);
                    removed++;
                    LogDropped(log, path);
                }
                File.WriteAllText(list, keep.Count == 0 ? "" : string.Join('\n', keep) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // try again at the next sweep
            }
            return removed;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Sweep(); // before the first client: what an earlier run left behind is judged now
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Sweep();
        }
    }

    [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "ftp: removed an abandoned partial upload {Path}")]
    private static partial void LogDropped(ILogger logger, string path);
}
