namespace SharpParty.Index;

/// <summary>
/// Reads media tags for every indexed file that has none yet (new since tags were enabled, or changed), a bounded
/// number at once, and stores them; a file whose reader finds nothing is marked too, so it is not read again.
/// The reader itself (built-in parsers, ffprobe, -mtp programs) is passed in.
/// </summary>
internal static class Tagger
{
    public static async Task<long> TagUntaggedAsync(string root, VolumeIndex index,
        Func<string, CancellationToken, Task<IReadOnlyDictionary<string, object>>> read, int parallelism, CancellationToken ct)
    {
        long done = 0;
        // bounded: each round takes what is untagged now; files that fail are marked with no tags and not retried
        for (var round = 0; round < 1_000_000; round++)
        {
            var batch = index.Untagged(1000);
            if (batch.Count == 0)
            {
                break;
            }
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (f, c) =>
            {
                IReadOnlyDictionary<string, object> tags;
                try
                {
                    tags = await read(Path.Combine(root, f.Dir, f.Name), c);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or TimeoutException)
                {
                    tags = new Dictionary<string, object>();
                }
                index.SetTags(f.Dir, f.Name, tags);
                Interlocked.Increment(ref done);
            });
        }
        return done;
    }
}
