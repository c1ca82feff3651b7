using Microsoft.Extensions.DependencyInjection;
using SharpParty.Web.Auth;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Hosting;

internal static class ServiceRegistration
{
    public static IServiceCollection AddSharpPartyServices(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IpHasher>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<PutHandler>();
        services.AddSingleton<MultipartHandler>();
        services.AddSingleton<StaticAssets>();
        return services;
    }
}
