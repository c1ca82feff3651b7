using System.Globalization;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>How thumbnails look and are made in one volume, after its flags are folded in (<see cref="MediaOptions.For"/>).</summary>
/// <param name="NoThumb"><c>--no-thumb</c> / volflag <c>dthumb</c>: no thumbnails at all (icons instead)</param>
/// <param name="NoVideo"><c>--no-vthumb</c> / <c>dvthumb</c></param>
/// <param name="NoAudio"><c>--no-athumb</c> / <c>dathumb</c>: no spectrograms</param>
/// <param name="Width">thumbnail box width (<c>--th-size</c> / <c>thsize</c>, copyparty: 320x256)</param>
/// <param name="Height">thumbnail box height</param>
/// <param name="Crop">copyparty's <c>--th-crop</c> / <c>crop</c>: y, n, fy (force crop) or fn (force no crop)</param>
/// <param name="X3"><c>--th-x3</c> / <c>th3x</c>: y, n, fy, fn</param>
/// <param name="ConvertTimeout"><c>--th-convt</c> / <c>convt</c>: a conversion is killed after this long</param>
internal sealed record VolumeThumbPolicy(bool NoThumb, bool NoVideo, bool NoAudio, int Width, int Height, string Crop, string X3,
    TimeSpan ConvertTimeout);

/// <summary>Thumbnails, transcoding and the markdown/readme features (copyparty's thumbnail, transcoding and UI options).</summary>
internal sealed record MediaOptions
{
    public bool NoThumb { get; init; }
    public bool NoVThumb { get; init; }
    public bool NoAThumb { get; init; }
    public int Width { get; init; } = 320;
    public int Height { get; init; } = 256;

    /// <summary><c>--th-mt</c>: conversions at once (copyparty: the core count).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary><c>--th-convt</c>: copyparty's 60 s.</summary>
    public TimeSpan ConvertTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>--th-ram-max</c> (GiB, copyparty 6): an image whose decoded pixels would need more is not decoded.</summary>
    public long RamMaxBytes { get; init; } = 6L << 30;

    /// <summary><c>--th-maxage</c>: a cached thumbnail unused this long is removed (copyparty: 7 days).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(604800);

    /// <summary><c>--th-maxsize</c> (new in SharpParty): the cache of one volume is trimmed to this many bytes, least
    /// recently used first; 0 = no cap (copyparty has none). Default 2 GiB: some 200,000 thumbnails.</summary>
    public long MaxBytes { get; init; } = 2L << 30;

    /// <summary><c>--th-clean</c>: how often the cache is swept (copyparty: 12 h); 0 = never.</summary>
    public TimeSpan CleanInterval { get; init; } = TimeSpan.FromSeconds(43200);

    /// <summary><c>--th-covers</c>: the files that stand for a folder (copyparty's list).</summary>
    public IReadOnlyList<string> Covers { get; init; } = ["folder.png", "folder.jpg", "cover.png", "cover.jpg"];

    public string Crop { get; init; } = "y";
    public string X3 { get; init; } = "n";

    /// <summary><c>--no-acode</c>: no transcoding.</summary>
    public bool NoAcode { get; init; }

    /// <summary><c>--q-opus</c> kbit/s (copyparty: 128); 0 disables opus/caf.</summary>
    public int QOpus { get; init; } = 128;

    /// <summary><c>--q-mp3</c>: "q2" (VBR quality, copyparty's default) or "192k" (CBR); "0" disables mp3.</summary>
    public string QMp3 { get; init; } = "q2";

