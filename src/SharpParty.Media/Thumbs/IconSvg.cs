using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SharpParty.Media.Thumbs;

/// <summary>
/// The icon shown where there is no thumbnail: a square tile with a short label (the file's extension, "folder", or a
/// message such as "upload\nonly"), its colour derived from the label so that one type always looks the same.
/// </summary>
internal static class IconSvg
{
    public static string For(string label)
    {
        var lines = label.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            lines = ["?"];
        }
        var hue = SHA256.HashData(Encoding.UTF8.GetBytes(label))[0] * 360 / 256;
        var longest = lines.Max(l => l.Length);
        var size = Math.Clamp(150 / Math.Max(3, longest), 10, 48);
        var sb = new StringBuilder(512);
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\" viewBox=\"0 0 100 100\"><rect width=\"100\" height=\"100\" rx=\"6\" fill=\"hsl({hue},45%,28%)\"/>");
        var top = 50 - ((lines.Length - 1) * size * 0.6);
        for (var i = 0; i < lines.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<text x=\"50\" y=\"{top + (i * size * 1.2):0.#}\" font-family=\"sans-serif\" font-size=\"{size}\" fill=\"#fff\" text-anchor=\"middle\" dominant-baseline=\"middle\">");
            sb.Append(Escape(lines[i])).Append("</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    /// <summary>The label for a file: its extension (the last one or two short parts, as "tar.gz"), "unk" when there is none.</summary>
    public static string LabelFor(string fileName)
    {
        var parts = fileName.Split('.');
        var label = "";
        for (var i = parts.Length - 1; i >= 1 && i >= parts.Length - 2; i--)
        {
            var p = parts[i];
            if (p.Length is 0 or > 7 || !p.All(char.IsAsciiLetterOrDigit) || p.All(char.IsAsciiDigit))
            {
                break;
            }
            label = label.Length == 0 ? p : p + "." + label;
        }
        return label.Length == 0 ? "unk" : label.ToLowerInvariant();
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
