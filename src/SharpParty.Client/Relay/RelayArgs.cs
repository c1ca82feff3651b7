namespace SharpParty.Client.Relay;

/// <summary>
/// The command lines of <c>sharpparty send</c> and <c>sharpparty receive</c>, spelled as p2p-copy's (typer): options
/// may come anywhere, booleans also as <c>--no-X</c>, <c>--opt=value</c> works.
/// </summary>
internal static class RelayArgs
{
    public const string SendUsage = "usage: sharpparty send URL CODE PATHS... [--encrypt] [--compress auto|on|off] [--resume]";
    public const string ReceiveUsage = "usage: sharpparty receive URL CODE [--out DIR] [--encrypt]";

    public const string SendHelp = SendUsage + """


        Sends files and folders to a receiver through a relay (a SharpParty server with --relay, or p2p-copy's).
          URL              ws://host:port/.cpr/relay or wss://…; ws://user:pass@host/… or ?pw=PASS for a password
          CODE             the code both sides type; the relay pairs the two by its hash
          --encrypt        end-to-end AES-GCM with a key from the code (Argon2id); the receiver must say it too
          --compress MODE  zstd per file: auto (if the first MiB shrinks below 95%), on, off (default: auto)
          --resume         skip files the receiver has, complete partial ones
        exit codes: 0 sent, 3 failed, 2 bad command line (as p2p-copy)
        """;

    public const string ReceiveHelp = ReceiveUsage + """


        Receives files from a sender through a relay, into --out (default: the current folder).
        Nothing is written outside --out; files grow as .NAME.PARTIAL and are renamed when complete.
          --encrypt        the sender encrypts (both sides must say it)
        exit codes: 0 received, 4 failed, 2 bad command line (as p2p-copy)
        """;

    public static SendOptions? ParseSend(IReadOnlyList<string> args, out string? error, out bool help)
    {
        var (pos, flags, err) = Split(args, ["encrypt", "resume"], ["compress"]);
        help = flags.ContainsKey("help");
        error = err;
        if (help || error is not null)
        {
            return null;
        }
        if (pos.Count < 3)
        {
            error = "expected URL CODE PATHS...";
            return null;
        }
        var mode = flags.GetValueOrDefault("compress") ?? "auto";
        CompressMode? compress = mode switch
        {
            "auto" => CompressMode.Auto,
            "on" => CompressMode.On,
            "off" => CompressMode.Off,
            _ => null,
        };
        if (compress is null)
        {
            error = $"--compress {mode}: expected auto, on or off";
            return null;
        }
        return new SendOptions(pos[0], pos[1], pos[2..], flags.GetValueOrDefault("encrypt") == "1", compress.Value,
            flags.GetValueOrDefault("resume") == "1");
    }

    public static ReceiveOptions? ParseReceive(IReadOnlyList<string> args, out string? error, out bool help)
    {
        var (pos, flags, err) = Split(args, ["encrypt"], ["out"]);
        help = flags.ContainsKey("help");
        error = err;
        if (help || error is not null)
        {
            return null;
        }
        if (pos.Count != 2)
        {
            error = "expected URL CODE";
            return null;
        }
        return new ReceiveOptions(pos[0], pos[1], flags.GetValueOrDefault("out") ?? ".", flags.GetValueOrDefault("encrypt") == "1");
    }

    private static (List<string> Positional, Dictionary<string, string> Flags, string? Error) Split(IReadOnlyList<string> args,
        string[] switches, string[] valued)
    {
        var pos = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                pos.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) && a != "-h")
            {
                pos.Add(a);
                continue;
            }
            if (a is "-h" or "--help")
            {
                flags["help"] = "1";
                continue;
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (switches.Contains(name))
            {
                flags[name] = "1";
            }
            else if (name.StartsWith("no-", StringComparison.Ordinal) && switches.Contains(name[3..]))
            {
                flags[name[3..]] = "0";
            }
            else if (valued.Contains(name))
            {
                if (eq > 0)
                {
                    flags[name] = a[(eq + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    flags[name] = args[++i];
                }
                else
                {
                    return (pos, flags, $"{a} needs a value");
                }
            }
            else
            {
                return (pos, flags, $"no such option: {a}");
            }
        }
        return (pos, flags, null);
    }
}
