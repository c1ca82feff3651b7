using Microsoft.Extensions.DependencyInjection;
using SharpParty.Core.Config;
using SharpParty.Web.Auth;
using SharpParty.Core.Up2k;
using SharpParty.Web.Up2k;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Hosting;

internal static class ServiceRegistration
{
    public static IServiceCollection AddSharpPartyServices(this IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IpHasher>();
        services.AddSingleton(sp => new SessionStore(options.SessionDb, sp.GetRequiredService<TimeProvider>(), TimeSpan.FromHours(options.LogoutHours)));
        services.AddSingleton(_ => new PasswordHasher(options.AhAlg, options.AhSalt
            ?? StateDir.PersistedSecret(Path.GetDirectoryName(options.SessionDb)!, "ah-salt.txt", PasswordHasher.GenerateSalt)));
        services.AddSingleton<BanList>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<PutHandler>();
        services.AddSingleton<WebDav.LockManager>();
        services.AddSingleton<WebDav.DeadPropStore>();
        services.AddSingleton<WebDav.WriteGuard>();
        services.AddSingleton<WebDav.PropFindHandler>();
        services.AddSingleton<WebDav.PropPatchHandler>();
        services.AddSingleton<WebDav.CollectionHandler>();
        services.AddSingleton<WebDav.LockHandler>();
        services.AddSingleton<WebDav.DavRouter>();
        services.AddSingleton<MultipartHandler>();
        services.AddSingleton<StaticAssets>();
        services.AddSingleton<RegistrySet>();
        services.AddSingleton<FileSearch>();
        services.AddSingleton<UploadReservation>();
        services.AddSingleton<HandshakeHandler>();
        services.AddSingleton<ChunkHandler>();
        services.AddSingleton<BeamSender>();
        services.AddSingleton<UploadLimiter>();
        services.AddSingleton<UploadLedger>();
        services.AddSingleton<Unpost>();
        services.AddHostedService<LifetimeSweeper>();
        services.AddSingleton<SharpParty.Web.Search.IndexSet>();
        services.AddSingleton<SharpParty.Web.Search.SearchHandler>();
        services.AddSingleton<SharpParty.Web.Search.IndexScanService>();
        services.AddHostedService(sp => sp.GetRequiredService<SharpParty.Web.Search.IndexScanService>());
        services.AddSingleton<SharpParty.Web.Search.TagService>();
        services.AddHostedService(sp => sp.GetRequiredService<SharpParty.Web.Search.TagService>());
        services.AddSingleton<SharpParty.Web.Search.UploadHasher>();
        services.AddHostedService(sp => sp.GetRequiredService<SharpParty.Web.Search.UploadHasher>());
        services.AddSingleton<Relay.RelayHub>();
        services.AddSingleton<Admin.ControlPanel>();
        services.AddSingleton<Relay.RelayEndpoint>();
        services.AddSingleton<Relay.RelayMailbox>();
        services.AddSingleton(sp => new SharpParty.Media.Thumbs.ThumbService(options.Media.Threads, options.Media.RamMaxBytes,
            new SharpParty.Media.Thumbs.TranscodeQuality(options.Media.QOpus, options.Media.QMp3), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SharpParty.Web.Thumbs.ThumbHandler>();
        services.AddSingleton<SharpParty.Web.Markdown.TextSaver>();
        services.AddSingleton<SharpParty.Web.Thumbs.ThumbSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SharpParty.Web.Thumbs.ThumbSweeper>());
        return services;
    }
}
