using System.Collections.Frozen;

namespace SharpParty.Web.Download;

/// <summary>Content-Type by extension (lowercase, no dot). Text types get charset=utf-8, as copyparty.</summary>
internal static class MimeTypes
{
    private const string Text = "; charset=utf-8";

    /// <summary>"type: ext ext ext" lines; text types get the charset appended.</summary>
    private const string Table = """
        text/html: html htm
        text/css: css
        text/javascript: js mjs
        text/plain: txt md log conf ini py sh c h cs rs go yml yaml toml
        text/csv: csv
        application/json: json
        application/xml: xml
        image/png: png
        image/jpeg: jpg jpeg
        image/gif: gif
        image/webp: webp
        image/avif: avif
        image/svg+xml: svg
        image/x-icon: ico
        image/bmp: bmp
        image/tiff: tif tiff
        image/heic: heic
        image/jxl: jxl
        audio/mpeg: mp3
        audio/ogg: ogg opus
        audio/flac: flac
        audio/wav: wav
        audio/mp4: m4a
        audio/aac: aac
        audio/webm: weba
        audio/x-caf: caf
        video/mp4: mp4 m4v
        video/webm: webm
        video/x-matroska: mkv
        video/quicktime: mov
        video/x-msvideo: avi
        video/mp2t: ts
        application/pdf: pdf
        application/zip: zip
        application/gzip: gz
        application/x-tar: tar
        application/x-xz: xz
        application/zstd: zst
        application/x-7z-compressed: 7z
        application/wasm: wasm
        font/woff: woff
        font/woff2: woff2
        font/ttf: ttf
        font/otf: otf
        """;

    private static readonly FrozenDictionary<string, string> Map = Table
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .SelectMany(line =>
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var type = line[..colon];
            var full = type.StartsWith("text/", StringComparison.Ordinal) ? type + Text : type;
            return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ext => KeyValuePair.Create(ext, full));
        })
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public const string Default = "application/octet-stream";

    /// <summary>Looks the extension up as a span: a listing asks once per entry and makes no string for it.</summary>
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByExtension =
        Map.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string ForName(string name) => ForName(name.AsSpan());

    public static string ForName(ReadOnlySpan<char> name)
    {
        var dot = name.LastIndexOf('.');
        if (dot < 0 || dot == name.Length - 1)
        {
            return Default;
        }
        return ByExtension.TryGetValue(name[(dot + 1)..], out var type) ? type : Default;
    }

    /// <summary><c>?mime=</c> override: only a plain type/subtype is accepted, so a link cannot inject headers.</summary>
    public static bool IsSafeOverride(string mime) =>
        mime.Length is > 2 and < 128 && mime.Count(c => c == '/') == 1
        && mime.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '+' or '.' or ';' or '=' or ' ' or '_');
}
