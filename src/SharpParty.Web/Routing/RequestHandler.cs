using Microsoft.AspNetCore.Http;

namespace SharpParty.Web.Routing;

internal sealed class RequestHandler
{
    #pragma warning disable CA1822 // placeholder until the dispatcher lands
    public Task HandleAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 501;
        return Task.CompletedTask;
    }
}
