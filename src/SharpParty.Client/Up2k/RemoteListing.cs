using System.Text.Json;

namespace SharpParty.Client.Up2k;

/// <summary>One entry of a server folder listing (<c>?ls</c> JSON, spec §3.3).</summary>
internal readonly record struct RemoteItem(string Name, bool IsDir, long Size, long Mtime);

/// <summary>Reads a server folder's <c>?ls&amp;lt&amp;dots</c> listing, as u2c's -z and --dr do.</summary>
internal static class RemoteListing
{
    /// <summary>The folder's entries by name; null if it cannot be listed (most often: it does not exist yet).</summary>
    public static async Task<Dictionary<string, RemoteItem>?> GetAsync(Up2kHttp http, string folderUrlPath, CancellationToken ct)
    {
        var r = await http.GetAsync(folderUrlPath + "?ls&lt&dots", ct);
        if (!r.Ok)
        {
            return null;
        }
        try
        {
            return Parse(r.Body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    internal static Dictionary<string, RemoteItem> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new Dictionary<string, RemoteItem>(StringComparer.Ordinal);
        foreach (var (key, isDir) in (ReadOnlySpan<(string, bool)>)[("dirs", true), ("files", false)])
        {
            if (!doc.RootElement.TryGetProperty(key, out var list))
            {
                continue;
            }
            foreach (var e in list.EnumerateArray())
            {
                // href is quoted and relative, "?k=…" on filekey volumes, "/" after folders
                var href = e.GetProperty("href").GetString() ?? "";
                var q = href.IndexOf('?', StringComparison.Ordinal);
                if (q >= 0)
                {
                    href = href[..q];
                }
                var name = Uri.UnescapeDataString(href.TrimEnd('/'));
                var sz = e.TryGetProperty("sz", out var s) && s.TryGetInt64(out var sv) ? sv : 0;
                var ts = e.TryGetProperty("ts", out var t) && t.TryGetDouble(out var tv) ? (long)tv : 0;
                result[name] = new RemoteItem(name, isDir, sz, ts);
            }
        }
        return result;
    }
}
