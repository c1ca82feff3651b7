using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Threading.Channels;
using SharpParty.Core.Vfs;
using SharpParty.Media.Tags;
using SharpParty.Web.Hosting;

namespace SharpParty.Web.Search;

/// <summary>
/// Media tags for the index: the built-in readers and ffprobe (SharpParty.Media), the <c>-mtp</c> programs, filtered to
/// the <c>-mte</c> keys. Uploads in volumes with <c>e2t</c> are queued here and read one at a time after the upload
/// has finished (tag reading never delays a reply); scans with <c>e2ts</c> call <see cref="ReadAsync"/> directly.
/// </summary>
internal sealed partial class TagService(IndexSet indexes, ConfigHolder config, ILogger<TagService> log) : BackgroundService
{
    private readonly Channel<(Volume Vol, string Dir, string Name)> _queue =
        Channel.CreateBounded<(Volume, string, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    private (Core.Config.IndexOptions Source, TagOptions Options, MtpRunner? Mtp, HashSet<string> Mte)? _built;

    private volatile int _busy;

    /// <summary>Uploads waiting for their tags (tests wait for 0).</summary>
    public int Pending => _queue.Reader.Count + _busy;

    /// <summary>The <c>-mte</c> keys in order: what listings and searches show.</summary>
    public IReadOnlyList<string> ShownKeys => TagKeyList.Parse(config.Current.Index.Mte ?? TagKeyList.DefaultMte);

    public void Enqueue(Volume vol, string dir, string name)
    {
        if (indexes.PolicyFor(vol).Tags)
        {
            _queue.Writer.TryWrite((vol, dir, name));
        }
    }

    /// <summary>The tags of one file, only the indexed (<c>-mte</c>) keys; numbers as long/double.</summary>
    public async Task<IReadOnlyDictionary<string, object>> ReadAsync(string path, CancellationToken ct)
    {
        var (options, mtp, mte) = Settings();
        var found = await TagReader.ReadAsync(path, options, ct);
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in found)
        {
            if (mte.Contains(k))
            {
                result[k] = v.ToObject();
            }
        }
        if (mtp is not null)
        {
            var more = await mtp.RunAsync(path, found, null, ct);
            foreach (var (k, v) in more)
            {
                if (mte.Contains(k))
                {
                    result[k] = v.ToObject();
                }
            }
        }
        return result;
    }

    /// <summary>Builds the reader settings from the current config (again after a reload).</summary>
    private (TagOptions, MtpRunner?, HashSet<string>) Settings()
    {
        var src = config.Current.Index;
        if (_built is { } b && ReferenceEquals(b.Source, src))
        {
            return (b.Options, b.Mtp, b.Mte);
        }
        var mte = TagKeyList.Parse(src.Mte ?? TagKeyList.DefaultMte).ToHashSet(StringComparer.Ordinal);
        var maps = new List<TagMapping>();
        foreach (var m in src.Mtm)
        {
            if (TagMapping.TryParse(m, out var mapping, out var err))
            {
                maps.Add(mapping);
            }
            else
            {
                LogBadOption(log, "-mtm " + m, err);
            }
        }
        var specs = new List<MtpSpec>();
        foreach (var m in src.Mtp)
        {
            if (MtpSpec.TryParse(m, out var spec, out var err))
            {
                specs.Add(spec!);
            }
            else
            {
                LogBadOption(log, "-mtp " + m, err);
            }
        }
        var options = new TagOptions
        {
            AllowFfprobe = !src.NoFfprobe,
            FfprobeTimeout = TimeSpan.FromSeconds(src.MtagTimeout),
            Map = maps.Count == 0 ? TagMap.Default : new TagMap(maps),
        };
        var runner = specs.Count == 0 ? null : new MtpRunner(specs, mte);
        _built = (src, options, runner, mte);
        return (options, runner, mte);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (vol, dir, name) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _busy = 1;
                try
                {
                    var tags = await ReadAsync(Path.Combine(vol.RealPath, dir, name), stoppingToken);
                    indexes.For(vol)?.SetTags(dir, name, tags);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
                {
                    // gone or unreadable: the next scan tries again
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

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "ignoring {Option}: {Reason}")]
    private static partial void LogBadOption(ILogger logger, string option, string reason);
}
