using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharpParty.Core.Config;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// <c>--ftp PORT</c> and <c>--ftps PORT</c>: Kestrel endpoints whose connections go to <see cref="FtpServer"/> instead of
/// HTTP. Written by hand: no FTP server library is served in our NuGet copy.
/// </summary>
internal sealed class FtpModule : IServerModule
{
    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
        if (!options.Ftp.Enabled)
        {
            return;
        }
        services.AddSingleton<FtpListeners>();
        services.AddSingleton(new PassivePorts(options.Ftp.PassiveRange, options.Ftp.Port >= 0 && options.Ftp.TlsPort >= 0));
        services.AddSingleton<FtpPartials>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FtpPartials>());
        services.AddSingleton<FtpStorage>();
        services.AddSingleton<FtpServer>();
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, TlsIdentity? tls)
    {
        var ftp = options.Ftp;
        if (!ftp.Enabled)
        {
            return;
        }
        var listeners = kestrel.ApplicationServices.GetRequiredService<FtpListeners>();
        if (ftp.TlsPort >= 0)
        {
            // FTPS needs a certificate even when the web ports are plain (--http-only)
            if (tls is null && !CertificateSource.TryGet(options.Tls, CertificateSource.DefaultFile, DateTimeOffset.UtcNow, out tls, out _, out var error))
            {
                throw new InvalidOperationException("--ftps: " + error);
            }
            listeners.Tls = tls;
        }
        foreach (var (port, secure) in new[] { (ftp.Port, false), (ftp.TlsPort, true) })
        {
            if (port < 0)
            {
                continue;
            }
            foreach (var ip in ListenAddresses(options))
            {
                void Configure(ListenOptions listen)
                {
                    listeners.Add(listen, secure);
                    listen.Run(ctx => listen.ApplicationServices.GetRequiredService<FtpServer>().HandleAsync(ctx, secure));
                }
                if (ip.Equals(IPAddress.IPv6Any))
                {
                    kestrel.ListenAnyIP(port, Configure);
                }
                else
                {
                    kestrel.Listen(ip, port, Configure);
                }
            }
        }
    }

    /// <summary>The -i addresses; with <c>--ftp4</c> "::" stands for every IPv4 address and other IPv6 ones are left out.</summary>
    private static IEnumerable<IPAddress> ListenAddresses(ServerOptions o)
    {
        var seen = new HashSet<IPAddress>();
        foreach (var a in o.Addresses)
        {
            var ip = IPAddress.Parse(a);
            if (o.Ftp.Ipv4Only && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                if (!ip.Equals(IPAddress.IPv6Any))
                {
                    continue;
                }
                ip = IPAddress.Any;
            }
            if (seen.Add(ip))
            {
                yield return ip;
            }
        }
    }

    public bool OwnsAddress(string address) =>
        Uri.TryCreate(address.Replace("[::]", "[::1]", StringComparison.Ordinal), UriKind.Absolute, out var u) && FtpListeners.IsFtpPort(u.Port);
}

/// <summary>
/// The FTP endpoints of one server, with the ports they got (Kestrel fills in the real port of a port-0 endpoint when it
/// binds), and the certificate for FTPS. Live instances are known process-wide so <see cref="FtpModule.OwnsAddress"/>
/// can tell an FTP endpoint from a web one.
/// </summary>
internal sealed class FtpListeners : IDisposable
{
    private static readonly ConcurrentDictionary<FtpListeners, byte> Live = new();

    private readonly List<(ListenOptions Listen, bool Secure)> _listens = [];

    public FtpListeners() => Live[this] = 0;

    public TlsIdentity? Tls { get; set; }

    public void Add(ListenOptions listen, bool secure)
    {
        lock (_listens)
        {
            _listens.Add((listen, secure));
        }
    }

    /// <summary>The bound port of the plain (or, with <paramref name="secure"/>, the FTPS) endpoint; 0 when there is none.</summary>
    public int Port(bool secure)
    {
        lock (_listens)
        {
            return _listens.Where(l => l.Secure == secure).Select(l => (l.Listen.EndPoint as IPEndPoint)?.Port ?? 0).FirstOrDefault();
        }
    }

    /// <summary>Every bound FTP/FTPS endpoint.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints
    {
        get
        {
            lock (_listens)
            {
                return [.. _listens.Select(l => l.Listen.EndPoint).OfType<IPEndPoint>()];
            }
        }
    }

    public static bool IsFtpPort(int port) => port > 0 && Live.Keys.Any(l => l.Has(port));

    private bool Has(int port)
    {
        lock (_listens)
        {
            return _listens.Exists(l => (l.Listen.EndPoint as IPEndPoint)?.Port == port);
        }
    }

    public void Dispose() => Live.TryRemove(this, out _);
}
