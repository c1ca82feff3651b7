using Microsoft.Extensions.DependencyInjection;

namespace SharpParty.Web.Hosting;

internal static class ServiceRegistration
{
    public static IServiceCollection AddSharpPartyServices(this IServiceCollection services) => services;
}
