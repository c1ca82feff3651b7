using System.Globalization;

namespace SharpParty.Core.Config;

/// <summary>The TFTP server's settings (<c>--tftp</c> and friends, as copyparty's; <c>--tftp-max</c> and the retry
/// settings are ours).</summary>
internal sealed record TftpOptions
{
    /// <summary><c>--tftp PORT</c>: 0 = off (copyparty's default).</summary>
    public int Port { get; init; }

    /// <summary><c>--tftp-pr A-B</c>: the UDP ports transfers use; null = any ephemeral port the kernel hands out.</summary>
    public (int Low, int High)? PortRange { get; init; }

    /// <summary><c>--tftp4</c>: IPv4 only.</summary>
    public bool Ipv4Only { get; init; }

    /// <summary><c>--tftp-nols</c>: requesting a folder is an error instead of its listing.</summary>
    public bool NoFolderListing { get; init; }

    /// <summary><c>--tftp-lsf</c>: a requested name that matches this (whole, case-insensitive) and does not exist gets
    /// the folder's listing; copyparty's default matches <c>.ls</c>, <c>dir</c>, <c>ls.txt</c>, <c>.dir.txt</c>…</summary>
    public string ListingPattern { get; init; } = DefaultListingPattern;

    /// <summary><c>--tftp-max</c> (ours): transfers at once; one more gets an ERROR "server busy". Each transfer holds a
    /// socket and a few blocks of memory; 64 is far beyond what TFTP clients (firmware, PXE) ask of one server.</summary>
    public int MaxTransfers { get; init; } = 64;

    /// <summary><c>--tftp-to</c> (ours): seconds before an unanswered packet is sent again when the client did not ask for a
    /// timeout (RFC 2349 lets it). 1 s as tftpd-hpa's default.</summary>
    public int TimeoutSeconds { get; init; } = 1;

    /// <summary><c>--tftp-retries</c> (ours): sends of the same packet before the transfer is given up (tftpd-hpa gives up
    /// after about 5 timeouts too).</summary>
    public int Retries { get; init; } = 6;

    /// <summary><c>--tftp-ipa CIDR</c>: only clients inside these prefixes are answered; null = anyone.</summary>
    public IpAllowList? AllowedClients { get; init; }

    public const string DefaultListingPattern = @"\.?(dir|ls)(\.txt)?";

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out TftpOptions options, out string error)
    {
        options = new TftpOptions();
        error = "";
        if (!int.TryParse(last("tftp") ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            error = "--tftp: expected a UDP port (0-65535; 0 = off)";
            return false;
        }
        (int, int)? range = null;
        if (last("tftp-pr") is { Length: > 0 } pr)
        {
            var dash = pr.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(pr[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lo)
                || !int.TryParse(pr[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hi) || lo < 1 || hi > 65535 || hi < lo)
            {
                error = $"--tftp-pr {pr}: expected a port range A-B (1-65535)";
                return false;
            }
            range = (lo, hi);
        }
        if (!TryInt(last, "tftp-max", 1, 10000, 64, out var max, out error) || !TryInt(last, "tftp-to", 1, 255, 1, out var to, out error)
            || !TryInt(last, "tftp-retries", 1, 100, 6, out var retries, out error))
        {
            return false;
        }
        var lsf = last("tftp-lsf") ?? DefaultListingPattern;
        try
        {
            _ = new System.Text.RegularExpressions.Regex(lsf);
        }
        catch (ArgumentException)
        {
            error = $"--tftp-lsf: not a valid regular expression: {lsf}";
            return false;
        }
        if (!IpAllowList.TryParse(last("tftp-ipa"), out var ipa, out var ipaError))
        {
            error = "--tftp-ipa: " + ipaError;
            return false;
        }
        options = new TftpOptions
        {
            AllowedClients = ipa,
            Port = port,
            PortRange = range,
            Ipv4Only = has("tftp4"),
            NoFolderListing = has("tftp-nols"),
            ListingPattern = lsf,
            MaxTransfers = max,
            TimeoutSeconds = to,
            Retries = retries,
        };
        return true;
    }

    private static bool TryInt(Func<string, string?> last, string key, int min, int max, int dflt, out int value, out string error)
    {
        error = "";
        var text = last(key);
        if (text is null)
        {
            value = dflt;
            return true;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"--{key}: expected a whole number from {min} to {max}";
            return false;
        }
        return true;
    }
}
