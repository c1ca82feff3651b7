using System.Globalization;

namespace SharpParty.Client.Up2k;

/// <summary>
/// Parses <c>sharpparty up</c>'s command line: u2c.py's flags with argparse's habits (options anywhere, "--opt=value",
/// "-j4", "--" ends options), so a u2c command line works after swapping the program name.
/// </summary>
internal static class UpArgs
{
    public const string Usage = "usage: sharpparty up [options] URL PATH...";

    /// <summary>Flags that take a value; everything else starting with "-" is a switch or an error.</summary>
    private static readonly HashSet<string> Valued = ["-a", "-x", "-j", "-J", "--sz", "--szm", "--cd", "--rh", "--wsalt", "-te"];

    private static readonly HashSet<string> Switches =
    [
        "-v", "-s", "--ok", "--touch", "--ow", "--spd", "--dl", "--dr", "--drd", "--chs", "--jw", "-nh", "-ns", "-z", "-td", "-q",
        // accepted and ignored: u2c's clear-screen and single-threaded fallback modes
        "--cls", "--safe",
    ];

    /// <summary>Returns null and sets <paramref name="error"/> on a bad command line; "help"/"version" come back as errors
    /// with an empty message and the text to print in <paramref name="info"/>.</summary>
    public static UpOptions? Parse(IReadOnlyList<string> args, out string? error, out string? info)
    {
        error = null;
        info = null;
        var positional = new List<string>();
        var values = new Dictionary<string, List<string>>();
        var switches = new HashSet<string>();
        var onlyPositional = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (onlyPositional || a == "-" || !a.StartsWith('-'))
            {
                positional.Add(a);
                continue;
            }
            if (a == "--")
            {
                onlyPositional = true;
                continue;
            }
            if (a is "-h" or "--help")
            {
                info = HelpText;
                return null;
            }
            if (a == "--version")
            {
                info = "sharpparty up (u2c.py v2.5 compatible)";
                return null;
            }
            string name;
            string? value = null;
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            else if (!Valued.Contains(a) && !Switches.Contains(a) && a.Length > 2 && !a.StartsWith("--", StringComparison.Ordinal)
                     && Valued.Contains(a[..2]))
            {
                // argparse's "-j4" and "-apassword"
                name = a[..2];
                value = a[2..];
            }
            else
            {
                name = a;
            }
            if (Valued.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        error = $"argument {name}: expected one argument";
                        return null;
                    }
                    value = args[++i];
                }
                if (!values.TryGetValue(name, out var list))
                {
                    values[name] = list = [];
                }
                list.Add(value);
            }
            else if (Switches.Contains(name) && value is null)
            {
                switches.Add(name);
            }
            else
            {
                error = "unrecognized argument: " + a;
                return null;
            }
        }
        if (positional.Count < 2)
        {
            error = "the following arguments are required: url, files";
            return null;
        }
        string? bad = null;
        string? Last(string k) => values.TryGetValue(k, out var l) ? l[^1] : null;
        int? Int(string k)
        {
            var v = Last(k);
            if (v is null)
            {
                return null;
            }
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
            bad ??= $"argument {k}: invalid int value: '{v}'";
            return null;
        }
        var j = Int("-j") ?? 2;
        var hashThreads = Int("-J") ?? Environment.ProcessorCount;
        var sz = Int("--sz") ?? 64;
        var szm = Int("--szm") ?? 96;
        error = bad;
        double cd = 5;
        if (Last("--cd") is { } cdText && !double.TryParse(cdText, NumberStyles.Float, CultureInfo.InvariantCulture, out cd))
        {
            error ??= $"argument --cd: invalid float value: '{cdText}'";
        }
        if (error is null && (j < 1 || j > 64))
        {
            error = "argument -j: must be between 1 and 64";
        }
        if (error is null && (sz < 1 || szm < 1))
        {
            error = "arguments --sz and --szm must be at least 1 (MiB)";
        }
        if (error is not null)
        {
            return null;
        }
        var url = positional[0];
        string baseUrl = "", folder = "/";
        if (url != "-")
        {
            if (!TrySplitUrl(url, out url, out baseUrl, out folder, out error))
            {
                return null;
            }
        }
        var dr = switches.Contains("--dr") || switches.Contains("--drd");
        return new UpOptions
        {
            Url = url,
            BaseUrl = baseUrl,
            FolderPath = folder,
            Paths = positional.Skip(1).ToArray(),
            Password = Last("-a"),
            Search = switches.Contains("-s"),
            Excludes = values.TryGetValue("-x", out var x) ? x : [],
            ContinueOnLocalErrors = switches.Contains("--ok"),
            Touch = switches.Contains("--touch"),
            Overwrite = switches.Contains("--ow") || dr,
            DeleteRemote = dr,
            DeleteLocal = switches.Contains("--dl"),
            SkipSame = switches.Contains("-z"),
            WarkSalt = Last("--wsalt") ?? "hunter2",
            ListChunks = switches.Contains("--chs"),
            JustWarks = switches.Contains("--jw"),
            Connections = j,
            HashThreads = Math.Max(1, hashThreads),
            StitchBytes = (long)sz << 20,
            MaxPostBytes = (long)szm << 20,
            RetryDelay = TimeSpan.FromSeconds(Math.Max(0, cd)),
            NoHashWhileUploading = switches.Contains("-nh"),
            NoStatus = switches.Contains("-ns"),
            Quiet = switches.Contains("-q"),
            Verbose = switches.Contains("-v"),
            ShowSpeed = switches.Contains("--spd"),
            NoCertCheck = switches.Contains("-td"),
        };
    }

    /// <summary>As u2c: a missing scheme means http, the URL always names a folder (trailing "/").</summary>
    internal static bool TrySplitUrl(string raw, out string url, out string baseUrl, out string folder, out string? error)
    {
        error = null;
        var s = raw.TrimEnd('/') + "/";
        if (!s.Contains("://", StringComparison.Ordinal))
        {
            s = "http://" + s;
        }
        url = s;
        baseUrl = "";
        folder = "/";
        if (!Uri.TryCreate(s, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
        {
            error = "not an http(s) URL: " + raw;
            return false;
        }
        baseUrl = u.GetLeftPart(UriPartial.Authority);
        // the path exactly as typed (Uri would unescape and re-escape it), from the first "/" after the authority
        var afterScheme = s.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = s.IndexOf('/', afterScheme);
        folder = s[slash..];
        return true;
    }

    public const string HelpText = """
        usage: sharpparty up [options] URL PATH...

        Uploads files and folders to an up2k server (SharpParty or copyparty); u2c.py's flags.
        "foo" uploads the folder to URL/foo/, "foo/" uploads its contents into URL/ (as rsync and u2c).

          -a PASSWD   password, or $FILE to read it from a file
          -s          file-search by content (no upload): prints "found:" or "NOT found:" per file
          -x REGEX    skip files whose absolute path matches REGEX (repeatable)
          --ok        continue when some local files cannot be read
          --touch     if the content is there but mtimes differ, set the local mtime on the server
          --ow        overwrite existing files instead of getting a renamed copy
          --dr        delete remote files which do not exist locally (implies --ow)
          --dl        delete local files after uploading
          -z          skip files the server has with the same size and mtime (from its listing)
          -j CONNS    parallel connections (default 2)
          -J CORES    hashing threads (default: all cores)
          --sz MiB    stitch chunks into POSTs of about this size (default 64)
          --szm MiB   largest POST; bigger chunks are sent in pieces (default 96)
          --cd SEC    pause before retrying a failed handshake or chunk (default 5)
          -nh         do not hash while uploading
          -ns         no progress line
          -q          quiet: only errors and the summary
          -v          verbose
          --spd       print speeds for each file
          -td         do not check TLS certificates
          URL "-"     list warks offline instead (--wsalt S, --chs, --jw)
        Exit code: 0 when every file was uploaded or found, 1 when any failed, 2 for a bad command line.
        """;
}
