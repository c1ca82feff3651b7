using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Storage;

/// <summary>Upload file names: sanitising what a client sends, and copyparty's collision renaming.</summary>
internal static class UploadNames
{
    /// <summary>
    /// A client's file name (multipart filename, up2k name): only the last path component is kept (browsers on Windows
    /// send "C:\dir\x.txt"), then it must be a valid single segment.
    /// </summary>
    public static bool TrySanitize(string? raw, out string name, out string error)
    {
        name = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "empty file name";
            return false;
        }
        var s = raw.Trim();
        var cut = s.LastIndexOfAny(['/', '\\']);
        if (cut >= 0)
        {
            s = s[(cut + 1)..];
        }
        if (!UrlPath.SegmentOk(s, out error))
        {
            error = "bad file name: " + error;
            return false;
        }
        name = s;
        return true;
    }

    /// <summary>
    /// copyparty keeps the whole old name and appends "-&lt;unix time, 6 decimals&gt;-&lt;8-char IP hash&gt;" plus the
    /// extension again: <c>p.txt</c> → <c>p.txt-1795384894.582632-da9JAIbx.txt</c>.
    /// </summary>
    public static string Collision(string name, DateTimeOffset now, string ipHash)
    {
        var ts = UnixMicros(now);
        var dot = name.LastIndexOf('.');
        var ext = dot > 0 && dot < name.Length - 1 ? name[dot..] : "";
        var candidate = $"{name}-{ts}-{ipHash}{ext}";
        if (Encoding.UTF8.GetByteCount(candidate) > 255)
        {
            // keep the suffix, trim the front: the name must still fit the filesystem
            var keep = Math.Max(1, name.Length - (Encoding.UTF8.GetByteCount(candidate) - 255) - 4);
            candidate = $"{name[..keep]}-{ts}-{ipHash}{ext}";
        }
        return candidate;
    }

    /// <summary>copyparty's name for a PUT to a folder: <c>put-&lt;time&gt;-&lt;iphash&gt;.bin</c>.</summary>
    public static string ForNamelessPut(DateTimeOffset now, string ipHash) =>
        $"put-{UnixMicros(now)}-{ipHash}.bin";

    /// <summary>Unix time with 6 decimals, as copyparty's "%.6f".</summary>
    private static string UnixMicros(DateTimeOffset t)
    {
        var us = (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return (us / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (us % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>8 chars of base64url(SHA-512(salt + ip)): identifies an uploader without showing the address.</summary>
    public static string IpHash(string salt, string ip)
    {
        var h = SHA512.HashData(Encoding.UTF8.GetBytes(salt + " " + ip));
        return Convert.ToBase64String(h, 0, 6).Replace('+', '-').Replace('/', '_');
    }
}
