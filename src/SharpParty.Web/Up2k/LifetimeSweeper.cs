using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Up2k;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Up2k;

/// <summary>
/// Once a minute: deletes uploads whose volume <c>lifetime=SEC</c> (or a client's shorter <c>life</c>) is over
/// (copyparty's rescanner does it, and needs the index; we use the registries), and closes the partial files of
/// uploads that have been idle for a while, so abandoned uploads do not keep file handles open.
/// </summary>
internal sealed partial class LifetimeSweeper(RegistrySet registries, ConfigHolder config, TimeProvider time, ILogger<LifetimeSweeper> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    /// <summary>An unfinished upload idle this long gives its file handle back; the next chunk opens it again.</summary>
    private const long IdleCloseSeconds = 300;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            SweepOnce();
            CloseIdle();
        }
    }

    /// <summary>Deletes every finished upload whose lifetime is over; returns how many.</summary>
    public int SweepOnce()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var n = 0;
        foreach (var vol in config.Current.Vfs.Volumes)
        {
            var reg = registries.Opened.FirstOrDefault(r => r.VolumeRoot == vol.RealPath);
            if (reg is null)
            {
                continue;
            }
            foreach (var j in reg.All())
            {
                if (!j.Done || j.Life <= 0 || j.Started + j.Life > now)
                {
                    continue;
                }
                var path = Path.Combine(vol.RealPath, j.Folder, j.Name);
                try
                {
                    // only the file that was uploaded: a same-named file written later is someone else's
                    var fi = new FileInfo(path);
                    if (fi.Exists && fi.Length == j.Size)
                    {
                        fi.Delete();
                        n++;
                        LogExpired(log, "/" + HandshakeHandler.VPathOf(vol, j));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                lock (reg.Gate)
                {
                    reg.Forget(j);
                }
            }
        }
        return n;
    }

    /// <summary>Closes the partial-file handles of unfinished uploads idle longer than <see cref="IdleCloseSeconds"/>.</summary>
    public int CloseIdle()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var n = 0;
        foreach (var reg in registries.Opened)
        {
            lock (reg.Gate)
            {
                foreach (var j in reg.All())
                {
                    if (!j.Done && j.Handle is not null && j.Busy.Count == 0 && now - j.Poked > IdleCloseSeconds)
                    {
                        j.Handle.Dispose();
                        j.Handle = null;
                        n++;
                    }
                }
            }
        }
        return n;
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "lifetime over: deleted {Path}")]
    private static partial void LogExpired(ILogger logger, string path);
}
