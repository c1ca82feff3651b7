using System.Text.Json;

namespace SharpParty.Media.Tags;

/// <summary>
/// Runs the <c>-mtp</c> parsers of a volume on one file, as copyparty does after the built-in tags are known:
/// parsers are picked by the audio filter, the extensions and whether their tag is still missing, then run in order of
/// priority (then key), each with the file's path as its only argument. A parser's trimmed stdout is the tag's value;
/// for a parser of several keys it is a JSON object of which the listed keys are taken. A parser that times out, cannot
/// start, or exits with 126 or above (copyparty's "invalid program", "not found", signals) gives nothing; lower exit
/// codes still count, as in copyparty.
/// </summary>
internal sealed class MtpRunner(IReadOnlyList<MtpSpec> parsers, IReadOnlyCollection<string>? enabledTags = null)
{
    /// <summary>A parser's output is read up to this size; a tag value is short.</summary>
    public const int OutputCap = 64 << 10;

    /// <summary>The parsers that apply to <paramref name="path"/> given the tags found so far.</summary>
    public IReadOnlyList<MtpSpec> Select(string path, IReadOnlyDictionary<string, TagValue> have)
    {
        // copyparty only applies the audio filter when audio tags are indexed at all (ac or .aq in -mte)
        var audioKnown = enabledTags is null || enabledTags.Contains("ac") || enabledTags.Contains(".aq");
        var isAudio = have.ContainsKey("ac") || have.ContainsKey(".aq");
        var ext = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        var list = new List<MtpSpec>();
        foreach (var p in parsers)
        {
            if (enabledTags is not null && !p.Tags.Any(enabledTags.Contains))
            {
                continue; // copyparty only registers a parser when one of its tags is indexed (-mte)
            }

            if (audioKnown && ((isAudio && p.Audio == MtpAudio.Not) || (!isAudio && p.Audio == MtpAudio.Required)))
            {
                continue;
            }

            if (p.Extensions.Count > 0 && !p.Extensions.Contains(ext))
            {
                continue;
            }

            if (!p.Force && p.Tags.All(have.ContainsKey))
            {
                continue;
            }

            list.Add(p);
        }

        return list.OrderBy(p => p.Priority).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Runs the selected parsers; <paramref name="stdinTags"/> (copyparty passes the uploader's <c>up_ip</c> and
    /// <c>up_at</c>) plus earlier results go as JSON to the stdin of parsers with a priority above 0.
    /// </summary>
    public async Task<MediaTags> RunAsync(string path, IReadOnlyDictionary<string, TagValue> have,
        IReadOnlyDictionary<string, TagValue>? stdinTags, CancellationToken ct)
    {
        var found = new MediaTags();
        var full = Path.GetFullPath(path);
        foreach (var p in Select(path, have))
        {
            var (file, args) = p.Program.EndsWith(".py", StringComparison.OrdinalIgnoreCase)
                ? ("python3", new[] { p.Program, full })
                : (p.Program, new[] { full });
            var req = new ProcessRequest(file, args, p.Timeout)
            {
                OutputCap = OutputCap,
                Kill = p.Kill,
                CaptureStdout = p.Capture is 1 or 3,
                CaptureStderr = p.Capture is 2 or 3,
                Stdin = p.Priority > 0 ? StdinJson(stdinTags, found) : null,
            };
            var o = await ProcessRunner.RunAsync(req, ct);
            if (o.TimedOut || o.Failed || o.ExitCode >= 126 || o.ExitCode < 0)
            {
                continue;
            }

            Take(p, o.Stdout.Trim(), found);
        }

        return found;
    }

    internal static void Take(MtpSpec p, string output, MediaTags into)
    {
        if (output.Length == 0)
        {
            return;
        }

        if (!p.Key.Contains(',', StringComparison.Ordinal))
        {
            into.Set(p.Key, output);
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(output, new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var tag in p.Tags)
            {
                if (!doc.RootElement.TryGetProperty(tag, out var v))
                {
                    continue;
                }

                switch (v.ValueKind)
                {
                    case JsonValueKind.String:
                        into.Set(tag, v.GetString()!.Trim());
                        break;
                    case JsonValueKind.Number when v.TryGetDouble(out var d):
                        if (MediaTags.IsNumericKey(tag))
                        {
                            into.Set(tag, d);
                        }
                        else
                        {
                            into.Set(tag, v.GetRawText());
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: nothing for a multi-key parser
        }
    }

    private static string StdinJson(IReadOnlyDictionary<string, TagValue>? stdinTags, MediaTags found)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var src in new[] { stdinTags, found })
        {
            foreach (var (k, v) in src ?? MediaTags.Empty)
            {
                d[k] = v.ToObject();
            }
        }

        return JsonSerializer.Serialize(d, MtpJsonContext.Default.DictionaryStringObject);
    }
}

/// <summary>Source-generated JSON for the stdin of <c>-mtp</c> parsers (no reflection: the build may be Native AOT).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
internal sealed partial class MtpJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
