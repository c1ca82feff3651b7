using System.Net;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Protocols.Tests;

public class ModuleHostingTests
{
    [Fact]
    public async Task Server_with_every_module_and_no_protocol_flag_serves_http_only()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv::r"], root => Directory.CreateDirectory(Path.Combine(root, "srv")));
        Assert.StartsWith("http://127.0.0.1:", s.BaseUrl, StringComparison.Ordinal);
        using var res = await s.Client.GetAsync("/?ls");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
    }
}
