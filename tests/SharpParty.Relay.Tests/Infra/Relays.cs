using SharpParty.Web.Tests.Infra;

namespace SharpParty.Relay.Tests.Infra;

public static class Relays
{
    /// <summary>A real server with the relay on, sharing an empty folder to nobody.</summary>
    public static Task<TestServer> StartAsync(params string[] extra) =>
        TestServer.StartAsync(["--relay", "-v", "srv::", .. extra], root => Directory.CreateDirectory(Path.Combine(root, "srv")));

    public static string WsUrl(this TestServer s, string path = "/.cpr/relay") => "ws" + s.BaseUrl[4..] + path;

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "sp-relay-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    public static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }
}
