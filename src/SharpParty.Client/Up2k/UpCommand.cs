namespace SharpParty.Client.Up2k;

/// <summary>
/// <c>sharpparty up</c>: the entry point, also called in-process by tests. Exit codes: 0 every file uploaded or found,
/// 1 something failed (a file, the password, a local path without --ok), 2 bad command line, 130 interrupted.
/// </summary>
internal static class UpCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool terminal, CancellationToken ct)
    {
        var options = UpArgs.Parse(args, out var argError, out var info);
        if (options is null)
        {
            if (info is not null)
            {
                await output.WriteLineAsync(info);
                return 0;
            }
            await error.WriteLineAsync(UpArgs.Usage);
            await error.WriteLineAsync("sharpparty up: error: " + argError);
            return 2;
        }
        if (options.Password is { } pw && pw.StartsWith('$'))
        {
            try
            {
                options = options with { Password = (await File.ReadAllTextAsync(pw[1..], ct)).Trim() };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"sharpparty up: cannot read the password file: {e.Message}");
                return 2;
            }
        }
        var walker = new SourceWalker(options.Excludes);
        var entries = walker.Walk(options.Paths);
        if (walker.Errors.Count > 0)
        {
            foreach (var (p, e) in walker.Errors)
            {
                await error.WriteLineAsync(options.Verbose ? $"{p}\n `-{e}" : p);
            }
            await error.WriteLineAsync($"^ failed to access those {walker.Errors.Count} paths ^");
            if (!options.ContinueOnLocalErrors)
            {
                await error.WriteLineAsync("aborting because --ok is not set");
                return 1;
            }
        }
        var files = entries.Where(e => !e.IsDir).ToList();
        try
        {
            if (options.ListWarks)
            {
                return await WarkLister.RunAsync(files, options, output, ct);
            }
            return await UploadAsync(options, entries, files, output, error, terminal, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted");
            return 130;
        }
    }

    private static async Task<int> UploadAsync(UpOptions options, List<LocalEntry> entries, List<LocalEntry> files, TextWriter output,
        TextWriter error, bool terminal, CancellationToken ct)
    {
        var counters = new ProgressCounters();
        // every driver's handshake plus every chunk POST may be in flight at once: one keep-alive connection each
        using var http = new Up2kHttp(options.BaseUrl, options.Password, options.Connections * 5, options.NoCertCheck);
        var reporter = new Reporter(output, error, terminal, options.Quiet, options.NoStatus, counters);
        Uploader uploader;
        await using (reporter)
        {
            if (options.SkipSame)
            {
                files = await SkipSame.FilterAsync(http, options, files, counters, ct);
            }
            uploader = new Uploader(options, reporter, counters, http);
            await uploader.RunAsync(files, ct);
        }
        if (uploader.Forbidden is not null)
        {
            return 1;
        }
        var ok = counters.Failed == 0;
        if (ok && options.DeleteRemote && !options.Search)
        {
            await using var pr = new Reporter(output, error, false, options.Quiet, true, counters);
            ok = await new RemotePruner(http, options, pr).RunAsync(entries, ct);
        }
        var secs = Math.Max(1e-3, reporter.Elapsed.TotalSeconds);
        var sent = counters.SentBytes;
        var summary = options.Search
            ? $"{counters.Found} found, {counters.NotFound} not found, {counters.Failed} failed, in {secs:F2} s"
            : $"{counters.Uploaded} uploaded, {counters.Found} found, {counters.Skipped} skipped, {counters.Failed} failed; "
              + $"{ProgressLine.Size(sent)} sent in {secs:F2} s ({ProgressLine.Size(sent / secs)}/s)";
        await (counters.Failed > 0 ? error : output).WriteLineAsync(summary);
        return ok ? 0 : 1;
    }
}
