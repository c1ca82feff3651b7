using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;

namespace SharpParty.Web.Upload;

/// <summary>The verdict on a new upload, and the folder it goes to (rotation may pick a subfolder).</summary>
internal readonly record struct Admission(bool Ok, int Status, string Message, string FolderRel, string FolderFs);

/// <summary>
/// Applies a volume's <see cref="UploadRules"/> to a new upload (up2k, PUT, multipart), in copyparty's order: uploads
/// and bytes per IP, subfolders, size, volume totals, free disk; then rotation into <c>rotn</c>/<c>rotf</c> subfolders.
/// Keeps the per-IP windows; the volume totals are counted by walking the volume at most once a minute.
/// </summary>
internal sealed class UploadLimiter(TimeProvider time)
{
    private static readonly TimeSpan VolumeRecount = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, IpWindow> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VolumeTotals> _totals = new(StringComparer.Ordinal);

    /// <param name="size">bytes of the upload, or -1 when not known yet (multipart before its body)</param>
    public Admission Admit(Volume vol, string folderRel, string folderFs, IPAddress ip, long size)
    {
        var r = UploadRules.For(vol);
        if (!r.Any)
        {
            return new Admission(true, 0, "", folderRel, folderFs);
        }
        var now = time.GetUtcNow();
        var w = _windows.GetOrAdd(vol.RealPath + "\n" + ip, _ => new IpWindow());
        lock (w)
        {
            w.Trim(now, r);
            if (r.MaxUploads > 0 && w.Uploads.Count >= r.MaxUploads)
            {
                return Deny(429, "too many uploads");
            }
            if (r.MaxBytes > 0 && w.Bytes >= r.MaxBytes)
            {
                return Deny(429, "upload size limit exceeded");
            }
        }
        if (r.NoSub && folderRel.Length > 0)
        {
            return Deny(403, "no subdirectories allowed");
        }
        if (size >= 0 && size < r.MinSize)
        {
            return Deny(400, "file too small");
        }
        if (size >= 0 && r.MaxSize > 0 && size > r.MaxSize)
        {
            return Deny(400, "file too big");
        }
        if (r.VolumeMaxBytes > 0 || r.VolumeMaxFiles > 0)
        {
            var (bytes, files) = Totals(vol, now);
            if (r.VolumeMaxBytes > 0 && bytes + Math.Max(size, 0) > r.VolumeMaxBytes)
            {
                return Deny(400, "volume has exceeded max size");
            }
            if (r.VolumeMaxFiles > 0 && files + 1 > r.VolumeMaxFiles)
            {
                return Deny(400, "volume has exceeded max num.files");
            }
        }
        if (r.KeepFree > 0)
        {
            var free = FreeBytes(folderFs);
            if (free - Math.Max(size, 0) < r.KeepFree)
            {
                // copyparty answers 500; 507 Insufficient Storage (RFC 4918 §11.5) says what it is
                return Deny(507, $"server HDD is full; {Human(Math.Max(0, free - r.KeepFree))} free, need {Human(Math.Max(size, 0))}");
            }
        }
        return Rotate(r, folderRel, folderFs, now);
    }

    /// <summary>Counts an accepted upload against the IP's windows and the volume's totals.</summary>
    public void Record(Volume vol, IPAddress ip, long size)
    {
        var r = UploadRules.For(vol);
        if (r.MaxUploads > 0 || r.MaxBytes > 0)
        {
            var w = _windows.GetOrAdd(vol.RealPath + "\n" + ip, _ => new IpWindow());
            lock (w)
            {
                w.Uploads.Enqueue(time.GetUtcNow());
                w.Sizes.Enqueue((time.GetUtcNow(), size));
                w.Bytes += size;
            }
        }
        if (_totals.TryGetValue(vol.RealPath, out var t))
        {
            lock (t)
            {
                t.Bytes += size;
                t.Files++;
            }
        }
    }

    private static Admission Deny(int status, string message) => new(false, status, message, "", "");

    private static Admission Rotate(UploadRules r, string folderRel, string folderFs, DateTimeOffset now)
    {
        string sub;
        if (r.RotF is { } fmt)
        {
            sub = Strftime(fmt, now.UtcDateTime);
        }
        else if (r.RotN > 0)
        {
            var found = Dive(folderFs, r.RotN, r.RotDepth);
            if (found is null)
            {
                return Deny(507, "no available slots in volume");
            }
            sub = found;
        }
        else
        {
            return new Admission(true, 0, "", folderRel, folderFs);
        }
        if (sub.Length == 0)
        {
            return new Admission(true, 0, "", folderRel, folderFs);
        }
        var rel = folderRel.Length == 0 ? sub : folderRel + "/" + sub;
        var fs = Path.Combine(folderFs, sub);
        Directory.CreateDirectory(fs);
        return new Admission(true, 0, "", rel, fs);
    }

