using System.Net;
using SharpParty.Core.Config;

namespace SharpParty.Web.Relay;

/// <summary>What became of a peer that said hello.</summary>
internal enum JoinResult
{
    /// <summary>First with this code: it waits for its partner.</summary>
    Waiting,
    /// <summary>Its partner was waiting: the pair starts.</summary>
    Paired,
    /// <summary>A peer with the same role is waiting: the newcomer is refused, the waiting peer stays (p2p-copy drops both).</summary>
    DuplicateRole,
    /// <summary><c>--relay-ip-max</c> sockets from this address are already waiting.</summary>
    TooManyWaiting,
    /// <summary><c>--relay-pairs</c> pairs are running; the waiting partner keeps waiting.</summary>
    Busy,
}

/// <summary>
/// The relay's one piece of shared state: peers waiting by code hash, the waiting count per IP, and the counters
/// shown in the log. One lock, held only for dictionary updates.
/// </summary>
internal sealed class RelayHub
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RelayPeer> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _waitingPerIp = [];
    private int _activePairs;
    private long _pairsTotal;
    private long _bytesTotal;
    private long _messagesTotal;
    private long _storedTotal;
    private long _servedTotal;

    public RelayCounters Counters
    {
        get
        {
            lock (_lock)
            {
                return new RelayCounters(_activePairs, _waiting.Count, _pairsTotal, Interlocked.Read(ref _bytesTotal), Interlocked.Read(ref _messagesTotal),
                    Interlocked.Read(ref _storedTotal), Interlocked.Read(ref _servedTotal));
            }
        }
    }

    public JoinResult Join(RelayPeer peer, RelayOptions options, out RelayPeer? partner)
    {
        partner = null;
        lock (_lock)
        {
            if (_waiting.TryGetValue(peer.Hello.CodeHash, out var other))
            {
                if (other.Hello.Role == peer.Hello.Role)
                {
                    return JoinResult.DuplicateRole;
                }
                if (_activePairs >= options.MaxPairs)
                {
                    return JoinResult.Busy;
                }
                RemoveWaiting(other);
                _activePairs++;
                _pairsTotal++;
                partner = other;
                return JoinResult.Paired;
            }
            var n = _waitingPerIp.GetValueOrDefault(peer.Ip);
            if (n >= options.WaitingPerIp)
            {
                return JoinResult.TooManyWaiting;
            }
            _waitingPerIp[peer.Ip] = n + 1;
            _waiting[peer.Hello.CodeHash] = peer;
            return JoinResult.Waiting;
        }
    }

    /// <summary>Takes a waiting peer out (it left, or timed out). False when a partner took it first: the pair owns it now.</summary>
    public bool Leave(RelayPeer peer)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(peer.Hello.CodeHash, out var w) || !ReferenceEquals(w, peer))
            {
                return false;
            }
            RemoveWaiting(peer);
            return true;
        }
    }

    public void AddBytes(long n) => Interlocked.Add(ref _bytesTotal, n);

    /// <summary>One whole message forwarded (counted at its last fragment).</summary>
    public void AddMessage() => Interlocked.Increment(ref _messagesTotal);

    /// <summary>A mailbox stored a sender's transfer (<see cref="RelayMailbox"/>).</summary>
    public void AddStored() => Interlocked.Increment(ref _storedTotal);

    /// <summary>A mailbox served a receiver.</summary>
    public void AddServed() => Interlocked.Increment(ref _servedTotal);

    public void PairEnded()
    {
        lock (_lock)
        {
            _activePairs--;
        }
    }

    private void RemoveWaiting(RelayPeer peer)
    {
        _waiting.Remove(peer.Hello.CodeHash);
        var n = _waitingPerIp.GetValueOrDefault(peer.Ip) - 1;
        if (n <= 0)
        {
            _waitingPerIp.Remove(peer.Ip);
        }
        else
        {
            _waitingPerIp[peer.Ip] = n;
        }
    }
}

/// <summary>A snapshot for the log and the status endpoint (<see cref="RelayStatus"/>).</summary>
internal readonly record struct RelayCounters(int ActivePairs, int Waiting, long PairsTotal, long BytesTotal, long MessagesTotal,
    long StoredTotal = 0, long ServedTotal = 0);
