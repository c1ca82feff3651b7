using System.Globalization;

namespace SharpParty.Web.Archive;

internal enum ArchiveKind
{
    Zip,
    Tar,
}

/// <summary>
/// What <c>?zip[=utf8|crc]</c> or <c>?tar[=pax|gz[:LEVEL]]</c> asks for (copyparty's spelling, reference §1.10).
/// </summary>
internal sealed record ArchiveFormat(ArchiveKind Kind, bool Utf8 = false, bool PreCrc = false, bool Pax = false, int? GzipLevel = null)
{
    /// <summary>copyparty's default for <c>?tar=gz</c>: level 3, fast and still a good squeeze.</summary>
    public const int DefaultGzipLevel = 3;

    public string Extension => Kind == ArchiveKind.Zip ? "zip" : GzipLevel is null ? "tar" : "tar.gz";

    public string ContentType => Kind == ArchiveKind.Zip ? "application/zip" : GzipLevel is null ? "application/x-tar" : "application/gzip";

    /// <summary>From the query value of <c>zip</c> or <c>tar</c> (null when absent); false with a reason for what we
    /// cannot make (xz and bz2: no encoder in the BCL, and copyparty's own defaults are zip and plain tar).</summary>
    public static bool TryParse(string? zip, string? tar, out ArchiveFormat? format, out string error)
    {
        format = null;
        error = "";
        if (zip is not null)
        {
            // copyparty tests for substrings ("utf" in the value, "crc" in the value); so do we
            format = new ArchiveFormat(ArchiveKind.Zip, Utf8: zip.Contains("utf", StringComparison.Ordinal), PreCrc: zip.Contains("crc", StringComparison.Ordinal));
            return true;
        }
        if (tar is null)
        {
            error = "expected ?zip or ?tar";
            return false;
        }
        if (tar.Contains("xz", StringComparison.Ordinal) || tar.Contains("bz2", StringComparison.Ordinal))
        {
            error = "tar=xz and tar=bz2 are not supported; use tar, tar=pax or tar=gz[:1-9]";
            return false;
        }
        int? level = null;
        if (tar.StartsWith("gz", StringComparison.Ordinal))
        {
            level = DefaultGzipLevel;
            var colon = tar.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                if (!int.TryParse(tar.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l is < 0 or > 9)
                {
                    error = "tar=gz:LEVEL takes a level from 0 to 9";
                    return false;
                }
                level = l;
            }
        }
        format = new ArchiveFormat(ArchiveKind.Tar, Pax: tar.Contains("pax", StringComparison.Ordinal), GzipLevel: level);
        return true;
    }
}
