using System.Globalization;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>How a duplicate upload is materialised (spec §1.6, §2.9).</summary>
internal enum DedupMode
{
    /// <summary>copyparty's default since 1.15.0: a full copy on the server; the client sends nothing.</summary>
    Copy,
    /// <summary><c>--dedup</c>: a relative symlink to the existing file.</summary>
    Symlink,
    /// <summary><c>--hardlink</c>: a hard link, a symlink where that fails.</summary>
    Hardlink,
    /// <summary><c>--hardlink-only</c>: a hard link, a copy where that fails.</summary>
    HardlinkOnly,
    /// <summary><c>--reflink</c> (new in SharpParty): a copy-on-write clone (FICLONE) where the filesystem can, else a copy.</summary>
    Reflink,
}

/// <summary>Global up2k settings; volume flags of the same names override them per volume (<see cref="For"/>).</summary>
internal sealed record Up2kOptions
{
    /// <summary><c>--warksalt</c>: must match the clients' (u2c has none, so keep copyparty's default "hunter2").</summary>
    public string WarkSalt { get; init; } = "hunter2";

    public DedupMode Dedup { get; init; } = DedupMode.Copy;

    /// <summary><c>--no-clone</c>: never reuse data on the server; the client uploads every byte.</summary>
    public bool NoClone { get; init; }

    /// <summary><c>--no-dupe</c>: reject a duplicate with 409.</summary>
    public bool NoDupe { get; init; }

    /// <summary><c>--safe-dedup</c>: 1 trusts size+mtime of the existing copy; 10 and more re-hash it first (copyparty's default 50).</summary>
    public int SafeDedup { get; init; } = 50;

    /// <summary><c>--dotpart</c>: name unfinished uploads <c>.NAME.PARTIAL</c> (hidden) instead of <c>NAME.PARTIAL</c>.</summary>
    public bool DotPart { get; init; }

    /// <summary><c>--u2-fsync</c> (ours): fdatasync each chunk before confirming it, so even a power loss keeps confirmed
    /// chunks (by default a confirmed chunk survives a crash of the server process, not of the machine).</summary>
    public bool Fsync { get; init; }

    /// <summary><c>--u2abort</c>: who may abort an unfinished upload from the unpost list: 0 nobody, 1 same IP and account
    /// (copyparty's default), 2 same IP, 3 same account.</summary>
    public int Abort { get; init; } = 1;

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out Up2kOptions options, out string error)
    {
        options = new Up2kOptions();
        error = "";
        if (!int.TryParse(last("safe-dedup"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var safe) || safe < 1)
        {
            error = "--safe-dedup: expected a whole number >= 1";
            return false;
        }
        if (!int.TryParse(last("u2abort"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var abort) || abort is < 0 or > 3)
        {
            error = "--u2abort: expected 0, 1, 2 or 3";
            return false;
        }
        var salt = last("warksalt") ?? "hunter2";
        if (salt.Length == 0)
        {
            error = "--warksalt: must not be empty";
            return false;
        }
        options = new Up2kOptions
        {
            WarkSalt = salt,
            Dedup = ModeOf(has("reflink"), has("hardlink-only"), has("hardlink"), has("dedup")),
            NoClone = has("no-clone"),
            NoDupe = has("no-dupe"),
            SafeDedup = safe,
            DotPart = has("dotpart"),
            Fsync = has("u2-fsync"),
            Abort = abort,
        };
        return true;
    }

    private static DedupMode ModeOf(bool reflink, bool hardlinkOnly, bool hardlink, bool dedup) =>
        reflink ? DedupMode.Reflink : hardlinkOnly ? DedupMode.HardlinkOnly : hardlink ? DedupMode.Hardlink : dedup ? DedupMode.Symlink : DedupMode.Copy;

    /// <summary>These settings as they apply in one volume (its flags win).</summary>
    public Up2kOptions For(Volume v)
    {
        var f = v.Flags;
        if (f.Count == 0)
        {
            return this;
        }
        var mode = f.ContainsKey("reflink") || f.ContainsKey("hardlinkonly") || f.ContainsKey("hardlink") || f.ContainsKey("dedup")
            ? ModeOf(f.ContainsKey("reflink"), f.ContainsKey("hardlinkonly"), f.ContainsKey("hardlink"), f.ContainsKey("dedup"))
            : Dedup;
        var safe = f.TryGetValue("safededup", out var s) && int.TryParse(s, CultureInfo.InvariantCulture, out var sv) && sv >= 1 ? sv : SafeDedup;
        return this with
        {
            Dedup = mode,
            NoClone = NoClone || f.ContainsKey("noclone"),
            NoDupe = NoDupe || f.ContainsKey("nodupe"),
            SafeDedup = safe,
            Abort = f.TryGetValue("u2abort", out var a) && int.TryParse(a, CultureInfo.InvariantCulture, out var av) && av is >= 0 and <= 3 ? av : Abort,
        };
    }
}
