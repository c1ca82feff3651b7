using System.Globalization;

namespace SharpParty.Media.Tags;

/// <summary>Which files an <c>-mtp</c> parser wants, by whether they are audio (copyparty's <c>ay</c>/<c>an</c>/<c>ad</c>).</summary>
internal enum MtpAudio
{
    /// <summary><c>ay</c> (the default): only files with an audio stream.</summary>
    Required,

    /// <summary><c>an</c>: only files without one.</summary>
    Not,

    /// <summary><c>ad</c>: any file.</summary>
    DontCare,
}

/// <summary>
/// One <c>-mtp KEY[,KEY…]=[FLAG,…]PROGRAM</c>: an external program that prints a tag for the file path it is given
/// (or, for several keys, a JSON object). Flags, as copyparty's: <c>ay</c>/<c>an</c>/<c>ad</c> audio filter,
/// <c>eEXT</c> only these extensions (repeatable), <c>f</c> run even when the tag is already known, <c>tN</c> timeout in
/// seconds (60), <c>pN</c> order (higher runs later and gets the earlier results as JSON on stdin; <c>p</c> alone is 1),
/// <c>kt</c>/<c>km</c>/<c>kn</c> kill the process tree / the program / nothing on timeout, <c>c0</c>..<c>c3</c> which of
/// stdout (1) and stderr (2) are captured: only stdout ever gives a value, so c0 and c2 make a side-effect-only parser.
/// </summary>
internal sealed record MtpSpec
{
    /// <summary>The key part as written ("artist" or "bpm,key"): copyparty's name for the parser.</summary>
    public required string Key { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public required string Program { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool Force { get; init; }

    public KillMode Kill { get; init; } = KillMode.Tree;

    /// <summary>0 none, 1 stdout, 2 stderr, 3 both (copyparty's default).</summary>
    public int Capture { get; init; } = 3;

    public MtpAudio Audio { get; init; } = MtpAudio.Required;

    /// <summary>Lowercase extensions without the dot; empty: any.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    public int Priority { get; init; }

    /// <summary>
    /// Parses the value of one <c>-mtp</c>. As in copyparty, the program is found by trying the remaining text as a path
    /// before each comma-separated flag is taken off, so a program whose path contains commas works; a leading '~' is
    /// the home folder.
    /// </summary>
    public static bool TryParse(string arg, out MtpSpec? spec, out string error, Func<string, bool>? exists = null)
    {
        exists ??= File.Exists;
        spec = null;
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            error = $"-mtp wants KEY=[FLAGS,]PROGRAM (got '{arg}')";
            return false;
        }

        var key = arg[..eq];
        var rest = arg[(eq + 1)..];
        var s = new MtpSpec { Key = key, Tags = key.Split(',', StringSplitOptions.RemoveEmptyEntries), Program = "" };
        var exts = new List<string>();
        for (var guard = 0; guard < 256; guard++)
        {
            var path = ExpandHome(rest);
            if (path.Length > 0 && exists(path))
            {
                spec = s with { Program = path, Extensions = exts };
                error = "";
                return true;
            }

            var comma = rest.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0)
            {
                error = $"-mtp {key}: could not find program '{rest}'";
                return false;
            }

            var flag = rest[..comma].ToLowerInvariant();
            rest = rest[(comma + 1)..];
            if (!TryFlag(ref s, flag, exts))
            {
                error = $"-mtp {key}: unknown flag '{flag}'";
                return false;
            }
        }

        error = $"-mtp {key}: too many flags";
        return false;
    }

    private static bool TryFlag(ref MtpSpec s, string flag, List<string> exts)
    {
        if (flag.Length == 0)
        {
            return false;
        }

        var tail = flag[1..];
        switch (flag[0])
        {
            case 'a':
                MtpAudio? a = tail switch { "y" => MtpAudio.Required, "n" => MtpAudio.Not, "d" => MtpAudio.DontCare, _ => null };
                s = s with { Audio = a ?? s.Audio };
                return a is not null;
            case 'k':
                KillMode? k = tail switch { "t" => KillMode.Tree, "m" => KillMode.Main, "n" => KillMode.None, _ => null };
                s = s with { Kill = k ?? s.Kill };
                return k is not null;
            case 'c' when tail is "0" or "1" or "2" or "3":
                s = s with { Capture = tail[0] - '0' };
                return true;
            case 'f' when tail.Length == 0:
                s = s with { Force = true };
                return true;
            case 't' when int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0:
                s = s with { Timeout = TimeSpan.FromSeconds(t) };
                return true;
            case 'e' when tail.Length > 0:
                exts.Add(tail.TrimStart('.'));
                return true;
            case 'p' when tail.Length == 0:
                s = s with { Priority = 1 };
                return true;
            case 'p' when int.TryParse(tail, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p):
                s = s with { Priority = p };
                return true;
            default:
                return false;
        }
    }

    private static string ExpandHome(string p)
    {
        if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal))
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + p[1..];
        }

        return p;
    }
}
