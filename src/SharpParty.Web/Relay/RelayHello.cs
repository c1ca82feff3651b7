using System.Text.Json;

namespace SharpParty.Web.Relay;

/// <summary>
/// The first message of every relay client (spec §1.3 "Pairing"): <c>{"type":"hello","code_hash_hex":H,"role":R}</c>.
/// Refusals carry p2p-copy's close reasons word for word, so its users see the messages they know.
/// </summary>
internal readonly record struct RelayHello(string CodeHash, RelayRole Role)
{
    /// <summary>A hello is small; anything longer is not one (the code hash is 64 hex chars).</summary>
    public const int MaxBytes = 4096;

    public static bool TryParse(ReadOnlySpan<byte> json, out RelayHello hello, out string reason)
    {
        hello = default;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            reason = "Bad hello json";
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String
                || t.GetString() != "hello")
            {
                reason = "First frame must be hello";
                return false;
            }
            var hash = root.TryGetProperty("code_hash_hex", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            var role = root.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (string.IsNullOrEmpty(hash) || hash.Length > 256 || role is not ("sender" or "receiver"))
            {
                reason = "Bad hello";
                return false;
            }
            hello = new RelayHello(hash, role == "sender" ? RelayRole.Sender : RelayRole.Receiver);
            reason = "";
            return true;
        }
    }
}

internal enum RelayRole
{
    Sender,
    Receiver,
}
