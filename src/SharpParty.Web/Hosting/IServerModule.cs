using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Core.Config;

namespace SharpParty.Web.Hosting;

/// <summary>
/// A protocol served beside HTTP by the same process (FTP, TFTP, mDNS…), over the same volumes, accounts and bans.
/// The executable passes every module to <see cref="SharpPartyServer.StartAsync"/>; each one looks at the options and
/// adds nothing when its protocol is off. Kept in Web so the protocols can use the HTTP side's services (auth, bans)
/// without the HTTP side depending on them.
/// </summary>
internal interface IServerModule
{
    /// <summary>Registers the module's services (a <c>BackgroundService</c> for a UDP loop, a connection handler…).</summary>
    void ConfigureServices(IServiceCollection services, ServerOptions options);

    /// <summary>Adds Kestrel endpoints of its own (a TCP protocol as a <c>ConnectionHandler</c>); <paramref name="tls"/>
    /// is the server's certificate, or null with <c>--http-only</c>.</summary>
    void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, TlsIdentity? tls);

    /// <summary>True for a bound address (as Kestrel reports it, <c>http://127.0.0.1:2121</c>) that belongs to this
    /// module, so it is not printed as a web URL.</summary>
    bool OwnsAddress(string address);
}
