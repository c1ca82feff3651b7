using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharpParty.Core.Config;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Tftp;

/// <summary>TFTP beside HTTP: a UDP service of its own, no Kestrel endpoint; off unless <c>--tftp PORT</c>.</summary>
internal sealed class TftpModule : IServerModule
{
    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
        if (options.Tftp.Port == 0)
        {
            return;
        }
        services.AddSingleton<TftpService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TftpService>());
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, TlsIdentity? tls)
    {
    }

    public bool OwnsAddress(string address) => false;
}
