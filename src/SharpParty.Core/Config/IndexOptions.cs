using System.Globalization;
using System.Text.RegularExpressions;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>What the index does in one volume (copyparty's <c>-e2d*</c> family and their volume flags).</summary>
/// <param name="Enabled"><c>-e2d</c>: keep an index (uploads are recorded)</param>
/// <param name="ScanAtStart"><c>-e2ds</c> (writable volumes) / <c>-e2dsa</c> (all): scan the volume when the server starts</param>
/// <param name="RescanSeconds"><c>--re-maxage</c> / <c>scan=</c>: rescan this often, 0 = never</param>
/// <param name="Verify">0 none, 1 <c>-e2v</c> report, 2 <c>-e2vu</c> fix the index, 3 <c>-e2vp</c> stop the scan</param>
/// <param name="Tags">read media tags of uploads (<c>e2t</c>)</param>
/// <param name="TagScan">and of files found by scans (<c>e2ts</c>)</param>
internal sealed record VolumeIndexPolicy(bool Enabled, bool ScanAtStart, long RescanSeconds, Regex? NoHash, Regex? NoIndex, int Verify = 0,
    bool Tags = false, bool TagScan = false);

/// <summary>Global index settings; <see cref="For"/> folds in a volume's flags.</summary>
internal sealed record IndexOptions
{
    public bool E2d { get; init; }
    public bool E2ds { get; init; }
    public bool E2dsa { get; init; }

    /// <summary>0 none, 1 <c>-e2v</c>, 2 <c>-e2vu</c>, 3 <c>-e2vp</c>.</summary>
    public int Verify { get; init; }

    /// <summary><c>-e2t</c>: read media tags of uploads; <c>-e2ts</c>: and of files found by scans; <c>-e2tsr</c>: read all again.</summary>
    public bool Tags { get; init; }
    public bool TagScan { get; init; }
    public bool TagRebuild { get; init; }

    /// <summary>Raw <c>-mte</c>, <c>-mth</c> (null: copyparty's defaults), <c>-mtm</c> and <c>-mtp</c> values; parsed by the
    /// Web layer, which knows the tag readers.</summary>
    public string? Mte { get; init; }
    public string? Mth { get; init; }
    public IReadOnlyList<string> Mtm { get; init; } = [];
    public IReadOnlyList<string> Mtp { get; init; } = [];

    /// <summary><c>--mtag-to</c>: seconds an ffprobe or -mtp program may take per file (copyparty: 60).</summary>
    public int MtagTimeout { get; init; } = 60;

    /// <summary><c>--no-mtag-ff</c>: never run ffprobe.</summary>
    public bool NoFfprobe { get; init; }

    /// <summary><c>--hash-mt</c>: files hashed at once by a scan (copyparty's default: the core count).</summary>
    public int HashThreads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public long RescanSeconds { get; init; }
    public Regex? NoHash { get; init; }
    public Regex? NoIndex { get; init; }

    /// <summary><c>--srch-hits</c>: copyparty's hard cap on search hits.</summary>
    public int SearchHits { get; init; } = 7999;

    /// <summary><c>--srch-time</c>: a search is stopped after this long (copyparty: 45 s).</summary>
    public int SearchSeconds { get; init; } = 45;

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out IndexOptions options, out string error,
        Func<string, IReadOnlyList<string>>? all = null)
    {
        options = new IndexOptions();
        error = "";
        if (!TryInt(last("hash-mt"), 0, 64, out var mt, out error, "--hash-mt")
            || !TryInt(last("re-maxage"), 0, int.MaxValue, out var maxage, out error, "--re-maxage")
            || !TryInt(last("srch-hits"), 1, 1_000_000, out var hits, out error, "--srch-hits")
            || !TryInt(last("srch-time"), 1, 3600, out var stime, out error, "--srch-time")
            || !TryInt(last("mtag-to"), 1, 86400, out var mtagTo, out error, "--mtag-to"))
        {
            return false;
        }
        if (!TryRegex(last("no-hash"), "--no-hash", out var noHash, out error) || !TryRegex(last("no-idx"), "--no-idx", out var noIdx, out error))
        {
            return false;
        }
        var e2tsr = has("e2tsr");
        var e2ts = e2tsr || has("e2ts");
        var e2t = e2ts || has("e2t");
        var e2dsa = has("e2dsa");
        var e2ds = e2dsa || has("e2ds");
        options = new IndexOptions
        {
            E2dsa = e2dsa,
            E2ds = e2ds || e2ts,
            Tags = e2t,
            TagScan = e2ts,
            TagRebuild = e2tsr,
            Mte = last("mte"),
            Mth = last("mth"),
            Mtm = all?.Invoke("mtm") ?? [],
            Mtp = all?.Invoke("mtp") ?? [],
            MtagTimeout = mtagTo == 0 ? 60 : mtagTo,
            NoFfprobe = has("no-mtag-ff"),
            E2d = e2ds || has("e2d") || has("e2t") || has("e2ts") || has("e2tsr"),
            Verify = has("e2vp") ? 3 : has("e2vu") ? 2 : has("e2v") ? 1 : 0,
            HashThreads = mt <= 0 ? Math.Max(1, Environment.ProcessorCount) : mt,
            RescanSeconds = maxage,
            NoHash = noHash,
            NoIndex = noIdx,
            SearchHits = hits,
            SearchSeconds = stime,
        };
        return true;
    }

    /// <summary>The policy in one volume: its flags <c>e2d</c>, <c>e2ds</c>, <c>e2dsa</c>, <c>d2d</c>, <c>d2ds</c>,
    /// <c>scan=SEC</c>, <c>nohash=RE</c>, <c>noidx=RE</c> win over the global options.</summary>
    public VolumeIndexPolicy For(Volume v, bool writable)
    {
        var f = v.Flags;
        var off = f.ContainsKey("d2d");
        var tagScan = !f.ContainsKey("d2t") && (TagScan || f.ContainsKey("e2ts"));
        var tags = !f.ContainsKey("d2t") && (tagScan || Tags || f.ContainsKey("e2t"));
        var enabled = !off && (E2d || tags || f.ContainsKey("e2d") || f.ContainsKey("e2ds") || f.ContainsKey("e2dsa"));
        var scanAll = E2dsa || f.ContainsKey("e2dsa");
        var scanWritable = E2ds || f.ContainsKey("e2ds") || f.ContainsKey("e2ts");
        var scan = enabled && !f.ContainsKey("d2ds") && (scanAll || (scanWritable && writable));
        var rescan = f.TryGetValue("scan", out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var sv) ? sv : RescanSeconds;
        Regex? noHash = NoHash, noIdx = NoIndex;
        if (f.TryGetValue("nohash", out var nh) && nh.Length > 0)
        {
            noHash = SafeRegex(nh) ?? noHash;
        }
        if (f.TryGetValue("noidx", out var ni) && ni.Length > 0)
        {
            noIdx = SafeRegex(ni) ?? noIdx;
        }
        var verify = f.ContainsKey("e2vp") ? 3 : f.ContainsKey("e2vu") ? 2 : f.ContainsKey("e2v") ? 1 : Verify;
        return new VolumeIndexPolicy(enabled, scan, enabled ? rescan : 0, noHash, noIdx, verify, enabled && tags, enabled && tagScan);
    }

    private static Regex? SafeRegex(string re)
    {
        try
        {
            return new Regex(re, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool TryRegex(string? text, string name, out Regex? re, out string error)
    {
        re = null;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        re = SafeRegex(text);
        if (re is null)
        {
            error = $"{name}: not a valid regular expression: {text}";
            return false;
        }
        return true;
    }

    private static bool TryInt(string? text, int min, int max, out int value, out string error, string name)
    {
        error = "";
        value = 0;
        if (text is null)
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{name}: expected a whole number from {min} to {max}";
            return false;
        }
        return true;
    }
}
