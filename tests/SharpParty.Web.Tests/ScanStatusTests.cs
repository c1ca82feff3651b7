using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Web.Search;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>The index scan in progress is shown to admins in <c>?ls</c> ("scan"), and to nobody else.</summary>
public sealed class ScanStatusTests
{
    [Fact]
    public async Task Admins_see_the_running_scan_in_listings_and_null_when_none_runs()
    {
        await using var s = await TestServer.StartAsync(["-e2dsa", "-a", "ed:pw", "-v", "srv::r:a,ed"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv"));
            // 768 MiB of holes: no disk used, but hashing it takes the scan about a second
            using var f = File.Create(Path.Combine(root, "srv", "big.bin"));
            f.SetLength(768L << 20);
        });
        await s.Services.GetRequiredService<IndexScanService>().StartupScansDone.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var (st, anon) = await s.Client.SendText(HttpMethod.Get, "/?ls");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.False(JsonDocument.Parse(anon).RootElement.TryGetProperty("scan", out _));
        var (_, idle) = await s.Client.SendText(HttpMethod.Get, "/?ls", null, ("PW", "pw"));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(idle).RootElement.GetProperty("scan").ValueKind);

        // a changed mtime makes the next scan hash the file again
        File.SetLastWriteTimeUtc(s.PathOf("srv/big.bin"), DateTime.UtcNow.AddMinutes(-5));
        (st, _) = await s.Client.SendText(HttpMethod.Get, "/?scan", null, ("PW", "pw"));
        Assert.Equal(HttpStatusCode.OK, st);
        JsonElement? hashing = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var ended = false;
        while (DateTime.UtcNow < deadline)
        {
            var (_, json) = await s.Client.SendText(HttpMethod.Get, "/?ls", null, ("PW", "pw"));
            var scan = JsonDocument.Parse(json).RootElement.GetProperty("scan");
            if (scan.ValueKind == JsonValueKind.Object && scan.GetProperty("phase").GetString() == "hashing")
            {
                hashing = scan.Clone();
            }
            else if (scan.ValueKind == JsonValueKind.Null && hashing is not null)
            {
                ended = true;
                break;
            }
            await Task.Delay(10);
        }
        Assert.True(hashing is not null, "never saw the scan hashing");
        Assert.True(ended, "the scan status did not go back to null");
        Assert.Equal("/", hashing!.Value.GetProperty("vol").GetString());
        Assert.Equal(1, hashing.Value.GetProperty("of").GetInt64());
        Assert.Equal(768L << 20, hashing.Value.GetProperty("of_bytes").GetInt64());
    }
}
