using System.Globalization;
using System.Text.Json;

namespace SharpParty.Media.Tags;

/// <summary>
/// Reads <c>ffprobe -print_format json -show_format -show_streams</c> into copyparty's keys, as its FFprobe backend
/// does: from the format <c>.dur</c>, <c>.q</c> (kbps), <c>fmt</c> (first name of the list); from the first audio stream
/// <c>ac</c>, <c>chs</c> (layout), <c>.hz</c>, <c>.aq</c>; from the first video stream that is not cover art <c>vc</c>,
/// <c>pixfmt</c>, <c>.fps</c>, <c>.vq</c>, <c>.resw</c>/<c>.resh</c> and <c>res</c> ("WxH"). Durations keep the largest
/// value seen. Tags of all sections become fields, the format's first.
/// </summary>
internal static class FfprobeOutput
{
    private static readonly string[] AudioFormats = ["mp3", "ogg", "flac", "wav"];

    public static ProbedMedia Parse(string json)
    {
        var m = new ProbedMedia();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return m;
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return m;
            }

            var format = doc.RootElement.TryGetProperty("format", out var fe) && fe.ValueKind == JsonValueKind.Object ? fe : default;
            var streams = new List<JsonElement>();
            if (doc.RootElement.TryGetProperty("streams", out var se) && se.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in se.EnumerateArray().Take(64))
                {
                    if (s.ValueKind == JsonValueKind.Object)
                    {
                        streams.Add(s);
                    }
                }
            }

            Fill(m, format, streams);
        }

        return m;
    }

    private static void Fill(ProbedMedia m, JsonElement format, List<JsonElement> streams)
    {
        var formatName = Str(format, "format_name") ?? "";
        var ext = Path.GetExtension(Str(format, "filename") ?? "").TrimStart('.').ToLowerInvariant();
        var isAudio = AudioFormats.Contains(formatName) || ext is "m4a" or "aac";

        // an audio file with cover art listed first: look at the audio stream first
        if (isAudio && streams.Count > 1 && Str(streams[0], "codec_type") != "audio" && Str(streams[1], "codec_type") == "audio")
        {
            (streams[0], streams[1]) = (streams[1], streams[0]);
        }

        var nums = new Dictionary<string, double>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (format.ValueKind == JsonValueKind.Object)
        {
            Take(format, nums, texts, ("duration", ".dur"), ("bit_rate", ".q"), ("format_name", "fmt"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in streams)
        {
            var type = Str(s, "codec_type") ?? "";
            if (!seen.Add(type))
            {
                continue;
            }

            if (type == "audio")
            {
                Take(s, nums, texts, ("codec_name", "ac"), ("channel_layout", "chs"), ("sample_rate", ".hz"),
                    ("bit_rate", ".aq"), ("duration", ".dur"));
            }
            else if (type == "video" && !isAudio && !IsCoverArt(s))
            {
                Take(s, nums, texts, ("codec_name", "vc"), ("pix_fmt", "pixfmt"), ("r_frame_rate", ".fps"),
                    ("bit_rate", ".vq"), ("width", ".resw"), ("height", ".resh"), ("duration", ".dur"));
            }
        }

        if (texts.GetValueOrDefault("vc") == "ansi")
        {
            return; // ffprobe reading a text file as ANSI art: not media
        }

        Emit(m, formatName, nums, texts);
        AddTags(m, format);
        foreach (var s in streams)
        {
            AddTags(m, s);
        }
    }

    private static void Emit(ProbedMedia m, string formatName, Dictionary<string, double> nums, Dictionary<string, string> texts)
    {
        foreach (var k in new[] { ".q", ".vq", ".aq" })
        {
            if (nums.TryGetValue(k, out var v))
            {
                nums[k] = Math.Truncate(v / 1000); // bit_rate=320000 is 320 kbps
            }
        }

        if (texts.Remove(".fps", out var fpsText))
        {
            var fps = Fps(fpsText);
            if (fps < 1000 && formatName is not ("image2" or "png_pipe"))
            {
                nums[".fps"] = Math.Round(fps, 3);
            }
        }
        else if (nums.TryGetValue(".fps", out var f) && (f >= 1000 || formatName is "image2" or "png_pipe"))
        {
            nums.Remove(".fps");
        }

        if (nums.TryGetValue(".dur", out var dur) && dur < 0.1)
        {
            nums.Remove(".dur");
            nums.Remove(".q");
        }

        if (texts.TryGetValue("fmt", out var fmt))
        {
            texts["fmt"] = fmt.Split(',')[0];
        }

        foreach (var (k, v) in texts)
        {
            if (!k.StartsWith('.'))
            {
                m.Direct.Set(k, v);
            }
        }

        foreach (var (k, v) in nums)
        {
            m.Direct.Set(k, k is ".resw" or ".resh" ? Math.Truncate(v) : v);
        }

        if (nums.TryGetValue(".resw", out var w) && nums.TryGetValue(".resh", out var h))
        {
            m.Direct.Set("res", $"{(long)w}x{(long)h}");
        }
    }

    /// <summary>"30000/1001" → 29.97; a zero denominator is copyparty's 9001 (dropped as implausible).</summary>
    private static double Fps(string s)
    {
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 9001;
        }

        return double.TryParse(s[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(s[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && b != 0
            ? a / b
            : 9001;
    }

    private static bool IsCoverArt(JsonElement s) =>
        s.TryGetProperty("disposition", out var d) && d.ValueKind == JsonValueKind.Object
        && d.TryGetProperty("attached_pic", out var ap) && ap.ValueKind == JsonValueKind.Number && ap.GetInt32() == 1;

    private static void Take(JsonElement e, Dictionary<string, double> nums, Dictionary<string, string> texts,
        params (string From, string To)[] map)
    {
        foreach (var (from, to) in map)
        {
            var v = Str(e, from);
            if (v is null)
            {
                continue;
            }

            if (!to.StartsWith('.'))
            {
                texts[to] = v;
            }
            else if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                if (!nums.TryGetValue(to, out var have) || d > have)
                {
                    nums[to] = d;
                }
            }
            else if (v != "N/A" && to == ".fps")
            {
                texts[to] = v; // "25/1"
            }
        }
    }

    private static void AddTags(ProbedMedia m, JsonElement section)
    {
        if (section.ValueKind != JsonValueKind.Object || !section.TryGetProperty("tags", out var tags)
            || tags.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in tags.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String && !m.HasField(p.Name.Trim().ToLowerInvariant()))
            {
                m.Add(p.Name, p.Value.GetString());
            }
        }
    }

    private static string? Str(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }
}
