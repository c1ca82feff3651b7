using System.Collections.Concurrent;
using System.Net;
using SharpParty.Core.Config;

namespace SharpParty.Web.Auth;

/// <summary>
/// copyparty's bans (<c>--ban-pw N,W,B</c>): more than N strikes within W minutes bans the address for B minutes.
/// Memory stays bounded under a flood from many addresses: past <see cref="MaxTracked"/> the oldest are dropped.
/// </summary>
internal sealed class BanList(TimeProvider time)
{
    private const int MaxTracked = 65536;

    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Strikes { get; } = new();
        public DateTimeOffset BannedUntil { get; set; }
        public DateTimeOffset LastSeen { get; set; }
    }

    public bool IsBanned(IPAddress ip, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        if (_entries.IsEmpty || !_entries.TryGetValue(Normalize(ip), out var e))
        {
            return false;
        }
        lock (e)
        {
            remaining = e.BannedUntil - time.GetUtcNow();
            return remaining > TimeSpan.Zero;
        }
    }

    /// <summary>Records one bad event; true when it triggers a ban.</summary>
    public bool Strike(IPAddress ip, BanRule rule)
    {
        ip = Normalize(ip);
        var now = time.GetUtcNow();
        if (_entries.Count >= MaxTracked && !_entries.ContainsKey(ip))
        {
            Evict(now);
        }
        var e = _entries.GetOrAdd(ip, static _ => new Entry());
        lock (e)
        {
            e.LastSeen = now;
            while (e.Strikes.Count > 0 && now - e.Strikes.Peek() > rule.Window)
            {
                e.Strikes.Dequeue();
            }
            e.Strikes.Enqueue(now);
            if (e.Strikes.Count > rule.Count && e.BannedUntil <= now)
            {
                e.BannedUntil = now + rule.Duration;
                e.Strikes.Clear();
                return true;
            }
            return false;
        }
    }

    private void Evict(DateTimeOffset now)
    {
        // drop everything not banned right now, oldest first, down to three quarters
        foreach (var kv in _entries.Where(kv => kv.Value.BannedUntil <= now).OrderBy(kv => kv.Value.LastSeen).Take(_entries.Count - (MaxTracked * 3 / 4)))
        {
            _entries.TryRemove(kv.Key, out _);
        }
    }

    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    public int Tracked => _entries.Count;
}
