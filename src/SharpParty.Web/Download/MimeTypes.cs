using System.Collections.Frozen;

namespace SharpParty.Web.Download;

/// <summary>Content-Type by extension (lowercase, no dot). Text types get charset=utf-8, as copyparty.</summary>
internal static class MimeTypes
{
    private static readonly FrozenDictionary<string, string> Map = new Dictionary<string, string>
    {
        ["html"] = "text/html; charset=utf-8", ["htm"] = "text/html; charset=utf-8",
        ["css"] = "text/css; charset=utf-8", ["js"] = "text/javascript; charset=utf-8", ["mjs"] = "text/javascript; charset=utf-8",
        ["json"] = "application/json", ["xml"] = "application/xml", ["txt"] = "text/plain; charset=utf-8",
        ["md"] = "text/plain; charset=utf-8", ["log"] = "text/plain; charset=utf-8", ["csv"] = "text/csv; charset=utf-8",
        ["conf"] = "text/plain; charset=utf-8", ["ini"] = "text/plain; charset=utf-8", ["py"] = "text/plain; charset=utf-8",
        ["sh"] = "text/plain; charset=utf-8", ["c"] = "text/plain; charset=utf-8", ["h"] = "text/plain; charset=utf-8",
        ["cs"] = "text/plain; charset=utf-8", ["rs"] = "text/plain; charset=utf-8", ["go"] = "text/plain; charset=utf-8",
        ["yml"] = "text/plain; charset=utf-8", ["yaml"] = "text/plain; charset=utf-8", ["toml"] = "text/plain; charset=utf-8",
        ["png"] = "image/png", ["jpg"] = "image/jpeg", ["jpeg"] = "image/jpeg", ["gif"] = "image/gif", ["webp"] = "image/webp",
        ["avif"] = "image/avif", ["svg"] = "image/svg+xml", ["ico"] = "image/x-icon", ["bmp"] = "image/bmp", ["tif"] = "image/tiff",
        ["tiff"] = "image/tiff", ["heic"] = "image/heic", ["jxl"] = "image/jxl",
        ["mp3"] = "audio/mpeg", ["ogg"] = "audio/ogg", ["opus"] = "audio/ogg", ["flac"] = "audio/flac", ["wav"] = "audio/wav",
        ["m4a"] = "audio/mp4", ["aac"] = "audio/aac", ["weba"] = "audio/webm",
        ["mp4"] = "video/mp4", ["m4v"] = "video/mp4", ["webm"] = "video/webm", ["mkv"] = "video/x-matroska", ["mov"] = "video/quicktime",
        ["avi"] = "video/x-msvideo", ["ts"] = "video/mp2t",
        ["pdf"] = "application/pdf", ["zip"] = "application/zip", ["gz"] = "application/gzip", ["tar"] = "application/x-tar",
        ["xz"] = "application/x-xz", ["zst"] = "application/zstd", ["7z"] = "application/x-7z-compressed",
        ["wasm"] = "application/wasm", ["woff"] = "font/woff", ["woff2"] = "font/woff2", ["ttf"] = "font/ttf", ["otf"] = "font/otf",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public const string Default = "application/octet-stream";

    public static string ForName(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot < 0 || dot == name.Length - 1)
        {
            return Default;
        }
        return Map.GetValueOrDefault(name[(dot + 1)..]) ?? Default;
    }

    /// <summary><c>?mime=</c> override: only a plain type/subtype is accepted, so a link cannot inject headers.</summary>
    public static bool IsSafeOverride(string mime) =>
        mime.Length is > 2 and < 128 && mime.Count(c => c == '/') == 1
        && mime.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '+' or '.' or ';' or '=' or ' ' or '_');
}
