using System.Diagnostics;

namespace SharpParty.Web.Tests.Infra;

/// <summary>Runs the real executable to completion (bounded by 60 s) and returns its exit code and output.</summary>
public static class Cli
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(ProcessStartInfo psi)
    {
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, await o, await e);
    }
}
