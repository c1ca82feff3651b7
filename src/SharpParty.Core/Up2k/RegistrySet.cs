using System.Collections.Concurrent;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Up2k;

/// <summary>
/// The registries of all volumes, opened on first use and kept across config reloads (keyed by the volume's real path
/// and state folder, which identify its files whatever its URL).
/// </summary>
internal sealed class RegistrySet(TimeProvider time) : IDisposable
{
    /// <summary>Unfinished uploads idle this long are dropped on the next start (copyparty's <c>--snap-drop</c> 1440 min).</summary>
    public const long DropIdleSeconds = 1440 * 60;

    public const string JournalName = "up2k.journal";

    private readonly ConcurrentDictionary<string, Lazy<UploadRegistry>> _byVolume = new(StringComparer.Ordinal);

    public UploadRegistry For(Volume v) =>
        _byVolume.GetOrAdd(v.RealPath + "\n" + v.HistPath, _ => new Lazy<UploadRegistry>(() =>
            UploadRegistry.Open(v.RealPath, Path.Combine(v.HistPath, JournalName), time.GetUtcNow().ToUnixTimeSeconds(), DropIdleSeconds))).Value;

    /// <summary>Opens every volume's registry now, so that uploads interrupted by a stop are known before any request.</summary>
    public void OpenAll(IEnumerable<Volume> volumes)
    {
        foreach (var v in volumes)
        {
            if (File.Exists(Path.Combine(v.HistPath, JournalName)))
            {
                For(v);
            }
        }
    }

    /// <summary>Every registry opened so far (for file-search and unpost across volumes).</summary>
    public IEnumerable<UploadRegistry> Opened => _byVolume.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    public void Dispose()
    {
        foreach (var l in _byVolume.Values)
        {
            if (l.IsValueCreated)
            {
                l.Value.Dispose();
            }
        }
    }
}
