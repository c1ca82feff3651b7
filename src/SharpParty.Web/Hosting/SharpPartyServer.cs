using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Web.Logging;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Hosting;

/// <summary>A started server: its bound addresses, and how to stop it.</summary>
internal sealed class RunningServer(WebApplication app, ConfigHolder config, IReadOnlyList<Uri> urls) : IAsyncDisposable
{
    public IReadOnlyList<Uri> Urls { get; } = urls;

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
    public static async Task<RunningServer> StartAsync(ServerOptions options, string workingDir, ILoggerProvider? logProvider = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = workingDir });
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
            foreach (var addr in options.Addresses)
            {
                var ip = IPAddress.Parse(addr);
                foreach (var port in options.Ports)
                {
                    if (ip.Equals(IPAddress.IPv6Any))
                    {
                        k.ListenAnyIP(port);
                    }
                    else
                    {
                        k.Listen(ip, port);
                    }
                }
            }
        });
        var config = new ConfigHolder(options, workingDir);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton<RequestHandler>();
        builder.Services.AddSharpPartyServices(options);
        var app = builder.Build();
        // uploads interrupted by the last stop (or a crash) are known before the first request
        app.Services.GetRequiredService<SharpParty.Core.Up2k.RegistrySet>().OpenAll(options.Vfs.Volumes);
        var handler = app.Services.GetRequiredService<RequestHandler>();
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var server = app.Services.GetRequiredService<IServer>();
        var urls = server.Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a.Replace("[::]", "[::1]", StringComparison.Ordinal))).ToList();
        return new RunningServer(app, config, urls);
    }
}
