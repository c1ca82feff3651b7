using System.Buffers.Binary;
using System.Text;

namespace SharpParty.Protocols.Tftp;

internal enum TransferMode
{
    Octet,
    /// <summary>RFC 1350 / RFC 764: lines end in CR LF on the wire, a lone CR is CR NUL.</summary>
    NetAscii,
}

/// <summary>A read or write request (RFC 1350 §5, options RFC 2347 §2): filename, mode, then option name/value pairs.</summary>
internal sealed record TftpRequest(bool IsWrite, string FileName, TransferMode Mode, IReadOnlyList<(string Name, string Value)> Options)
{
    /// <summary>Parses RRQ/WRQ; false with a reason (sent back as ERROR 4) on anything else or a malformed packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> p, out TftpRequest? request, out string error)
    {
        request = null;
        error = "";
        if (p.Length < 2)
        {
            error = "packet too short";
            return false;
        }
        var op = (TftpOpcode)BinaryPrimitives.ReadUInt16BigEndian(p);
        if (op is not (TftpOpcode.Rrq or TftpOpcode.Wrq))
        {
            error = "expected a read or write request";
            return false;
        }
        var fields = new List<string>(8);
        var rest = p[2..];
        while (rest.Length > 0)
        {
            var nul = rest.IndexOf((byte)0);
            if (nul < 0)
            {
                error = "request field without its terminating NUL";
                return false;
            }
            // names are bytes on the wire; UTF-8 is what every current client sends (and copyparty assumes)
            fields.Add(Encoding.UTF8.GetString(rest[..nul]));
            rest = rest[(nul + 1)..];
        }
        if (fields.Count < 2 || fields[0].Length == 0)
        {
            error = "request without a file name or mode";
            return false;
        }
        TransferMode mode;
        switch (fields[1].ToLowerInvariant())
        {
            case "octet":
                mode = TransferMode.Octet;
                break;
            case "netascii":
                mode = TransferMode.NetAscii;
                break;
            default:
                // "mail" is obsolete (RFC 1350 §1) and needs user mailboxes
                error = $"transfer mode '{fields[1]}' is not supported (octet or netascii)";
                return false;
        }
        var opts = new List<(string, string)>();
        // RFC 2347: options follow in pairs; a dangling name is ignored as an unknown option would be
        for (var i = 2; i + 1 < fields.Count; i += 2)
        {
            opts.Add((fields[i].ToLowerInvariant(), fields[i + 1]));
        }
        request = new TftpRequest(op == TftpOpcode.Wrq, fields[0], mode, opts);
        return true;
    }
}
