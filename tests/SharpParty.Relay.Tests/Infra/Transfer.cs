using SharpParty.Client.Relay;

namespace SharpParty.Relay.Tests.Infra;

/// <summary>Runs our send and receive commands in-process against a relay, as the exe would (exit codes and messages).</summary>
public static class Transfer
{
    public sealed record Outcome(int SendCode, string SendErr, int ReceiveCode, string ReceiveErr);

    public static async Task<Outcome> RunAsync(string url, string code, string outDir, string[] paths, string[]? sendFlags = null,
        string[]? receiveFlags = null, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(60));
        var recvErr = new StringWriter();
        var sendErr = new StringWriter();
        var recv = Task.Run(() => RelayCommand.ReceiveAsync([url, code, "--out", outDir, .. receiveFlags ?? []], TextWriter.Null, recvErr, false, cts.Token));
        var send = Task.Run(() => RelayCommand.SendAsync([url, code, .. paths, .. sendFlags ?? []], TextWriter.Null, sendErr, false, cts.Token));
        var sc = await send;
        var rc = await recv;
        return new Outcome(sc, sendErr.ToString(), rc, recvErr.ToString());
    }

    public static Task<int> ReceiveAsync(string url, string code, string outDir, TextWriter err, CancellationToken ct, params string[] flags) =>
        Task.Run(() => RelayCommand.ReceiveAsync([url, code, "--out", outDir, .. flags], TextWriter.Null, err, false, ct), CancellationToken.None);

    public static Task<int> SendAsync(string url, string code, string[] paths, TextWriter err, CancellationToken ct, params string[] flags) =>
        Task.Run(() => RelayCommand.SendAsync([url, code, .. paths, .. flags], TextWriter.Null, err, false, ct), CancellationToken.None);

    /// <summary>Every file below <paramref name="dir"/> as relative path → content.</summary>
    public static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes);
}
