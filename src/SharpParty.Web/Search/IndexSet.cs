using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Index;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Search;

/// <summary>
/// The open indexes, one per volume with <c>e2d</c>, keyed by the volume's real path and state folder (they survive
/// config reloads). Also the one place that records uploads, dupes, moves and deletes in them.
/// </summary>
internal sealed partial class IndexSet(ConfigHolder config, ILogger<IndexSet> log) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<VolumeIndex>> _open = new(StringComparer.Ordinal);

    public VolumeIndexPolicy PolicyFor(Volume v) => config.Current.Index.For(v, (v.Everyone & Perm.Write) != 0 || v.Users.Values.Any(p => (p & Perm.Write) != 0));

    /// <summary>The volume's index, or null when the volume keeps none.</summary>
    public VolumeIndex? For(Volume v)
    {
        if (!PolicyFor(v).Enabled)
        {
            return null;
        }
        return _open.GetOrAdd(v.RealPath + "\n" + v.HistPath, _ => new Lazy<VolumeIndex>(() =>
        {
            var idx = new VolumeIndex(Path.Combine(v.HistPath, IndexDb.FileName), out var note);
            if (note is not null)
            {
                LogReplaced(log, note);
            }
            return idx;
        })).Value;
    }

    /// <summary>Records a finished upload (or a dupe made for one).</summary>
    public void RecordUpload(Volume v, string dir, string name, long size, long mtime, string wark, long upAt, string ip, string user)
    {
        try
        {
            For(v)?.Upsert(new FileRow(dir, name, size, mtime, wark, upAt, ip, user));
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // the upload is on disk and complete; the next scan indexes it
            LogWriteFailed(log, v.VPath, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var l in _open.Values)
        {
            if (l.IsValueCreated)
            {
                l.Value.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "{Note}")]
    private static partial void LogReplaced(ILogger logger, string note);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "index of /{Volume}: write failed ({Reason}); a rescan will catch up")]
    private static partial void LogWriteFailed(ILogger logger, string volume, string reason);
}
