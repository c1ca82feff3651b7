using System.Globalization;

namespace SharpParty.Core.Config;

/// <summary>
/// The WebSocket relay (p2p-copy compatible, spec p2p-copy-relay.md §1.5). Off unless <c>--relay</c> or
/// <c>--relay-root</c> is given; every limit is one p2p-copy's relay lacks (§1.4 defect 5).
/// </summary>
internal sealed record RelayOptions
{
    /// <summary><c>--relay</c>: accept WebSocket upgrades at <c>/.cpr/relay</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>--relay-root</c>: also at any other path (p2p-copy clients use the URL's path as given, e.g. <c>ws://host:3923</c>).</summary>
    public bool AnyPath { get; init; }

    /// <summary><c>--relay-users</c>: "*" anyone (p2p-copy's relay has no auth), "@acct" any logged-in account, else a list of account names.</summary>
    public IReadOnlyList<string> Users { get; init; } = ["*"];

    /// <summary><c>--relay-wait</c>: a peer waiting this long for its partner is closed (p2p-copy waits forever; its sender gives up after 300 s).</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary><c>--relay-ip-max</c>: waiting sockets per client IP.</summary>
    public int WaitingPerIp { get; init; } = 16;

    /// <summary><c>--relay-pairs</c>: concurrent pairs (each holds two sockets and two 256 KiB buffers).</summary>
    public int MaxPairs { get; init; } = 64;

    /// <summary><c>--relay-rate</c>: bytes per second per pair, both directions together; 0 = unlimited.</summary>
    public long BytesPerSecond { get; init; }

    /// <summary><c>--relay-msg</c>: largest WebSocket message forwarded; p2p-copy's clients cap theirs at 2 MiB (max_size=2**21),
    /// plus 64 KiB slack as the spec proposes.</summary>
    public int MaxMessage { get; init; } = (2 << 20) + (64 << 10);

    /// <summary><c>--relay-box</c>: the mailbox at <c>/.cpr/relay/FOLDER</c>; a peer there that finds no partner within
    /// this time is served by the server itself (stores into FOLDER, or sends from it). Null: off.</summary>
    public TimeSpan? BoxWait { get; init; }

    public bool Active => Enabled || AnyPath;

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out RelayOptions options, out string error)
    {
        options = new RelayOptions();
        error = "";
        if (!TryInt(last("relay-wait"), 1, out var wait))
        {
            error = "--relay-wait: expected seconds (a whole number >= 1)";
            return false;
        }
        if (!TryInt(last("relay-ip-max"), 1, out var perIp))
        {
            error = "--relay-ip-max: expected a whole number >= 1";
            return false;
        }
        if (!TryInt(last("relay-pairs"), 1, out var pairs))
        {
            error = "--relay-pairs: expected a whole number >= 1";
            return false;
        }
        if (!double.TryParse(last("relay-rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out var mibs) || mibs < 0)
        {
            error = "--relay-rate: expected MiB/s (a number >= 0; 0 = unlimited)";
            return false;
        }
        if (!TryInt(last("relay-msg"), 64, out var msgKib))
        {
            error = "--relay-msg: expected KiB (a whole number >= 64)";
            return false;
        }
        TimeSpan? box = null;
        if (last("relay-box") is { } boxSec)
        {
            if (!double.TryParse(boxSec, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) || b < 0 || b > 86400)
            {
                error = "--relay-box: expected seconds (a number >= 0)";
                return false;
            }
            box = TimeSpan.FromSeconds(b);
        }
        var users = (last("relay-users") ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (users.Length == 0)
        {
            error = "--relay-users: expected *, @acct or account names";
            return false;
        }
        options = new RelayOptions
        {
            Enabled = has("relay"),
            AnyPath = has("relay-root"),
            Users = users,
            WaitTimeout = TimeSpan.FromSeconds(wait),
            WaitingPerIp = perIp,
            MaxPairs = pairs,
            BytesPerSecond = (long)(mibs * (1 << 20)),
            MaxMessage = msgKib << 10,
            BoxWait = box,
        };
        return true;
    }

    /// <summary>Whether this account may use the relay ("*" is the anonymous user).</summary>
    public bool Allows(string user) =>
        Users.Any(u => u == "*" || u == user || (u == "@acct" && user != "*"));

    private static bool TryInt(string? s, int min, out int v) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v) && v >= min;
}
