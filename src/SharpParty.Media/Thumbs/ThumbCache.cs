using System.Security.Cryptography;
using System.Text;

namespace SharpParty.Media.Thumbs;

/// <summary>What the cache holds for one key.</summary>
internal enum CacheState
{
    Miss,
    /// <summary>A finished thumbnail or transcode.</summary>
    Hit,
    /// <summary>An empty marker: this source could not be converted (corrupt, timed out); an icon is shown instead, and the
    /// conversion is not tried again until the source changes (copyparty leaves an empty file too).</summary>
    Failed,
}

/// <summary>
/// Where converted files live: <c>HIST/th/ab/cd/HASH.EXT</c> (thumbnails) and <c>HIST/ac/…</c> (transcoded audio), HASH
/// being SHA-256 over the source's identity (absolute path, size, mtime), the format, the box size and
/// <see cref="Version"/>. A changed source gets a new name, so a stale entry is never served; it ages out. Files are
/// written under a temp name (a leading dot) and renamed into place, so a reader never sees half a thumbnail.
/// </summary>
internal static class ThumbCache
{
    /// <summary>Bump when the output of a conversion changes (quality, filters), so old entries are not served.</summary>
    public const int Version = 1;

    /// <summary>A hit refreshes the entry's access time at most this often (copyparty's <c>--th-poke</c>: 300 s), so a
    /// busy thumbnail costs no metadata write per request.</summary>
    public static readonly TimeSpan PokeInterval = TimeSpan.FromSeconds(300);

    /// <summary>A temp file older than this belongs to a conversion that died with the process.</summary>
    private static readonly TimeSpan StaleTemp = TimeSpan.FromHours(1);

    public static string PathFor(string histPath, string sourcePath, long size, DateTime mtimeUtc, ThumbFormat fmt, int width, int height)
    {
        var id = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Version}\n{sourcePath}\n{size}\n{mtimeUtc.Ticks}\n{fmt.Key}\n{width}x{height}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32];
        return Path.Combine(histPath, fmt.IsAudio ? "ac" : "th", hash[..2], hash[2..4], hash + "." + fmt.Extension);
    }

    public static CacheState Lookup(string cachePath, DateTime nowUtc, out FileInfo? info)
    {
        info = new FileInfo(cachePath);
        if (!info.Exists)
        {
            info = null;
            return CacheState.Miss;
        }
        if (info.Length == 0)
        {
            return CacheState.Failed;
        }
        if (nowUtc - LastUsed(info) > PokeInterval)
        {
            try
            {
                // the access time (not the mtime, which makes the ETag) records the use for the age/size eviction
                File.SetLastAccessTimeUtc(cachePath, nowUtc);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a read-only cache still serves
            }
        }
        return CacheState.Hit;
    }

    /// <summary>A temp name next to the final one, with the same extension (ffmpeg picks its muxer by it).</summary>
    public static string TempFor(string cachePath)
    {
        var dir = Path.GetDirectoryName(cachePath)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "." + Guid.NewGuid().ToString("N")[..12] + Path.GetExtension(cachePath));
    }

    /// <summary>Renames a finished temp file into place; an empty or missing temp becomes a failure marker.</summary>
    public static void Commit(string tempPath, string cachePath)
    {
        if (!File.Exists(tempPath) || new FileInfo(tempPath).Length == 0)
        {
            MarkFailed(tempPath, cachePath);
            return;
        }
        File.Move(tempPath, cachePath, overwrite: true);
    }

    public static void MarkFailed(string tempPath, string cachePath)
    {
        TryDelete(tempPath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cachePath)!);
            using (File.Create(cachePath))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // no marker: the next request tries again
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static DateTime LastUsed(FileInfo f) => f.LastAccessTimeUtc > f.LastWriteTimeUtc ? f.LastAccessTimeUtc : f.LastWriteTimeUtc;

    /// <summary>
    /// One sweep of a volume's cache: removes dead temp files, thumbnails unused for <paramref name="thumbMaxAge"/>,
    /// transcodes unused for <paramref name="audioMaxAge"/>, then (new in SharpParty) trims the whole to 90 % of
    /// <paramref name="maxBytes"/> least recently used first when it is larger (0 = no cap).
    /// </summary>
    public static SweepResult Sweep(string histPath, DateTime nowUtc, TimeSpan thumbMaxAge, TimeSpan audioMaxAge, long maxBytes)
    {
        var kept = new List<(string Path, long Size, DateTime Used)>();
        int removed = 0;
        long total = 0;
        foreach (var (cat, maxAge) in new[] { ("th", thumbMaxAge), ("ac", audioMaxAge) })
        {
            var top = Path.Combine(histPath, cat);
            if (!Directory.Exists(top))
            {
                continue;
            }
            var opts = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, MaxRecursionDepth = 3 };
            foreach (var f in new DirectoryInfo(top).EnumerateFiles("*", opts))
            {
                var used = LastUsed(f);
                var age = nowUtc - used;
                if ((f.Name.StartsWith('.') && age > StaleTemp) || age > maxAge)
                {
                    TryDelete(f.FullName);
                    removed++;
                    continue;
                }
                if (!f.Name.StartsWith('.'))
                {
                    kept.Add((f.FullName, f.Length, used));
                    total += f.Length;
                }
            }
        }
        if (maxBytes > 0 && total > maxBytes)
        {
            var goal = maxBytes / 10 * 9;
            foreach (var k in kept.OrderBy(k => k.Used))
            {
                if (total <= goal)
                {
                    break;
                }
                TryDelete(k.Path);
                total -= k.Size;
                removed++;
            }
        }
        RemoveEmptyFolders(Path.Combine(histPath, "th"));
        RemoveEmptyFolders(Path.Combine(histPath, "ac"));
        return new SweepResult(removed, total);
    }

    private static void RemoveEmptyFolders(string top)
    {
        if (!Directory.Exists(top))
        {
            return;
        }
        foreach (var d in Directory.EnumerateDirectories(top, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .OrderByDescending(d => d.Length).ToList())
        {
            try
            {
                // a folder touched within the hour may be about to receive a conversion's temp file: leave it
                if (Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow - StaleTemp && !Directory.EnumerateFileSystemEntries(d).Any())
                {
                    Directory.Delete(d);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}

/// <summary>What a sweep did: entries removed, bytes left.</summary>
internal readonly record struct SweepResult(int Removed, long BytesLeft);
