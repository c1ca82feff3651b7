using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Search;

/// <summary>
/// Files that arrive by PUT or multipart are hashed with the up2k scheme after the reply has gone out, one at a time,
/// and recorded in the index, so they can be found by content and deduplicated like up2k uploads (copyparty does this
/// hashing in its own background queue too). Bounded: when the queue is full the next scan picks the file up.
/// </summary>
internal sealed class UploadHasher(IndexSet indexes, TagService tags, ConfigHolder config) : BackgroundService
{
    private readonly Channel<(Volume Vol, string Dir, string Name, long UpAt, string Ip, string User)> _queue =
        Channel.CreateBounded<(Volume, string, string, long, string, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Files waiting (tests wait for 0).</summary>
    public int Pending => _queue.Reader.Count + _busy;

    private volatile int _busy;

    public void Enqueue(Volume vol, string dir, string name, long upAt, string ip, string user)
    {
        if (indexes.PolicyFor(vol).Enabled)
        {
            _queue.Writer.TryWrite((vol, dir, name, upAt, ip, user));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (vol, dir, name, upAt, ip, user) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _busy = 1;
                try
                {
                    var path = Path.Combine(vol.RealPath, dir, name);
                    var fi = new FileInfo(path);
                    if (!fi.Exists)
                    {
                        continue;
                    }
                    var (wark, _, size) = await FileHasher.HashAsync(path, config.Current.Up2k.WarkSalt, 1, stoppingToken);
                    if (size == 0)
                    {
                        wark = Up2kHash.MetaWark(config.Current.Up2k.WarkSalt, 0, new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds(), dir, name);
                    }
                    indexes.RecordUpload(vol, dir, name, size, new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds(), wark, upAt, ip, user);
                    tags.Enqueue(vol, dir, name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // moved or deleted since: nothing to record
                }
                finally
                {
                    _busy = 0;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
