using System.Globalization;
using SharpParty.Core.Up2k;

namespace SharpParty.Client.Up2k;

/// <summary>
/// URL "-": print each file's wark offline, as u2c ("DATE SIZE WARK PATH"; --jw: "WARK  PATH"; --chs: every chunk too),
/// to compare with what a server answers. Unlike u2c 2.5 (which drops repeated chunk hashes), the wark printed is the
/// one a server computes.
/// </summary>
internal static class WarkLister
{
    public static async Task<int> RunAsync(IReadOnlyList<LocalEntry> files, UpOptions options, TextWriter output, CancellationToken ct)
    {
        using var hasher = new ChunkHasher(options.HashThreads, _ => { });
        var failed = 0;
        foreach (var f in files)
        {
            var job = new FileJob(f);
            try
            {
                await hasher.HashAsync(job, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await output.WriteLineAsync($"ERROR: {f.AbsPath}: {e.Message}");
                failed++;
                continue;
            }
            if (options.ListChunks)
            {
                await output.WriteLineAsync("chs: " + f.Rel);
                for (var i = 0; i < job.Hashes.Length; i++)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{job.Hashes[i]} {i} {i * job.ChunkSize}"));
                }
            }
            var wark = job.Hashes.Length == 0 ? "" : Up2kHash.Wark(options.WarkSalt, f.Size, job.Hashes);
            if (options.JustWarks)
            {
                await output.WriteLineAsync($"{wark}  {f.Rel}");
            }
            else
            {
                var dt = DateTime.UnixEpoch.AddSeconds(Math.Floor(f.Mtime));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{dt:yyyy-MM-dd HH:mm:ss} {f.Size,12} {wark} {f.Rel}"));
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
