using System.Buffers;
using System.Text.Json;

namespace SharpParty.Client.Up2k;

internal enum HandshakeKind
{
    /// <summary>Accepted; <see cref="HandshakeResult.Need"/> lists the chunks still missing (empty: the file is complete).</summary>
    Accepted,

    /// <summary>422: the same content is being uploaded elsewhere, or the dedup source is busy: ask again later.</summary>
    Recheck,

    /// <summary>409: the server refuses duplicates (nodupe) and has this content already.</summary>
    Exists,

    /// <summary>403: wrong password or no write access; nothing else will work either.</summary>
    Forbidden,

    /// <summary>Any other 4xx (file too big, bad name, …): asking again will not change the answer.</summary>
    Rejected,

    /// <summary>Anything else (5xx, 408, 429, no reply, a reply we cannot read): worth another try after a pause.</summary>
    Failed,

    /// <summary>A file-search reply (<see cref="HandshakeResult.Hits"/>).</summary>
    Searched,
}

internal sealed record HandshakeResult(HandshakeKind Kind, string Message, string[] Need, bool Sparse, string[] Hits)
{
    public static HandshakeResult Of(HandshakeKind kind, string message) => new(kind, message, [], true, []);
}

/// <summary>
/// The up2k handshake (spec §2.4-2.6): POST the file's name, size, mtime and chunk hashes as JSON to its folder, read
/// back the final name, the chunk URL and the chunks the server is missing; 422/409/403 keep u2c's meanings.
/// </summary>
internal sealed class Handshake(Up2kHttp http, UpOptions options)
{
    public async Task<HandshakeResult> SendAsync(FileJob job, CancellationToken ct)
    {
        job.Handshakes++;
        var url = job.Url ?? UrlPath.Folder(options.FolderPath, job.Entry.RelDir);
        var reply = await http.PostJsonAsync(url, Body(job), ct);
        if (!reply.Ok)
        {
            // u2c matches the body too: a proxy may change the status but not copyparty's wording
            var kind = reply.Status == 422 || reply.Body.Contains("<pre>partial upload exists at a different", StringComparison.Ordinal)
                                            || reply.Body.Contains("<pre>source file busy; please try again", StringComparison.Ordinal)
                ? HandshakeKind.Recheck
                : reply.Status == 409 || reply.Body.Contains("<pre>upload rejected, file already exists", StringComparison.Ordinal)
                    ? HandshakeKind.Exists
                    : reply.Status switch
                    {
                        403 => HandshakeKind.Forbidden,
                        408 or 425 or 429 => HandshakeKind.Failed,
                        >= 400 and < 500 => HandshakeKind.Rejected,
                        _ => HandshakeKind.Failed,
                    };
            return HandshakeResult.Of(kind, Up2kHttp.ErrorText(reply));
        }
        try
        {
            return Parse(job, reply.Body, options.Search);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return HandshakeResult.Of(HandshakeKind.Failed, "unreadable handshake reply: " + e.Message);
        }
    }

    internal byte[] Body(FileJob job)
    {
        var buf = new ArrayBufferWriter<byte>(256 + (job.Hashes.Length * 47));
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            // after the first reply, the server's name: on a collision it renamed the upload, and asking for the local
            // name again would start another renamed copy (copyparty does exactly that)
            w.WriteString("name", job.RemoteName ?? job.Entry.Name);
            w.WriteNumber("size", job.Entry.Size);
            w.WriteNumber("lmod", job.Entry.Mtime);
            w.WriteStartArray("hash");
            foreach (var h in job.Hashes)
            {
                w.WriteStringValue(h);
            }
            w.WriteEndArray();
            if (options.Search)
            {
                w.WriteNumber("srch", 1);
            }
            else
            {
                if (options.Touch)
                {
                    w.WriteBoolean("umod", true);
                }
                if (options.Overwrite)
                {
                    w.WriteBoolean("replace", true);
                }
            }
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    private static HandshakeResult Parse(FileJob job, string body, bool search)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (search)
        {
            var hits = new List<string>();
            foreach (var h in root.GetProperty("hits").EnumerateArray())
            {
                hits.Add(h.GetProperty("rp").GetString() ?? "");
            }
            return new HandshakeResult(HandshakeKind.Searched, "", [], true, [.. hits]);
        }
        // the server's purl is a plain path; quoted as u2c does, so names with spaces and unicode survive
        job.Url = UrlPath.Quote(root.GetProperty("purl").GetString()!);
        job.RemoteName = root.GetProperty("name").GetString();
        job.Wark = root.GetProperty("wark").GetString() ?? "";
        var need = new List<string>();
        foreach (var h in root.GetProperty("hash").EnumerateArray())
        {
            need.Add(h.GetString()!);
        }
        var sparse = !root.TryGetProperty("sprs", out var s) || s.ValueKind != JsonValueKind.False;
        return new HandshakeResult(HandshakeKind.Accepted, "", [.. need], sparse, []);
    }
}
