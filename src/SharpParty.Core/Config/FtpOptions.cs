using System.Globalization;
using System.Net;

namespace SharpParty.Core.Config;

/// <summary>
/// <c>--ftp</c>/<c>--ftps</c> and their knobs, with copyparty's names and defaults where it has them (its FTP server is
/// pyftpdlib, so the limits it does not name are pyftpdlib's defaults, said per property).
/// </summary>
internal sealed record FtpOptions
{
    /// <summary><c>--ftp PORT</c>: plain FTP; 0 = off.</summary>
    public int Port { get; init; } = -1;

    /// <summary><c>--ftps PORT</c>: explicit FTPS (AUTH TLS required before login, PROT P for data); 0 = off.</summary>
    public int TlsPort { get; init; } = -1;

    /// <summary><c>--ftp-pr A-B</c>: passive ports; null = any free port. Split in halves when both servers run (as copyparty).</summary>
    public (int Lo, int Hi)? PassiveRange { get; init; }

    /// <summary><c>--ftp-nat ADDR</c>: the address put in PASV replies instead of the control connection's local one.</summary>
    public IPAddress? NatAddress { get; init; }

    /// <summary><c>--ftp-wt SEC</c>: a file modified less than this long ago may be overwritten by anyone who may write (copyparty: 7).</summary>
    public int WriteGraceSeconds { get; init; } = 7;

    /// <summary><c>--ftp-no-ow</c>: an existing file is never overwritten (outside the grace period).</summary>
    public bool NoOverwrite { get; init; }

    /// <summary><c>--ftp-no-active</c> (ours): refuse PORT/EPRT; passive only.</summary>
    public bool NoActive { get; init; }

    /// <summary><c>--ftp-idle SEC</c> (ours): control and data connections idle this long are closed (pyftpdlib's timeout: 300).</summary>
    public int IdleSeconds { get; init; } = 300;

    /// <summary><c>--ftp-ip-max N</c> (ours): control connections per client address (pyftpdlib's max_cons_per_ip is unlimited; 0 = unlimited).</summary>
    public int MaxPerIp { get; init; } = 32;

    /// <summary><c>--ftpv</c>: log every command and reply (passwords masked), as copyparty's verbose pyftpdlib log.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>--ftp4</c>: listen on IPv4 only ("::" becomes 0.0.0.0, other IPv6 addresses are left out).</summary>
    public bool Ipv4Only { get; init; }

    /// <summary><c>--ftp-ipa CIDR</c>: only clients inside these prefixes may connect; null = anyone.</summary>
    public IpAllowList? AllowedClients { get; init; }

    public bool Enabled => Port >= 0 || TlsPort >= 0;

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out FtpOptions options, out string error)
    {
        options = new FtpOptions();
        error = "";
        int Port(string key, out bool ok)
        {
            ok = true;
            var v = last(key);
            if (v is null)
            {
                return -1;
            }
            ok = int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535;
            return p;
        }
        var ftp = Port("ftp", out var ok1);
        var ftps = Port("ftps", out var ok2);
        if (!ok1 || !ok2)
        {
            error = (ok1 ? "--ftps" : "--ftp") + ": expected a port number (0-65535)";
            return false;
        }
        (int, int)? range = null;
        if (last("ftp-pr") is { } pr)
        {
            var dash = pr.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(pr[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lo)
                || !int.TryParse(pr[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hi)
                || lo < 1 || hi > 65535 || hi < lo || (ftp >= 0 && ftps >= 0 && hi == lo))
            {
                error = $"--ftp-pr {pr}: expected a port range A-B (two ports at least when both --ftp and --ftps are on)";
                return false;
            }
            range = (lo, hi);
        }
        IPAddress? nat = null;
        if (last("ftp-nat") is { } n && !IPAddress.TryParse(n, out nat))
        {
            error = $"--ftp-nat {n}: expected an IP address";
            return false;
        }
        if (!TryInt(last("ftp-wt"), 0, out var wt) || !TryInt(last("ftp-idle"), 1, out var idle) || !TryInt(last("ftp-ip-max"), 0, out var ipMax))
        {
            error = "--ftp-wt, --ftp-idle, --ftp-ip-max: expected whole numbers (--ftp-idle at least 1)";
            return false;
        }
        if (!IpAllowList.TryParse(last("ftp-ipa"), out var ipa, out var ipaError))
        {
            error = "--ftp-ipa: " + ipaError;
            return false;
        }
        options = new FtpOptions
        {
            Verbose = has("ftpv"),
            Ipv4Only = has("ftp4"),
            AllowedClients = ipa,
            Port = ftp,
            TlsPort = ftps,
            PassiveRange = range,
            NatAddress = nat,
            WriteGraceSeconds = wt,
            NoOverwrite = has("ftp-no-ow"),
            NoActive = has("ftp-no-active"),
            IdleSeconds = idle,
            MaxPerIp = ipMax,
        };
        return true;
    }

    private static bool TryInt(string? v, int min, out int n) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out n) && n >= min;
}