    /// <summary>copyparty's rotn: numbered folders DEPTH levels deep, each holding at most N entries; the newest branch is filled first.</summary>
    private static string? Dive(string path, int n, int levels)
    {
        Directory.CreateDirectory(path);
        if (levels == 0)
        {
            return Directory.EnumerateFileSystemEntries(path).Count() >= n ? null : "";
        }
        var dirs = Directory.EnumerateDirectories(path).Select(Path.GetFileName)
            .Where(d => d is { Length: > 0 and < 10 } && d.All(char.IsAsciiDigit)).Select(d => int.Parse(d!, CultureInfo.InvariantCulture)).Order().ToList();
        var branch = dirs.Count == 0 ? 0 : dirs[^1];
        var deeper = Dive(Path.Combine(path, branch.ToString(CultureInfo.InvariantCulture)), n, levels - 1);
        if (deeper is not null)
        {
            return Join(branch, deeper);
        }
        if (dirs.Count >= n)
        {
            return null;
        }
        var next = branch + 1;
        deeper = Dive(Path.Combine(path, next.ToString(CultureInfo.InvariantCulture)), n, levels - 1);
        return deeper is null ? null : Join(next, deeper);
    }

    private static string Join(int branch, string deeper) =>
        deeper.Length == 0 ? branch.ToString(CultureInfo.InvariantCulture) : branch.ToString(CultureInfo.InvariantCulture) + "/" + deeper;

    /// <summary>The strftime subset that folder names need (%Y %m %d %H %M %S %j %%).</summary>
    internal static string Strftime(string fmt, DateTime t)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < fmt.Length; i++)
        {
            if (fmt[i] != '%' || i == fmt.Length - 1)
            {
                sb.Append(fmt[i]);
                continue;
            }
            i++;
            sb.Append(fmt[i] switch
            {
                'Y' => t.Year.ToString("D4", CultureInfo.InvariantCulture),
                'm' => t.Month.ToString("D2", CultureInfo.InvariantCulture),
                'd' => t.Day.ToString("D2", CultureInfo.InvariantCulture),
                'H' => t.Hour.ToString("D2", CultureInfo.InvariantCulture),
                'M' => t.Minute.ToString("D2", CultureInfo.InvariantCulture),
                'S' => t.Second.ToString("D2", CultureInfo.InvariantCulture),
                'j' => t.DayOfYear.ToString("D3", CultureInfo.InvariantCulture),
                '%' => "%",
                var c => "%" + c,
            });
        }
        // a rotation folder never climbs out of the upload folder
        return string.Join('/', sb.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s is not "." and not ".."));
    }

    private (long Bytes, long Files) Totals(Volume vol, DateTimeOffset now)
    {
        var t = _totals.GetOrAdd(vol.RealPath, _ => new VolumeTotals());
        lock (t)
        {
            if (now - t.Counted > VolumeRecount)
            {
                (t.Bytes, t.Files) = Walk(vol.RealPath);
                t.Counted = now;
            }
            return (t.Bytes, t.Files);
        }
    }

    private static (long, long) Walk(string root)
    {
        long bytes = 0, files = 0;
        var opts = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var f in new DirectoryInfo(root).EnumerateFiles("*", opts))
        {
            if (f.FullName.Contains("/.hist/", StringComparison.Ordinal))
            {
                continue;
            }
            bytes += f.Length;
            files++;
        }
        return (bytes, files);
    }

    private static long FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    private static string Human(long b) => b switch
    {
        >= 1L << 30 => (b / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (b / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (b / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => b.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private sealed class IpWindow
    {
        public Queue<DateTimeOffset> Uploads { get; } = new();
        public Queue<(DateTimeOffset At, long Size)> Sizes { get; } = new();
        public long Bytes { get; set; }

        public void Trim(DateTimeOffset now, UploadRules r)
        {
            while (Uploads.Count > 0 && now - Uploads.Peek() > r.MaxUploadsWindow)
            {
                Uploads.Dequeue();
            }
            while (Sizes.Count > 0 && now - Sizes.Peek().At > r.MaxBytesWindow)
            {
                Bytes -= Sizes.Dequeue().Size;
            }
        }
    }

    private sealed class VolumeTotals
    {
        public long Bytes { get; set; }
        public long Files { get; set; }
        public DateTimeOffset Counted { get; set; } = DateTimeOffset.MinValue;
    }
}
