using System.Buffers;
using System.Text;

namespace SharpParty.Protocols.Ftp;

/// <summary>Every FTP verb we answer (RFC 959, 2228, 2389, 2428, 3659, and the common extensions); one switch dispatches them.</summary>
internal enum FtpCommand
{
    Unknown,
    User,
    Pass,
    Acct,
    Quit,
    Syst,
    Feat,
    Opts,
    Help,
    Stat,
    Noop,
    Auth,
    Pbsz,
    Prot,
    Pwd,
    Cwd,
    Cdup,
    Type,
    Mode,
    Stru,
    Pasv,
    Epsv,
    Port,
    Eprt,
    List,
    Nlst,
    Mlsd,
    Mlst,
    Size,
    Mdtm,
    Mfmt,
    Rest,
    Retr,
    Stor,
    Appe,
    Allo,
    Dele,
    Rmd,
    Mkd,
    Rnfr,
    Rnto,
    Abor,
    Xsha512,
    Hash,
}

/// <summary>One control line: the verb, its argument (may be empty), or why it could not be read.</summary>
internal readonly record struct FtpLine(FtpCommand Command, string Verb, string Argument, string? Error);

/// <summary>
/// Reads CRLF-terminated command lines from the control connection's pipe (house rule 1: bytes, not strings). A line
/// longer than <see cref="MaxLine"/> is skipped up to its end and reported, so the session stays usable; Telnet IAC
/// sequences that clients put before ABOR (RFC 959 §4.1.3) are dropped.
/// </summary>
internal static class FtpLineParser
{
    /// <summary>As vsftpd's VSFTP_MAX_COMMAND_LINE: paths up to 4 KiB fit, anything longer is abuse.</summary>
    public const int MaxLine = 4096;

    private static readonly Dictionary<string, FtpCommand> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USER"] = FtpCommand.User,
        ["PASS"] = FtpCommand.Pass,
        ["ACCT"] = FtpCommand.Acct,
        ["QUIT"] = FtpCommand.Quit,
        ["SYST"] = FtpCommand.Syst,
        ["FEAT"] = FtpCommand.Feat,
        ["OPTS"] = FtpCommand.Opts,
        ["HELP"] = FtpCommand.Help,
        ["STAT"] = FtpCommand.Stat,
        ["NOOP"] = FtpCommand.Noop,
        ["AUTH"] = FtpCommand.Auth,
        ["PBSZ"] = FtpCommand.Pbsz,
        ["PROT"] = FtpCommand.Prot,
        ["PWD"] = FtpCommand.Pwd,
        ["XPWD"] = FtpCommand.Pwd,
        ["CWD"] = FtpCommand.Cwd,
        ["XCWD"] = FtpCommand.Cwd,
        ["CDUP"] = FtpCommand.Cdup,
        ["XCUP"] = FtpCommand.Cdup,
        ["TYPE"] = FtpCommand.Type,
        ["MODE"] = FtpCommand.Mode,
        ["STRU"] = FtpCommand.Stru,
        ["PASV"] = FtpCommand.Pasv,
        ["EPSV"] = FtpCommand.Epsv,
        ["PORT"] = FtpCommand.Port,
        ["EPRT"] = FtpCommand.Eprt,
        ["LIST"] = FtpCommand.List,
        ["NLST"] = FtpCommand.Nlst,
        ["MLSD"] = FtpCommand.Mlsd,
        ["MLST"] = FtpCommand.Mlst,
        ["SIZE"] = FtpCommand.Size,
        ["MDTM"] = FtpCommand.Mdtm,
        ["MFMT"] = FtpCommand.Mfmt,
        ["REST"] = FtpCommand.Rest,
        ["RETR"] = FtpCommand.Retr,
        ["STOR"] = FtpCommand.Stor,
        ["APPE"] = FtpCommand.Appe,
        ["ALLO"] = FtpCommand.Allo,
        ["DELE"] = FtpCommand.Dele,
        ["RMD"] = FtpCommand.Rmd,
        ["XRMD"] = FtpCommand.Rmd,
        ["MKD"] = FtpCommand.Mkd,
        ["XMKD"] = FtpCommand.Mkd,
        ["RNFR"] = FtpCommand.Rnfr,
        ["RNTO"] = FtpCommand.Rnto,
        ["ABOR"] = FtpCommand.Abor,
        ["XSHA512"] = FtpCommand.Xsha512,
        ["HASH"] = FtpCommand.Hash,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>
    /// Takes one line off <paramref name="buffer"/>. False when more bytes are needed; <paramref name="skipping"/> is set
    /// while the rest of an over-long line is being discarded.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, ref bool skipping, out FtpLine line)
    {
        line = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> raw, (byte)'\n'))
        {
            if (buffer.Length > MaxLine)
            {
                // no end in sight: drop what we have and keep dropping until the newline
                buffer = buffer.Slice(buffer.End);
                skipping = true;
            }
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        if (skipping || raw.Length > MaxLine)
        {
            skipping = false;
            line = new FtpLine(FtpCommand.Unknown, "", "", "500 Command line too long.");
            return true;
        }
        line = Parse(raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray());
        return true;
    }

    /// <summary>Parses one line without its LF (a trailing CR is dropped; some clients send bare LF).</summary>
    public static FtpLine Parse(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 0 && raw[^1] == (byte)'\r')
        {
            raw = raw[..^1];
        }
        // Telnet "interrupt process" / "data mark" sent before ABOR: IAC (0xFF) and the byte after it
        if (raw.Contains((byte)0xFF))
        {
            var tmp = new byte[raw.Length];
            var n = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == 0xFF)
                {
                    i++;
                    continue;
                }
                if (raw[i] == 0xF2 && n == 0)
                {
                    continue; // a data mark left over from "IAC IP IAC DM"
                }
                tmp[n++] = raw[i];
            }
            raw = tmp.AsSpan(0, n);
        }
        if (raw.IsEmpty)
        {
            return new FtpLine(FtpCommand.Unknown, "", "", "500 Empty command.");
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return new FtpLine(FtpCommand.Unknown, "", "", "501 Command is not valid UTF-8.");
        }
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return new FtpLine(FtpCommand.Unknown, "", "", "501 Control characters are not allowed in commands.");
            }
        }
        var sp = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = sp < 0 ? text : text[..sp];
        // RFC 959: the argument is everything after the single space (file names may begin or end with spaces)
        var arg = sp < 0 ? "" : text[(sp + 1)..];
        if (verb.Length is 0 or > 8)
        {
            return new FtpLine(FtpCommand.Unknown, verb.Length > 8 ? verb[..8] : verb, arg, "500 Syntax error, command unrecognized.");
        }
        return Verbs.TryGetValue(verb, out var cmd)
            ? new FtpLine(cmd, verb.ToUpperInvariant(), arg, null)
            : new FtpLine(FtpCommand.Unknown, verb, arg, "500 Command \"" + Sanitize(verb) + "\" not understood.");
    }

    /// <summary>Printable ASCII of a client's verb, to echo it back safely.</summary>
    private static string Sanitize(string verb)
    {
        var sb = new StringBuilder(verb.Length);
        foreach (var c in verb)
        {
            sb.Append(c is >= ' ' and < (char)127 ? char.ToUpperInvariant(c) : '?');
        }
        return sb.ToString();
    }
}
