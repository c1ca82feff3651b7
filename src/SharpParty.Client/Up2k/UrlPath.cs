using System.Text;

namespace SharpParty.Client.Up2k;

/// <summary>URL-quoting of paths as u2c does it (Python's quote with "/" safe): UTF-8 bytes, only A-Z a-z 0-9 _ . - ~ and "/" kept.</summary>
internal static class UrlPath
{
    public static string Quote(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' or '/')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 15]);
            }
        }
        return sb.ToString();
    }

    /// <summary>The folder URL path for files at <paramref name="relDir"/> below <paramref name="folderPath"/> (which ends in "/").</summary>
    public static string Folder(string folderPath, string relDir) => relDir.Length == 0 ? folderPath : folderPath + Quote(relDir) + "/";

    private const string HexUpper = "0123456789ABCDEF";
}
