using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using SharpParty.Web.Auth;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Ftp;

/// <summary>The services a session uses, shared by all of them (one instance per server).</summary>
internal sealed record FtpServices(ConfigHolder Config, Authenticator Auth, BanList Bans, FtpStorage Storage,
    FtpListeners Listeners, PassivePorts Passive, TimeProvider Time, ILogger Log);

/// <summary>
/// Admits control connections (bans shared with HTTP, a cap per client address) and runs one <see cref="FtpSession"/>
/// per connection.
/// </summary>
internal sealed partial class FtpServer(ConfigHolder config, Authenticator auth, BanList bans, FtpStorage storage,
    FtpListeners listeners, PassivePorts passive, TimeProvider time, ILogger<FtpServer> log)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perIp = new();
    private readonly FtpServices _services = new(config, auth, bans, storage, listeners, passive, time, log);

    public async Task HandleAsync(ConnectionContext ctx, bool secure)
    {
        if (ctx.RemoteEndPoint is not IPEndPoint remote || ctx.LocalEndPoint is not IPEndPoint local)
        {
            return;
        }
        var ip = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var control = new ControlChannel(ctx.Transport);
        await using (control)
        {
            if (config.Current.Ftp.AllowedClients is { } allowed && !allowed.Allows(ip))
            {
                // copyparty closes such a connection without a word; one line saying why is kinder to an admin
                LogOutside(log, ip);
                await control.ReplyAsync("421 Your address may not use this FTP server (--ftp-ipa).");
                return;
            }
            if (bans.IsBanned(ip, out _))
            {
                await control.ReplyAsync("421 Your address is banned; try again later.");
                return;
            }
            var max = config.Current.Ftp.MaxPerIp;
            var n = _perIp.AddOrUpdate(ip, 1, (_, c) => c + 1);
            try
            {
                if (max > 0 && n > max)
                {
                    await control.ReplyAsync("421 Too many connections from your address.");
                    return;
                }
                LogConnect(log, ip, secure ? "ftps" : "ftp");
                var session = new FtpSession(_services, control, ip, local.Address, secure);
                await session.RunAsync(ctx.ConnectionClosed);
            }
            finally
            {
                if (_perIp.AddOrUpdate(ip, 0, (_, c) => c - 1) <= 0)
                {
                    _perIp.TryRemove(new KeyValuePair<IPAddress, int>(ip, 0));
                }
            }
        }
    }

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "ftp client rejected (--ftp-ipa): {Ip}")]
    private static partial void LogOutside(ILogger logger, IPAddress ip);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "{Protocol} connection from {Ip}")]
    private static partial void LogConnect(ILogger logger, IPAddress ip, string protocol);
}
