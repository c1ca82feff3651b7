using System.Globalization;

namespace SharpParty.Client.Up2k;

/// <summary>Formats the one-line status shown on a terminal, e.g. "12/2000 files, 35.2/1024.0 MiB, 120.5 MiB/s, ETA 0:08".</summary>
internal static class ProgressLine
{
    private const double MiB = 1 << 20;

    /// <param name="speed">bytes per second (smoothed by the caller); 0 = unknown</param>
    public static string Format(ProgressSnapshot s, double speed)
    {
        var left = Math.Max(0, s.TotalBytes - s.DoneBytes);
        var eta = speed > 0 ? Eta(left / speed) : "-:--";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{s.DoneFiles}/{s.TotalFiles} files, {s.DoneBytes / MiB:F1}/{s.TotalBytes / MiB:F1} MiB, {speed / MiB:F1} MiB/s, ETA {eta}");
        // a big file is hashed whole before its first byte is sent: show that something is happening
        return s.HashedBytes < s.TotalBytes
            ? line + string.Create(CultureInfo.InvariantCulture, $", hashed {100.0 * s.HashedBytes / Math.Max(1, s.TotalBytes):F0}%")
            : line;
    }

    /// <summary>"m:ss" below an hour, "h:mm:ss" above; capped at 99 hours so a stalled start does not print nonsense.</summary>
    public static string Eta(double seconds)
    {
        var t = (long)Math.Ceiling(Math.Clamp(seconds, 0, 99 * 3600));
        var h = t / 3600;
        var m = t / 60 % 60;
        var sec = t % 60;
        return h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:D2}:{sec:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{m}:{sec:D2}");
    }

    /// <summary>Bytes in the largest unit that keeps the number small ("8.0 KiB", "1.0 GiB").</summary>
    public static string Size(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return u == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} {units[u]}")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {units[u]}");
    }
}
