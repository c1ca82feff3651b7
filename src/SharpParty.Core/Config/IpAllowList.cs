using System.Net;
using System.Net.Sockets;

namespace SharpParty.Core.Config;

/// <summary>
/// The client addresses a protocol accepts, in copyparty's <c>--ipa</c>/<c>--ftp-ipa</c>/<c>--tftp-ipa</c> syntax:
/// comma-separated CIDR prefixes ("10.89.0.0/16, 192.168.33.0/24"), a bare address (one host), the old prefix form
/// "172.19." (= 172.19.0.0/16), "lan" (the private, link-local and loopback ranges), and "any" (no limit).
/// IPv4-mapped IPv6 clients are matched as IPv4.
/// </summary>
internal sealed class IpAllowList
{
    private const string Lan = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fd00::/8, 169.254.0.0/16, fe80::/10, 127.0.0.0/8, ::1/128";

    private readonly IPNetwork[] _nets;

    private IpAllowList(IPNetwork[] nets) => _nets = nets;

    public IReadOnlyList<IPNetwork> Networks => _nets;

    /// <summary>Null (everyone) for "", "any", "all", "no" or ","; false with a one-line reason for a bad entry.</summary>
    public static bool TryParse(string? text, out IpAllowList? list, out string error)
    {
        list = null;
        error = "";
        var csv = (text ?? "").Trim().ToLowerInvariant();
        if (csv is "" or "any" or "all" or "no" or ",")
        {
            return true;
        }
        if (csv is "lan" or "local" or "private" or "prvt")
        {
            csv = Lan;
        }
        var nets = new List<IPNetwork>();
        foreach (var raw in csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw;
            if (entry.EndsWith('.'))
            {
                // copyparty's old syntax: "10." "172.19." "192.168.1." are /8 /16 /24
                var words = entry.TrimEnd('.').Split('.').Length;
                entry = words switch
                {
                    1 => entry + "0.0.0/8",
                    2 => entry + "0.0/16",
                    3 => entry + "0/24",
                    _ => "",
                };
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var one))
            {
                entry += one.AddressFamily == AddressFamily.InterNetwork ? "/32" : "/128";
            }
            if (!TryPrefix(entry, out var net))
            {
                error = $"not an address prefix: {raw} (expected for example 10.89.0.0/16, 192.168.1., lan or any)";
                return false;
            }
            nets.Add(net);
        }
        list = nets.Count == 0 ? null : new IpAllowList([.. nets]);
        return true;
    }

    /// <summary>"a.b.c.d/n" with host bits allowed (copyparty's netmap masks them off; IPNetwork.TryParse refuses them).</summary>
    private static bool TryPrefix(string s, out IPNetwork net)
    {
        net = default;
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(s[..slash], out var ip)
            || !int.TryParse(s[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }
        var b = ip.GetAddressBytes();
        if (bits > b.Length * 8)
        {
            return false;
        }
        for (var i = 0; i < b.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            b[i] &= (byte)(0xFF << (8 - keep));
        }
        net = new IPNetwork(new IPAddress(b), bits);
        return true;
    }

    public bool Allows(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        foreach (var n in _nets)
        {
            if (n.Contains(ip))
            {
                return true;
            }
        }
        return false;
    }
}
