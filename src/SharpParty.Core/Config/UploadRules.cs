using System.Globalization;
using System.Runtime.CompilerServices;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>
/// A volume's upload rules, from its flags (copyparty's <c>--help-flags</c>): <c>sz=1k-3m</c> size range,
/// <c>df=1g</c> free space to keep, <c>nosub</c>, <c>maxn=250,600</c> uploads and <c>maxb=1g,300</c> bytes per IP
/// per window, <c>vmaxb</c>/<c>vmaxn</c> volume totals, <c>rotn=100,3</c>/<c>rotf=%Y-%m/%d</c> automatic subfolders,
/// <c>lifetime=SEC</c>. Parsed once per volume snapshot.
/// </summary>
internal sealed record UploadRules
{
    private static readonly ConditionalWeakTable<Volume, UploadRules> Cache = [];

    public long MinSize { get; init; }
    public long MaxSize { get; init; }
    public long KeepFree { get; init; }
    public bool NoSub { get; init; }
    public int MaxUploads { get; init; }
    public TimeSpan MaxUploadsWindow { get; init; }
    public long MaxBytes { get; init; }
    public TimeSpan MaxBytesWindow { get; init; }
    public long VolumeMaxBytes { get; init; }
    public long VolumeMaxFiles { get; init; }
    public int RotN { get; init; }
    public int RotDepth { get; init; }
    public string? RotF { get; init; }
    public long Lifetime { get; init; }

    public bool Any => MinSize > 0 || MaxSize > 0 || KeepFree > 0 || NoSub || MaxUploads > 0 || MaxBytes > 0 || VolumeMaxBytes > 0
        || VolumeMaxFiles > 0 || RotN > 0 || RotF is not null;

    public static UploadRules For(Volume v) => Cache.GetValue(v, Parse);

    /// <summary>The <c>sz</c> rule on a size known only after the body (multipart, PUT without a length).</summary>
    public bool SizeOk(long size, out string error)
    {
        error = size < MinSize ? "file too small" : MaxSize > 0 && size > MaxSize ? "file too big" : "";
        return error.Length == 0;
    }

    private static UploadRules Parse(Volume v)
    {
        var f = v.Flags;
        var r = new UploadRules();
        if (f.TryGetValue("sz", out var sz))
        {
            var dash = sz.IndexOf('-', StringComparison.Ordinal);
            r = r with
            {
                MinSize = dash > 0 ? SizeOrZero(sz[..dash]) : 0,
                MaxSize = dash >= 0 ? SizeOrZero(sz[(dash + 1)..]) : SizeOrZero(sz),
            };
        }
        if (f.TryGetValue("df", out var df))
        {
            r = r with { KeepFree = SizeOrZero(df) };
        }
        if (f.ContainsKey("nosub"))
        {
            r = r with { NoSub = true };
        }
        if (f.TryGetValue("maxn", out var mn) && TryPair(mn, out var n, out var nw))
        {
            r = r with { MaxUploads = (int)Math.Min(n, int.MaxValue), MaxUploadsWindow = TimeSpan.FromSeconds(nw) };
        }
        if (f.TryGetValue("maxb", out var mb) && TryPair(mb, out var b, out var bw))
        {
            r = r with { MaxBytes = b, MaxBytesWindow = TimeSpan.FromSeconds(bw) };
        }
        if (f.TryGetValue("vmaxb", out var vb))
        {
            r = r with { VolumeMaxBytes = SizeOrZero(vb) };
        }
        if (f.TryGetValue("vmaxn", out var vn))
        {
            r = r with { VolumeMaxFiles = SizeOrZero(vn) };
        }
        if (f.TryGetValue("rotn", out var rn))
        {
            var p = rn.Split(',');
            if (int.TryParse(p[0], CultureInfo.InvariantCulture, out var rotn) && rotn > 0)
            {
                var depth = p.Length > 1 && int.TryParse(p[1], CultureInfo.InvariantCulture, out var d) && d > 0 ? d : 1;
                r = r with { RotN = rotn, RotDepth = depth };
            }
        }
        if (f.TryGetValue("rotf", out var rf) && rf.Length > 0)
        {
            r = r with { RotF = rf };
        }
        if (f.TryGetValue("lifetime", out var lt) && long.TryParse(lt, CultureInfo.InvariantCulture, out var life) && life > 0)
        {
            r = r with { Lifetime = life };
        }
        return r;
    }

    /// <summary>"N,SEC" with a size suffix allowed on N (maxb=1g,300).</summary>
    private static bool TryPair(string s, out long n, out long seconds)
    {
        n = 0;
        seconds = 0;
        var p = s.Split(',');
        return p.Length == 2 && TrySize(p[0], out n) && long.TryParse(p[1], CultureInfo.InvariantCulture, out seconds) && n > 0 && seconds > 0;
    }

    private static long SizeOrZero(string s) => TrySize(s, out var v) ? v : 0;

    /// <summary>copyparty's sizes: a number with an optional b/k/m/g/t suffix (binary units).</summary>
    public static bool TrySize(string s, out long value)
    {
        value = 0;
        s = s.Trim().ToLowerInvariant();
        if (s.Length == 0)
        {
            return false;
        }
        var mul = s[^1] switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            'b' => 1L,
            _ => 0L,
        };
        var num = mul == 0 ? s : s[..^1];
        if (mul == 0)
        {
            mul = 1;
        }
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < 0 || d * mul > long.MaxValue)
        {
            return false;
        }
        value = (long)(d * mul);
        return true;
    }
}