    /// <summary><c>--ac-maxage</c>: transcoded audio is removed this long after its last use (copyparty: 1 day).</summary>
    public TimeSpan AcMaxAge { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary><c>--no-readme</c>: README.md is not shown below listings.</summary>
    public bool NoReadme { get; init; }

    /// <summary><c>--no-logues</c>: .prologue.html / .epilogue.html are not shown around listings.</summary>
    public bool NoLogues { get; init; }

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, out MediaOptions options, out string error)
    {
        options = new MediaOptions();
        error = "";
        if (!TrySize(last("th-size") ?? "320x256", "--th-size", out var w, out var h, out error)
            || !TryNum(last("th-mt"), 0, 256, "--th-mt", out var mt, out error)
            || !TryNum(last("th-convt"), 0.01, 86400, "--th-convt", out var convt, out error)
            || !TryNum(last("th-ram-max"), 0.01, 1024, "--th-ram-max", out var ram, out error)
            || !TryNum(last("th-maxage"), 1, int.MaxValue, "--th-maxage", out var maxage, out error)
            || !TryNum(last("th-maxsize"), 0, 1 << 30, "--th-maxsize", out var maxMiB, out error)
            || !TryNum(last("th-clean"), 0, int.MaxValue, "--th-clean", out var clean, out error)
            || !TryNum(last("q-opus"), 0, 512, "--q-opus", out var qopus, out error)
            || !TryNum(last("ac-maxage"), 1, int.MaxValue, "--ac-maxage", out var acmax, out error))
        {
            return false;
        }
        var crop = last("th-crop") ?? "y";
        var x3 = last("th-x3") ?? "n";
        if (!IsYesNo(crop) || !IsYesNo(x3))
        {
            error = "--th-crop / --th-x3: expected y, n, fy or fn";
            return false;
        }
        var qmp3 = (last("q-mp3") ?? "q2").ToLowerInvariant();
        if (!IsMp3Quality(qmp3))
        {
            error = "--q-mp3: expected q0..q9 (VBR), a bitrate such as 192k (CBR), or 0";
            return false;
        }
        var d = new MediaOptions();
        options = new MediaOptions
        {
            NoThumb = has("no-thumb"),
            NoVThumb = has("no-vthumb"),
            NoAThumb = has("no-athumb"),
            Width = w,
            Height = h,
            Threads = mt is null or 0 ? d.Threads : (int)mt,
            ConvertTimeout = convt is null ? d.ConvertTimeout : TimeSpan.FromSeconds(convt.Value),
            RamMaxBytes = ram is null ? d.RamMaxBytes : (long)(ram.Value * (1L << 30)),
            MaxAge = maxage is null ? d.MaxAge : TimeSpan.FromSeconds(maxage.Value),
            MaxBytes = maxMiB is null ? d.MaxBytes : (long)maxMiB.Value << 20,
            CleanInterval = clean is null ? d.CleanInterval : TimeSpan.FromSeconds(clean.Value),
            Covers = last("th-covers") is { } cv
                ? cv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(IsPlainName).ToArray()
                : d.Covers,
            Crop = crop,
            X3 = x3,
            NoAcode = has("no-acode"),
            QOpus = qopus is null ? d.QOpus : (int)qopus,
            QMp3 = qmp3,
            AcMaxAge = acmax is null ? d.AcMaxAge : TimeSpan.FromSeconds(acmax.Value),
            NoReadme = has("no-readme"),
            NoLogues = has("no-logues"),
        };
        return true;
    }

    /// <summary>The thumbnail settings in one volume: flags <c>dthumb</c>, <c>dvthumb</c>, <c>dathumb</c>, <c>thsize</c>,
    /// <c>crop</c>, <c>th3x</c> and <c>convt</c> win over the global options, as in copyparty.</summary>
    public VolumeThumbPolicy For(Volume v)
    {
        var f = v.Flags;
        var w = Width;
        var h = Height;
        if (f.TryGetValue("thsize", out var ts) && TrySize(ts, "thsize", out var fw, out var fh, out _))
        {
            w = fw;
            h = fh;
        }
        var convt = ConvertTimeout;
        if (f.TryGetValue("convt", out var ct) && double.TryParse(ct, NumberStyles.Float, CultureInfo.InvariantCulture, out var cs) && cs > 0)
        {
            convt = TimeSpan.FromSeconds(cs);
        }
        var crop = f.TryGetValue("crop", out var c) && IsYesNo(c) ? c : Crop;
        var x3 = f.TryGetValue("th3x", out var x) && IsYesNo(x) ? x : X3;
        return new VolumeThumbPolicy(NoThumb || f.ContainsKey("dthumb"), NoVThumb || f.ContainsKey("dvthumb"),
            NoAThumb || f.ContainsKey("dathumb"), w, h, crop, x3, convt);
    }

    private static bool IsPlainName(string n) => n.Length > 0 && !n.Contains('/') && !n.Contains('\\') && n is not "." and not "..";

    private static bool IsYesNo(string s) => s is "y" or "n" or "fy" or "fn";

    private static bool IsMp3Quality(string q) =>
        q == "0" || (q.Length == 2 && q[0] == 'q' && char.IsAsciiDigit(q[1]))
        || (q.Length is > 1 and < 6 && q[^1] == 'k' && int.TryParse(q[..^1], CultureInfo.InvariantCulture, out var k) && k is >= 8 and <= 320);

    private static bool TrySize(string text, string name, out int w, out int h, out string error)
    {
        w = h = 0;
        error = "";
        var p = text.ToLowerInvariant().Split('x');
        if (p.Length != 2 || !int.TryParse(p[0], CultureInfo.InvariantCulture, out w) || !int.TryParse(p[1], CultureInfo.InvariantCulture, out h)
            || w is < 16 or > 4096 || h is < 16 or > 4096)
        {
            error = $"{name} {text}: expected WxH, each from 16 to 4096";
            return false;
        }
        return true;
    }

    private static bool TryNum(string? text, double min, double max, string name, out double? value, out string error)
    {
        value = null;
        error = "";
        if (text is null)
        {
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            error = $"{name}: expected a number from {min} to {max}";
            return false;
        }
        value = v;
        return true;
    }
}
