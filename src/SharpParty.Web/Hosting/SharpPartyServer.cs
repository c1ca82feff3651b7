using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Web.Logging;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Hosting;

/// <summary>A started server: its bound addresses, and how to stop it.</summary>
internal sealed class RunningServer(WebApplication app, ConfigHolder config, IReadOnlyList<Uri> urls, TlsIdentity? tls) : IAsyncDisposable
{
    /// <summary>One URL per bound address, https:// with <c>--https-only</c>, else http:// (the same ports also speak
    /// https unless <c>--http-only</c>).</summary>
    public IReadOnlyList<Uri> Urls { get; } = urls;

    /// <summary>The certificate served on https, or null with <c>--http-only</c>.</summary>
    public TlsIdentity? Tls { get; } = tls;

    public ConfigHolder Config { get; } = config;

    /// <summary>The server's services (tests reach background jobs through it).</summary>
    public IServiceProvider Services => app.Services;

    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Builds Kestrel with our limits and one catch-all request handler.</summary>
internal static class SharpPartyServer
{
    /// <param name="tls">the certificate, found beforehand (the executable does that to exit 2 on a bad one); when null
    /// and TLS is on, it is found here and a bad one throws</param>
    /// <param name="modules">protocols beside HTTP (FTP, TFTP, …); each decides from the options whether it runs</param>
    public static async Task<RunningServer> StartAsync(ServerOptions options, string workingDir, ILoggerProvider? logProvider = null,
        TlsIdentity? tls = null, IReadOnlyList<IServerModule>? modules = null)
    {
        modules ??= [];
        if (tls is null && options.Tls.Mode != TlsMode.HttpOnly
            && !CertificateSource.TryGet(options.Tls, CertificateSource.DefaultFile, DateTimeOffset.UtcNow, out tls, out _, out var certError))
        {
            throw new InvalidOperationException(certError);
        }
        if (options.Tls.Mode == TlsMode.HttpOnly)
        {
            tls = null;
        }
        // ASP.NET watches its content root for appsettings changes with a recursive FileSystemWatcher, which on Linux
        // adds an inotify watch to every folder below it: started in a big folder, that walked the whole tree before
        // listening (measured: 2.4 s for /tmp; minutes for a media library). We read no appsettings: no reload, and a
        // content root that is the program's own folder, never the folder being served.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        // -q: only warnings and errors, as copyparty
        builder.Logging.AddProvider(logProvider ?? new LineLoggerProvider(options.Quiet ? LogLevel.Warning : LogLevel.Information, options.LogFile));
        // Kestrel's own chatter (connection resets and the like) stays at warning
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            // bodies are streamed to disk, never buffered: no size cap here (copyparty has none either); per-volume limits come later
            k.Limits.MaxRequestBodySize = null;
            // as copyparty's --s-thead 120
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(120);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(120);
            // a slow uploader must still send something: 1 byte/s over 120 s (copyparty's --s-tbody 128 is a pure idle timeout)
            k.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(1, TimeSpan.FromSeconds(120));
            k.Limits.MaxRequestLineSize = 16 * 1024;
            // read ahead up to 4 MiB of a body while the previous MiB is hashed (Kestrel's default is 1 MiB)
            k.Limits.MaxRequestBufferSize = 4 << 20;
            k.AllowSynchronousIO = false;
            var https = tls is null ? null : HttpsOptions(tls, options.Tls);
            void Endpoint(ListenOptions listen)
            {
                if (https is not null)
                {
                    // a connection that has not sent its first byte within the request-header timeout is closed
                    TlsDetection.Configure(listen, https, k.Limits.RequestHeadersTimeout);
                }
            }
            foreach (var addr in options.Addresses)
            {
                var ip = IPAddress.Parse(addr);
                foreach (var port in options.Ports)
                {
                    if (ip.Equals(IPAddress.IPv6Any))
                    {
                        k.ListenAnyIP(port, Endpoint);
                    }
                    else
                    {
                        k.Listen(ip, port, Endpoint);
                    }
                }
            }
            foreach (var m in modules)
            {
                m.ConfigureKestrel(k, options, tls);
            }
        });
        var config = new ConfigHolder(options, workingDir);
        builder.Services.AddSingleton(config);
        // bigger pipe blocks for the socket transport: fewer, larger recv(2) calls (see LargeBlockMemoryPool)
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        builder.Services.AddSingleton<RequestHandler>();
        builder.Services.AddSharpPartyServices(options);
        foreach (var m in modules)
        {
            m.ConfigureServices(builder.Services, options);
        }
        var app = builder.Build();
        // uploads interrupted by the last stop (or a crash) are known before the first request
        app.Services.GetRequiredService<SharpParty.Core.Up2k.RegistrySet>().OpenAll(options.Vfs.Volumes);
        // startup scans begin now, beside the rest of the start (see IndexScanService.Begin)
        app.Services.GetRequiredService<SharpParty.Web.Search.IndexScanService>().Begin();
        var handler = app.Services.GetRequiredService<RequestHandler>();
        if (options.Tls.Mode == TlsMode.HttpsOnly)
        {
            app.Use(HttpsOnlyGate.Wrap);
        }
        // the relay (Relay/RelayEndpoint) accepts its WebSockets inside the catch-all handler
        app.UseWebSockets();
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var server = app.Services.GetRequiredService<IServer>();
        // Kestrel reports every endpoint with TLS as https://; ours take both, so the scheme is the one users should type
        var scheme = options.Tls.Mode == TlsMode.HttpsOnly ? "https" : "http";
        // modules add their own endpoints (FTP on its port…): the URLs are those of the HTTP ports only
        var urls = server.Features.Get<IServerAddressesFeature>()!.Addresses
            .Where(a => modules.Count == 0 || !modules.Any(m => m.OwnsAddress(a)))
            .Select(a => new UriBuilder(a.Replace("[::]", "[::1]", StringComparison.Ordinal)) { Scheme = scheme }.Uri)
            .ToList();
        return new RunningServer(app, config, urls, tls);
    }

    /// <summary>
    /// The handshake's options, asked for per connection: the certificate context is built on the first handshake (see
    /// <see cref="TlsIdentity.ServerContext"/>), where Kestrel's certificate options would build it at startup.
    /// </summary>
    private static TlsHandshakeCallbackOptions HttpsOptions(TlsIdentity tls, TlsOptions options) => new()
    {
        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = tls.ServerContext,
            EnabledSslProtocols = options.Protocols,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // HTTP/1.1 only, as the listener (copyparty has no HTTP/2)
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }),
        // as copyparty, whose socket timeout during the handshake is 10 s (httpconn.py); also Kestrel's default
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };
}
