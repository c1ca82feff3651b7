using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using SharpParty.Core.Config;

namespace SharpParty;

/// <summary>The URLs a person can open: with <c>-i ::</c> (the default) every address of every interface that is up.</summary>
internal static class ReachableUrls
{
    public static string Describe(ServerOptions options, IReadOnlyList<Uri> bound)
    {
        var sb = new StringBuilder("open one of these in a browser:");
        var any = options.Addresses.Any(a => a is "::" or "0.0.0.0");
        // every port speaks both unless --http-only / --https-only says otherwise (copyparty prints both lists too)
        string[] schemes = options.Tls.Mode switch
        {
            TlsMode.HttpOnly => ["http"],
            TlsMode.HttpsOnly => ["https"],
            _ => ["http", "https"],
        };
        foreach (var scheme in schemes)
        {
            if (!any)
            {
                foreach (var u in bound)
                {
                    sb.Append("\n  ").Append(new UriBuilder(u) { Scheme = scheme }.Uri);
                }
                continue;
            }
            foreach (var port in bound.Select(u => u.Port).Distinct())
            {
                foreach (var ip in LocalAddresses())
                {
                    var host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
                    sb.Append("\n  ").Append(scheme).Append("://").Append(host).Append(':').Append(port).Append('/');
                }
            }
        }
        return sb.ToString();
    }

    private static List<IPAddress> LocalAddresses()
    {
        NetworkInterface[] nics;
        try
        {
            nics = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return [IPAddress.Loopback];
        }
        return nics.Where(n => n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .Where(a => !a.IsIPv6LinkLocal)
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0)
            .ToList();
    }
}
