using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>"More than N events within W minutes bans the IP for B minutes" (copyparty's --ban-* syntax); null = off.</summary>
internal sealed record BanRule(int Count, TimeSpan Window, TimeSpan Duration)
{
    public static bool TryParse(string text, out BanRule? rule, out string error)
    {
        rule = null;
        error = "";
        if (text is "no" or "0" or "")
        {
            return true;
        }
        var p = text.Split(',');
        if (p.Length != 3 || !int.TryParse(p[0], out var n) || !double.TryParse(p[1], System.Globalization.CultureInfo.InvariantCulture, out var w)
            || !double.TryParse(p[2], System.Globalization.CultureInfo.InvariantCulture, out var b) || n < 1 || w <= 0 || b <= 0)
        {
            error = $"bad ban rule '{text}': expected N,W,B (count, window minutes, ban minutes) or 'no'";
            return false;
        }
        rule = new BanRule(n, TimeSpan.FromMinutes(w), TimeSpan.FromMinutes(b));
        return true;
    }
}

/// <summary>
/// The whole configuration as one immutable snapshot (house rule 8): built and validated before anything listens,
/// swapped atomically on reload; readers never lock.
/// </summary>
internal sealed class ServerOptions
{
    public required IReadOnlyList<string> Addresses { get; init; }
    public required IReadOnlyList<int> Ports { get; init; }
    public required IReadOnlyDictionary<string, string> Accounts { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; init; }
    public required IReadOnlyList<VolumeSpec> Volumes { get; init; }
    public required VfsTree Vfs { get; init; }
    public bool Quiet { get; init; }
    public string? LogFile { get; init; }
    public string? Hist { get; init; }
    public bool AllowDots { get; init; }
    public TlsOptions Tls { get; init; } = new();
    public bool Vague403 { get; init; }
    public bool NoDotMv { get; init; }
    public bool NoDotRen { get; init; }

    /// <summary><c>--no-up-list</c>: the control panel does not list incoming files.</summary>
    public bool NoUpList { get; init; }
    public bool NoMv { get; init; }

    /// <summary><c>--no-dav</c>: WebDAV methods are refused.</summary>
    public bool NoDav { get; init; }

    /// <summary><c>--dav-inf</c>: PROPFIND may ask for Depth: infinity.</summary>
    public bool DavInf { get; init; }

    /// <summary><c>--dav-mac</c>: macOS junk (<c>._*</c>, <c>.DS_Store</c>) is listed and may be created.</summary>
    public bool DavMac { get; init; }

    /// <summary><c>--dav-auth</c>: an anonymous PROPFIND gets a 401 challenge everywhere (volflag <c>davauth</c>).</summary>
    public bool DavAuth { get; init; }

    /// <summary><c>--blank-wt</c>: an empty file younger than this many seconds may be overwritten by any writer.</summary>
    public int BlankWt { get; init; } = 300;
    public bool NoDel { get; init; }

    /// <summary><c>--no-zip</c>: folders cannot be downloaded as zip or tar.</summary>
    public bool NoZip { get; init; }
    public BanRule? BanPw { get; init; }
    public int UnpostSeconds { get; init; } = 43200;
    public Up2kOptions Up2k { get; init; } = new();
    public IndexOptions Index { get; init; } = new();

    /// <summary><c>--ftp</c>, <c>--ftps</c> and their knobs.</summary>
    public FtpOptions Ftp { get; init; } = new();
    /// <summary>The TFTP server (<c>--tftp</c>; off by default).</summary>
    public TftpOptions Tftp { get; init; } = new();
    /// <summary>The WebSocket relay (<c>--relay*</c>).</summary>
    public RelayOptions Relay { get; init; } = new();
    public MediaOptions Media { get; init; } = new();
    public string AhAlg { get; init; } = "none";
    public string? AhSalt { get; init; }
    public int LogoutHours { get; init; } = 8086;
    public required string SessionDb { get; init; }
    public string ServerName { get; init; } = "sharpparty";
    public string? ExitWhen { get; init; }
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>Startup warnings (unsupported copyparty flags, unknown users in grants).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The command line this snapshot was built from (a reload re-reads the config files with it).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
}
