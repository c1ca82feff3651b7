using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SharpParty.Core.Up2k;

namespace SharpParty.Web.Tests.Up2k;

/// <summary>A file as an up2k client sees it: its bytes, chunk size, chunk hashes and wark (salt hunter2).</summary>
internal sealed class Up2kFile
{
    public Up2kFile(byte[] data, string name, long lmod = 1_700_000_000)
    {
        Data = data;
        Name = name;
        Lmod = lmod;
        ChunkSize = SharpParty.Core.Up2k.ChunkSize.For(data.Length);
        var n = (int)SharpParty.Core.Up2k.ChunkSize.Chunks(data.Length, ChunkSize);
        Hashes = new string[n];
        for (var i = 0; i < n; i++)
        {
            var (o, l) = Chunk(i);
            Hashes[i] = Up2kHash.OfChunk(data.AsSpan((int)o, l));
        }
        Wark = n == 0 ? "" : Up2kHash.Wark(Up2kHash.DefaultSalt, data.Length, Hashes);
    }

    public byte[] Data { get; }
    public string Name { get; }
    public long Lmod { get; }
    public long ChunkSize { get; }
    public string[] Hashes { get; }
    public string Wark { get; }

    public (long Offset, int Length) Chunk(int i) => (i * ChunkSize, (int)Math.Min(ChunkSize, Data.Length - (i * ChunkSize)));

    public byte[] ChunkBytes(int i)
    {
        var (o, l) = Chunk(i);
        return Data.AsSpan((int)o, l).ToArray();
    }

    public static byte[] Random(int size, int seed)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }
}

/// <summary>The handshake reply, parsed.</summary>
internal sealed record HandshakeAnswer(HttpStatusCode Status, string Body, string? Name, string? Purl, string[] Need, string? Wark, string? Dwrk, long Lmod, long Size, bool Sprs);

/// <summary>Speaks the up2k protocol over HttpClient, one step at a time, so tests can also get it wrong on purpose.</summary>
internal static class Up2kWire
{
    public static async Task<HandshakeAnswer> HandshakeAsync(HttpClient c, string folderUrl, Up2kFile f, Dictionary<string, object>? extra = null,
        string? nameOverride = null, string[]? hashesOverride = null, string? password = null)
    {
        var body = new Dictionary<string, object>
        {
            ["name"] = nameOverride ?? f.Name,
            ["size"] = f.Data.Length,
            ["lmod"] = f.Lmod + 0.25,
            ["hash"] = hashesOverride ?? f.Hashes,
        };
        foreach (var (k, v) in extra ?? [])
        {
            body[k] = v;
        }
        return await HandshakeRawAsync(c, folderUrl, JsonSerializer.Serialize(body), password);
    }

    public static async Task<HandshakeAnswer> HandshakeRawAsync(HttpClient c, string folderUrl, string json, string? password = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, folderUrl) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (password is not null)
        {
            req.Headers.Add("PW", password);
        }
        using var res = await c.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        if (res.StatusCode != HttpStatusCode.OK || !text.StartsWith('{'))
        {
            return new HandshakeAnswer(res.StatusCode, text, null, null, [], null, null, 0, 0, false);
        }
        using var doc = JsonDocument.Parse(text);
        var r = doc.RootElement;
        string? S(string k) => r.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var need = r.TryGetProperty("hash", out var h) ? h.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        return new HandshakeAnswer(res.StatusCode, text, S("name"), S("purl"), need, S("wark"), S("dwrk"),
            r.TryGetProperty("lmod", out var lm) ? lm.GetInt64() : 0, r.TryGetProperty("size", out var sz) ? sz.GetInt64() : 0,
            r.TryGetProperty("sprs", out var sp) && sp.GetBoolean());
    }

    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient c, string purl, string wark, string hashHeader, byte[] body,
        long? subc = null, string? password = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, Quote(purl)) { Content = new ByteArrayContent(body) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        req.Headers.TryAddWithoutValidation("X-Up2k-Wark", wark);
        req.Headers.TryAddWithoutValidation("X-Up2k-Hash", hashHeader);
        if (subc is { } s)
        {
            req.Headers.TryAddWithoutValidation("X-Up2k-Subc", s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (password is not null)
        {
            req.Headers.Add("PW", password);
        }
        using var res = await c.SendAsync(req);
        return (res.StatusCode, await res.Content.ReadAsStringAsync());
    }

    /// <summary>Posts one chunk by its hash (every offset of that hash is filled by the server).</summary>
    public static Task<(HttpStatusCode Status, string Body)> PostChunkAsync(HttpClient c, HandshakeAnswer hs, Up2kFile f, string hash) =>
        PostAsync(c, hs.Purl!, hs.Wark!, hash, f.ChunkBytes(Array.IndexOf(f.Hashes, hash)));

    /// <summary>A whole upload, one chunk per POST, then the final handshake; returns the final name.</summary>
    public static async Task<string> UploadAsync(HttpClient c, string folderUrl, Up2kFile f, string? password = null)
    {
        var hs = await HandshakeAsync(c, folderUrl, f, password: password);
        Assert.True(hs.Status == HttpStatusCode.OK, hs.Body);
        foreach (var h in hs.Need)
        {
            var idx = Array.IndexOf(f.Hashes, h);
            var (st, body) = await PostAsync(c, hs.Purl!, hs.Wark!, h, f.ChunkBytes(idx), password: password);
            Assert.True(st == HttpStatusCode.OK, body);
            Assert.Equal("thank", body);
        }
        var fin = await HandshakeAsync(c, folderUrl, f, password: password);
        Assert.Equal(HttpStatusCode.OK, fin.Status);
        Assert.Empty(fin.Need);
        return fin.Name!;
    }

    /// <summary>The compact stitched header of spec §2.7: first hash, prefix length, prefixes.</summary>
    public static string Compact(IReadOnlyList<string> hashes)
    {
        var n = Math.Clamp(192 / hashes.Count, 2, 9);
        return hashes[0] + "," + n + "," + string.Concat(hashes.Skip(1).Select(h => h[..n]));
    }

    public static string Quote(string vpath) => string.Join('/', vpath.Split('/').Select(Uri.EscapeDataString));
}
