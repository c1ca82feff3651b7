using System.Net;
using SharpParty.Core.Storage;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// <c>--xdev</c> (volume flag <c>xdev</c>): nothing on another filesystem than the volume root is served or written.
/// The other filesystem is /dev/shm (a tmpfs; each tmpfs mount is its own device), reached through a symlink that
/// <c>--unsafe-symlinks</c> would otherwise follow, as copyparty does by default.
/// </summary>
public sealed class XdevTests : IDisposable
{
    private readonly string _shm = Path.Combine("/dev/shm", "sp-xdev-" + Guid.NewGuid().ToString("N")[..10]);

    public XdevTests()
    {
        Directory.CreateDirectory(_shm);
        File.WriteAllText(Path.Combine(_shm, "other.txt"), "on another device");
    }

    public void Dispose() => Directory.Delete(_shm, recursive: true);

    private async Task<TestServer> StartAsync(string volume, params string[] extra)
    {
        var s = await TestServer.StartAsync(["-v", volume, "--unsafe-symlinks", .. extra], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "local"));
            File.WriteAllText(Path.Combine(root, "srv", "local", "here.txt"), "same device");
            File.CreateSymbolicLink(Path.Combine(root, "srv", "shm"), _shm);
        });
        // the premise of the test: the volume and /dev/shm really are two devices
        Assert.NotEqual(FastStat.DeviceOf(Path.Combine(s.Root, "srv")), FastStat.DeviceOf(_shm));
        return s;
    }

    [Fact]
    public async Task Without_xdev_the_other_filesystem_is_served()
    {
        await using var s = await StartAsync("srv::rw");
        var (st, body) = await s.Client.SendText(HttpMethod.Get, "/shm/other.txt");
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("on another device", body);
    }

    [Theory]
    [InlineData("srv::rw", "--xdev")]
    [InlineData("srv::rw:c,xdev", "-q")]
    public async Task With_xdev_nothing_on_another_filesystem_is_read_or_written(string volume, string option)
    {
        // the option sets the volume flag on every volume; the volume flag sets it on one
        await using var s = await StartAsync(volume, option);
        var (st, _) = await s.Client.SendText(HttpMethod.Get, "/shm/other.txt");
        Assert.Equal(HttpStatusCode.NotFound, st);
        var (put, _) = await s.Client.SendText(HttpMethod.Put, "/shm/new.txt", new StringContent("through the link"));
        Assert.NotEqual(HttpStatusCode.Created, put);
        Assert.False(File.Exists(Path.Combine(_shm, "new.txt")));
        // the volume's own files are unaffected, and so are new files on its device
        var (ok, body) = await s.Client.SendText(HttpMethod.Get, "/local/here.txt");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("same device", body);
        var (created, _) = await s.Client.SendText(HttpMethod.Put, "/local/new.txt", new StringContent("fine"));
        Assert.Equal(HttpStatusCode.Created, created);
    }
}
