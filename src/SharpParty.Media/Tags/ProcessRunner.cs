using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SharpParty.Media.Tags;

/// <summary>How a program that overstays its timeout is stopped (copyparty's <c>kt</c>/<c>km</c>/<c>kn</c>).</summary>
internal enum KillMode
{
    /// <summary>The program and all its children (copyparty's default).</summary>
    Tree,

    /// <summary>Only the program itself.</summary>
    Main,

    /// <summary>Nothing is killed; we stop waiting and let it run.</summary>
    None,
}

/// <summary>What a finished (or abandoned) program left: exit code, output within the cap, and why it stopped.</summary>
internal sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr, bool TimedOut, bool Truncated, bool Failed)
{
    public bool Ok => !TimedOut && !Failed && ExitCode == 0;
}

/// <summary>What to run and within which limits.</summary>
internal sealed record ProcessRequest(string FileName, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>Output kept per stream; the rest is read and dropped so the program never blocks on a full pipe.</summary>
    public int OutputCap { get; init; } = 1 << 20;

    public KillMode Kill { get; init; } = KillMode.Tree;

    /// <summary>Written to the program's stdin, which is then closed; null gives it an empty stdin.</summary>
    public string? Stdin { get; init; }

    public bool CaptureStdout { get; init; } = true;

    public bool CaptureStderr { get; init; } = true;

    /// <summary>Run at below-normal priority (copyparty starts FFprobe and parsers with <c>nice</c>): requests come first.</summary>
    public bool LowPriority { get; init; } = true;
}

/// <summary>
/// Runs an external program (ffprobe, <c>-mtp</c> parsers) with a timeout, capped output and no shell in between:
/// the file path travels as one argument, never through a command line that could be re-parsed.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<ProcessOutcome> RunAsync(ProcessRequest req, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(req.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in req.Arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = new Process { StartInfo = psi };
        try
        {
            if (!p.Start())
            {
                return Fail();
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return Fail(); // not found or not executable
        }

        if (req.LowPriority)
        {
            try
            {
                p.PriorityClass = ProcessPriorityClass.BelowNormal;
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
            {
                // it exited already, or the platform does not allow it: run at normal priority
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(req.Timeout);
        var stdout = Drain(p.StandardOutput, req.CaptureStdout ? req.OutputCap : 0, timeout.Token);
        var stderr = Drain(p.StandardError, req.CaptureStderr ? req.OutputCap : 0, timeout.Token);
        var timedOut = false;
        try
        {
            await WriteStdinAsync(p, req.Stdin, timeout.Token);
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            Stop(p, req.Kill);
        }

        var (so, soCut) = await Collect(stdout);
        var (se, seCut) = await Collect(stderr);
        ct.ThrowIfCancellationRequested();
        var code = !timedOut && p.HasExited ? p.ExitCode : -1;
        return new ProcessOutcome(code, so, se, timedOut, soCut || seCut, false);
    }

    private static ProcessOutcome Fail() => new(-1, "", "", false, false, true);

    private static async Task WriteStdinAsync(Process p, string? text, CancellationToken ct)
    {
        try
        {
            if (text is not null)
            {
                await p.StandardInput.WriteAsync(text.AsMemory(), ct);
            }

            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // the program did not read its stdin and exited: fine
        }
    }

    private static void Stop(Process p, KillMode mode)
    {
        if (mode == KillMode.None)
        {
            return;
        }

        try
        {
            p.Kill(entireProcessTree: mode == KillMode.Tree);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // already gone
        }
    }

    /// <summary>Reads a pipe to its end (or until the timeout), keeping the first <paramref name="cap"/> characters.</summary>
    private static async Task<(string Text, bool Truncated)> Drain(StreamReader r, int cap, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var cut = false;
        var buf = new char[8192];
        try
        {
            while (true)
            {
                var n = await r.ReadAsync(buf.AsMemory(), ct);
                if (n <= 0)
                {
                    break;
                }

                var keep = Math.Min(n, cap - sb.Length);
                if (keep > 0)
                {
                    sb.Append(buf, 0, keep);
                }

                cut |= keep < n && cap > 0;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // timed out, or the pipe closed under us; keep what came
        }

        return (sb.ToString(), cut);
    }

    private static async Task<(string, bool)> Collect(Task<(string Text, bool Truncated)> t)
    {
        var (text, cut) = await t;
        return (text, cut);
    }
}
