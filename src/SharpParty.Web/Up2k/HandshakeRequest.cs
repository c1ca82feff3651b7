using System.Text.Json;
using SharpParty.Core.Up2k;

namespace SharpParty.Web.Up2k;

/// <summary>
/// The fields of an up2k handshake body (spec §2.4), read leniently as copyparty does (numbers may be floats, flags may
/// be bools or 1) but validated where copyparty is not: the hash count must match the size.
/// </summary>
internal sealed class HandshakeRequest
{
    /// <summary>copyparty's cap on the hash list (512 Ki entries).</summary>
    private const int MaxHashes = 512 * 1024;

    public string Name { get; private init; } = "";
    public long Size { get; private init; }
    /// <summary>Client mtime in whole seconds; null when missing or 0 (then "now" is used).</summary>
    public long? Lmod { get; private init; }
    public string[] Hashes { get; private init; } = [];
    public bool Search { get; private init; }
    public bool Replace { get; private init; }
    public bool Umod { get; private init; }
    public bool Rand { get; private init; }
    public long Life { get; private init; }

    /// <summary>Parses a handshake; on failure <paramref name="status"/> and <paramref name="error"/> are copyparty's reply.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, bool searchInUrl, out HandshakeRequest? req, out int status, out string error)
    {
        req = null;
        status = 400;
        error = "";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            status = 422;
            error = $"you POSTed {json.Length} bytes of invalid json";
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                status = 422;
                error = $"you POSTed {json.Length} bytes of invalid json";
                return false;
            }
            var search = searchInUrl || root.TryGetProperty("srch", out var s) && Truthy(s);
            string name = "";
            if (root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                name = n.GetString() ?? "";
            }
            else if (!search)
            {
                error = "handshake is missing the file name";
                return false;
            }
            if (name.Length > 1024)
            {
                error = "file name too long";
                return false;
            }
            if (!root.TryGetProperty("size", out var sz) || !TryLong(sz, out var size) || size < 0)
            {
                error = "handshake needs a size (a whole number >= 0)";
                return false;
            }
            long? lmod = null;
            if (root.TryGetProperty("lmod", out var lm) && lm.ValueKind == JsonValueKind.Number && lm.TryGetDouble(out var lmd)
                && lmd >= 1 && lmd < 1e11)
            {
                lmod = (long)lmd;
            }
            if (!root.TryGetProperty("hash", out var hl) || hl.ValueKind != JsonValueKind.Array)
            {
                error = "handshake needs a hash list";
                return false;
            }
            var count = hl.GetArrayLength();
            if (count > MaxHashes)
            {
                error = "too many hashes";
                return false;
            }
            var hashes = new string[count];
            var i = 0;
            foreach (var h in hl.EnumerateArray())
            {
                var hs = h.ValueKind == JsonValueKind.String ? h.GetString() ?? "" : "";
                if (!Up2kHash.IsValid(hs))
                {
                    error = "at least one hash is not according to spec: " + (hs.Length < Up2kHash.Length ? "short" : hs.Length > Up2kHash.Length ? "long" : "bad character");
                    return false;
                }
                hashes[i++] = hs;
            }
            // copyparty does not check this (spec §8.3); a wrong count would leave holes in the file or never finish
            var expected = ChunkSize.Chunks(size, ChunkSize.For(size));
            if (count != expected)
            {
                error = $"hash list does not match the size: {count} chunk hashes for {size} bytes (expected {expected})";
                return false;
            }
            req = new HandshakeRequest
            {
                Name = name,
                Size = size,
                Lmod = lmod,
                Hashes = hashes,
                Search = search,
                Replace = root.TryGetProperty("replace", out var r) && Truthy(r),
                Umod = root.TryGetProperty("umod", out var u) && Truthy(u),
                Rand = root.TryGetProperty("rand", out var rn) && Truthy(rn),
                Life = root.TryGetProperty("life", out var lf) && TryLong(lf, out var life) && life > 0 ? life : 0,
            };
            return true;
        }
    }

    private static bool Truthy(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => e.TryGetDouble(out var d) && d != 0,
        JsonValueKind.String => e.GetString() is { Length: > 0 } s && s != "0" && !s.Equals("false", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool TryLong(JsonElement e, out long v)
    {
        v = 0;
        if (e.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        if (e.TryGetInt64(out v))
        {
            return true;
        }
        if (e.TryGetDouble(out var d) && d is >= 0 and < 9e18 && d == Math.Floor(d))
        {
            v = (long)d;
            return true;
        }
        return false;
    }
}
