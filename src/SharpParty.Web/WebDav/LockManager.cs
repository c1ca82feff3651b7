namespace SharpParty.Web.WebDav;

/// <summary>One write lock (RFC 4918 §6): on a URL (a virtual path), depth 0 or infinity, exclusive or shared.</summary>
internal sealed class DavLock(string token, string root, bool infinite, bool exclusive, string? ownerXml, string user, long timeoutSeconds)
{
    public string Token { get; } = token;

    /// <summary>The virtual path the lock was taken on ("" is the server root).</summary>
    public string Root { get; } = root;

    public bool Infinite { get; } = infinite;
    public bool Exclusive { get; } = exclusive;
    public string? OwnerXml { get; } = ownerXml;

    /// <summary>The account that took it: a token is bound to its principal (RFC 4918 §6.4).</summary>
    public string User { get; } = user;

    public long TimeoutSeconds { get; set; } = timeoutSeconds;
    public DateTimeOffset Expires { get; set; }

    /// <summary>Whether this lock applies to <paramref name="vpath"/> (RFC 4918 §6.1: depth infinity covers the members).</summary>
    public bool Covers(string vpath) => Root == vpath || (Infinite && LockManager.IsUnder(vpath, Root));
}

/// <summary>
/// The server's write locks, in memory (locks do not survive a restart; RFC 4918 §6.6 lets a server drop them).
/// Keyed by URL, not by file, so they work the same for every volume; bounded in count.
/// </summary>
internal sealed class LockManager(TimeProvider time)
{
    public const long DefaultTimeout = 3600;
    public const long MaxTimeout = 86400;
    private const int MaxLocks = 10000;

    private readonly Dictionary<string, DavLock> _byToken = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Cheap check for the write path: no locks means no lock can be in the way.</summary>
    public bool Any
    {
        get
        {
            lock (_gate)
            {
                return _byToken.Count > 0;
            }
        }
    }

    public static bool IsUnder(string vpath, string root) =>
        root.Length == 0 ? vpath.Length > 0 : vpath.Length > root.Length && vpath[root.Length] == '/' && vpath.StartsWith(root, StringComparison.Ordinal);

    /// <summary>The locks that apply to <paramref name="vpath"/> (on it, or depth-infinity on an ancestor).</summary>
    public List<DavLock> Covering(string vpath)
    {
        lock (_gate)
        {
            Prune();
            return _byToken.Values.Where(l => l.Covers(vpath)).ToList();
        }
    }

    /// <summary>Locks taken on <paramref name="vpath"/> or anything below it (what a DELETE or MOVE of a collection touches).</summary>
    public List<DavLock> AtOrBelow(string vpath)
    {
        lock (_gate)
        {
            Prune();
            return _byToken.Values.Where(l => l.Root == vpath || IsUnder(l.Root, vpath)).ToList();
        }
    }

    /// <summary>Takes a new lock unless one in the way conflicts (RFC 4918 §6.2, §9.10.5); null means 423.</summary>
    public DavLock? TryLock(string root, bool infinite, bool exclusive, string? ownerXml, string user, long timeout)
    {
        lock (_gate)
        {
            Prune();
            if (_byToken.Count >= MaxLocks)
            {
                return null;
            }
            foreach (var l in _byToken.Values)
            {
                var overlaps = l.Covers(root) || (infinite && IsUnder(l.Root, root));
                if (overlaps && (exclusive || l.Exclusive))
                {
                    return null;
                }
            }
            var lk = new DavLock("urn:uuid:" + Guid.NewGuid().ToString("D"), root, infinite, exclusive, ownerXml, user, timeout)
            {
                Expires = time.GetUtcNow().AddSeconds(timeout),
            };
            _byToken[lk.Token] = lk;
            return lk;
        }
    }

    /// <summary>Refreshes a lock that applies to <paramref name="vpath"/> (RFC 4918 §9.10.2).</summary>
    public DavLock? Refresh(string token, string vpath, string user, long timeout)
    {
        lock (_gate)
        {
            Prune();
            if (!_byToken.TryGetValue(token, out var l) || !l.Covers(vpath) || l.User != user)
            {
                return null;
            }
            l.TimeoutSeconds = timeout;
            l.Expires = time.GetUtcNow().AddSeconds(timeout);
            return l;
        }
    }

    /// <summary>The lock with this token when it applies to <paramref name="vpath"/>.</summary>
    public DavLock? Find(string token, string vpath)
    {
        lock (_gate)
        {
            Prune();
            return _byToken.TryGetValue(token, out var l) && l.Covers(vpath) ? l : null;
        }
    }

    public void Remove(string token)
    {
        lock (_gate)
        {
            _byToken.Remove(token);
        }
    }

    /// <summary>A deleted or moved-away resource loses the locks taken on it and below it (RFC 4918 §9.6.1, §9.9.1).</summary>
    public void ForgetAtOrBelow(string vpath)
    {
        lock (_gate)
        {
            foreach (var l in _byToken.Values.Where(l => l.Root == vpath || IsUnder(l.Root, vpath)).ToList())
            {
                _byToken.Remove(l.Token);
            }
        }
    }

    /// <summary>Seconds left, for lockdiscovery's timeout.</summary>
    public long SecondsLeft(DavLock l) => Math.Max(0, (long)(l.Expires - time.GetUtcNow()).TotalSeconds);

    private void Prune()
    {
        if (_byToken.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        List<string>? dead = null;
        foreach (var l in _byToken.Values)
        {
            if (l.Expires <= now)
            {
                (dead ??= []).Add(l.Token);
            }
        }
        foreach (var t in dead ?? [])
        {
            _byToken.Remove(t);
        }
    }

    /// <summary>Parses a Timeout header (RFC 4918 §10.7): the first "Second-N" or "Infinite", capped.</summary>
    public static long ParseTimeout(string header)
    {
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("Infinite", StringComparison.OrdinalIgnoreCase))
            {
                return MaxTimeout;
            }
            if (part.StartsWith("Second-", StringComparison.OrdinalIgnoreCase) && long.TryParse(part.AsSpan(7), out var s) && s > 0)
            {
                return Math.Min(s, MaxTimeout);
            }
        }
        return DefaultTimeout;
    }
}
