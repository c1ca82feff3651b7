namespace SharpParty.Client.Up2k;

/// <summary>
/// -z: leave out files the server already has with the same size and an mtime within 2 s (u2c's rule), judged from
/// one <c>?ls</c> listing per folder instead of hashing and handshaking each file.
/// </summary>
internal static class SkipSame
{
    /// <summary>Folder listings fetched at once.</summary>
    private const int Parallel = 4;

    public static async Task<List<LocalEntry>> FilterAsync(Up2kHttp http, UpOptions options, List<LocalEntry> files, ProgressCounters counters,
        CancellationToken ct)
    {
        var listings = new System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, RemoteItem>?>(StringComparer.Ordinal);
        await System.Threading.Tasks.Parallel.ForEachAsync(files.Select(f => f.RelDir).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct },
            async (dir, c) => listings[dir] = await RemoteListing.GetAsync(http, UrlPath.Folder(options.FolderPath, dir), c));
        var keep = new List<LocalEntry>(files.Count);
        foreach (var f in files)
        {
            if (listings.GetValueOrDefault(f.RelDir) is { } ls && ls.TryGetValue(f.Name, out var r) && !r.IsDir
                && r.Size == f.Size && Math.Abs(r.Mtime - f.Mtime) <= 2)
            {
                counters.Skipped++;
                continue;
            }
            keep.Add(f);
        }
        return keep;
    }
}
