using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SharpParty.Client.Relay;

/// <summary>A manifest entry: a file's path (POSIX, relative) and size.</summary>
internal readonly record struct ManifestEntry(string Path, long Size);

/// <summary>A receiver's resume report for one file (§1.3.4): bytes it has and their chain.</summary>
internal readonly record struct HaveEntry(string Path, long Size, string ChainHex);

/// <summary>The <c>file</c> header of §1.3, and our <c>x_mtime</c> (Unix seconds; null from p2p-copy).</summary>
internal readonly record struct FileHeader(string Path, long Size, bool Zstd, long AppendFrom, double? Mtime = null);

/// <summary>
/// The control messages of p2p-copy's protocol, written byte for byte as its <c>json.dumps(separators=(",",":"),
/// ensure_ascii=False)</c> does: same key order, no spaces, non-ASCII as UTF-8.
/// </summary>
internal static class RelayMessages
{
    public static readonly byte[] FileEof = "{\"type\":\"file_eof\"}"u8.ToArray();
    public static readonly byte[] Eof = "{\"type\":\"eof\"}"u8.ToArray();

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Hello(string hashHex, bool sender) => Write(w =>
    {
        w.WriteString("type", "hello");
        w.WriteString("code_hash_hex", hashHex);
        w.WriteString("role", sender ? "sender" : "receiver");
    });

    /// <summary>Text that announces an <see cref="MessageBatch"/> as the next (binary) message.</summary>
    public static readonly byte[] BatchMark = "{\"type\":\"x_batch\"}"u8.ToArray();

    /// <param name="caps">Extensions we offer (<see cref="RelayCaps"/>), as an extra key p2p-copy's <c>.get()</c>s never read.</param>
    public static byte[] Manifest(bool resume, IEnumerable<ManifestEntry> entries, IReadOnlyList<string>? caps = null) => Write(w =>
    {
        w.WriteString("type", "manifest");
        w.WriteBoolean("resume", resume);
        w.WriteStartArray("entries");
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteString("path", e.Path);
            w.WriteNumber("size", e.Size);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteCaps(w, caps);
    });

    public static byte[] EncManifest(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> hidden)
    {
        var s = Convert.ToHexStringLower(seed);
        var h = Convert.ToHexStringLower(hidden);
        return Write(w =>
        {
            w.WriteString("type", "enc_manifest");
            w.WriteString("nonce", s);
            w.WriteString("hidden_manifest", h);
        });
    }

    /// <param name="caps">The extensions the receiver takes up (an echo of the sender's offer).</param>
    public static byte[] ReceiverManifest(IEnumerable<HaveEntry> entries, IReadOnlyList<string>? caps = null) => Write(w =>
    {
        w.WriteString("type", "receiver_manifest");
        w.WriteStartArray("entries");
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteString("path", e.Path);
            w.WriteNumber("size", e.Size);
            w.WriteString("chain_hex", e.ChainHex);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteCaps(w, caps);
    });

    /// <summary>The receiver's echo without resume (then it sends nothing else): <c>{"type":"x_caps","x_caps":[…]}</c>.
    /// Only sent when the sender offered, so a p2p-copy sender (which never reads here) never gets it.</summary>
    public static byte[] CapsEcho(IReadOnlyList<string> caps) => Write(w =>
    {
        w.WriteString("type", "x_caps");
        WriteCaps(w, caps);
    });

    private static void WriteCaps(Utf8JsonWriter w, IReadOnlyList<string>? caps)
    {
        if (caps is not { Count: > 0 })
        {
            return;
        }
        w.WriteStartArray("x_caps");
        foreach (var c in caps)
        {
            w.WriteStringValue(c);
        }
        w.WriteEndArray();
    }

    /// <summary>Whether a manifest, receiver manifest or echo lists <paramref name="cap"/> in its <c>x_caps</c>.</summary>
    public static bool Offers(JsonElement root, string cap) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("x_caps", out var caps) && caps.ValueKind == JsonValueKind.Array
        && caps.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && c.GetString() == cap);

    public static byte[] EncReceiverManifest(ReadOnlySpan<byte> hidden)
    {
        var h = Convert.ToHexStringLower(hidden);
        return Write(w =>
        {
            w.WriteString("type", "enc_receiver_manifest");
            w.WriteString("hidden_manifest", h);
        });
    }

    public static byte[] File(FileHeader f) => Write(w =>
    {
        w.WriteString("type", "file");
        w.WriteString("path", f.Path);
        w.WriteNumber("size", f.Size);
        w.WriteString("compression", f.Zstd ? "zstd" : "none");
        w.WriteNumber("append_from", f.AppendFrom);
        if (f.Mtime is { } m)
        {
            w.WriteNumber("x_mtime", m);
        }
    });

    /// <summary><c>file_eof</c> with our <c>x_sha256</c> (<see cref="RelayCaps.Sha256"/>).</summary>
    public static byte[] FileEofWithHash(ReadOnlySpan<byte> sha256)
    {
        var h = Convert.ToHexStringLower(sha256);
        return Write(w =>
        {
            w.WriteString("type", "file_eof");
            w.WriteString("x_sha256", h);
        });
    }

    public static byte[] EncFile(ReadOnlySpan<byte> hidden)
    {
        var h = Convert.ToHexStringLower(hidden);
        return Write(w =>
        {
            w.WriteString("type", "enc_file");
            w.WriteString("hidden_file", h);
        });
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf, Compact))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>The <c>type</c> of a control message, or null when it is not a JSON object with a string type.</summary>
    public static string? TypeOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    public static bool TryReadManifest(JsonElement root, out bool resume, out List<ManifestEntry> entries)
    {
        resume = root.TryGetProperty("resume", out var r) && r.ValueKind == JsonValueKind.True;
        entries = [];
        if (!root.TryGetProperty("entries", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var e in list.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String
                || !e.TryGetProperty("size", out var s) || !s.TryGetInt64(out var size) || size < 0)
            {
                return false;
            }
            entries.Add(new ManifestEntry(p.GetString()!, size));
        }
        return true;
    }

    public static bool TryReadHave(JsonElement root, out List<HaveEntry> entries)
    {
        entries = [];
        if (!root.TryGetProperty("entries", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var e in list.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String
                || !e.TryGetProperty("size", out var s) || !s.TryGetInt64(out var size)
                || !e.TryGetProperty("chain_hex", out var c) || c.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            entries.Add(new HaveEntry(p.GetString()!, size, c.GetString()!));
        }
        return true;
    }

    public static bool TryReadFile(JsonElement root, out FileHeader header)
    {
        header = default;
        if (!root.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("size", out var s) || !s.TryGetInt64(out var size) || size < 0)
        {
            return false;
        }
        var zstd = root.TryGetProperty("compression", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "zstd";
        long append = 0;
        if (root.TryGetProperty("append_from", out var a) && (!a.TryGetInt64(out append) || append < 0 || append > size))
        {
            return false;
        }
        // ours: the sender's mtime, used only when it is a plain finite number (a bad one is ignored, not an error)
        double? mtime = root.TryGetProperty("x_mtime", out var mt) && mt.ValueKind == JsonValueKind.Number && mt.TryGetDouble(out var mv)
            && double.IsFinite(mv) && mv is > 0 and < 32503680000 ? mv : null;
        header = new FileHeader(p.GetString()!, size, zstd, append, mtime);
        return true;
    }

    /// <summary>A hex string field decoded, or null.</summary>
    public static byte[]? Hex(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(v.GetString()!);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
