using System.Globalization;

namespace SharpParty.Protocols.Tftp;

/// <summary>
/// The negotiated values of one transfer (RFC 2347 option extension): blksize (RFC 2348), timeout and tsize (RFC 2349),
/// windowsize (RFC 7440). Unknown options are left out of the OACK, which tells the client they were not taken.
/// </summary>
internal sealed class TransferOptions
{
    /// <summary>RFC 1350's fixed block size, used when the client does not ask for another.</summary>
    public const int DefaultBlockSize = 512;

    /// <summary>RFC 2348's ceiling: 65464 bytes of data fit in one UDP datagram over IPv4 with room for the headers.</summary>
    public const int MaxBlockSize = 65464;

    /// <summary>RFC 7440 allows up to 65535; beyond a few dozen blocks in flight a loopback socket buffer overflows and
    /// the whole window is sent again, so larger requests are answered with this (the client takes what the OACK says).</summary>
    public const int MaxWindowSize = 64;

    public int BlockSize { get; private set; } = DefaultBlockSize;

    public int WindowSize { get; private set; } = 1;

    /// <summary>Seconds before a packet is sent again; the client's timeout option, else the server's default.</summary>
    public int TimeoutSeconds { get; private set; }

    /// <summary>Whether the client asked for tsize (the value it sent is in <see cref="DeclaredSize"/> for a write).</summary>
    public bool WantsSize { get; private set; }

    /// <summary>For a write, the size the client announced (RFC 2349), else -1.</summary>
    public long DeclaredSize { get; private set; } = -1;

    private readonly List<(string Name, string Value)> _accepted = [];

    /// <summary>True when an OACK has to be sent (at least one option was accepted).</summary>
    public bool HasAccepted => _accepted.Count > 0;

    /// <summary>Reads the request's options; false with a reason (ERROR 8) when an option we know has a value out of its
    /// RFC range, so that the transfer does not run with settings the client did not expect.</summary>
    public static bool TryNegotiate(TftpRequest req, int defaultTimeout, out TransferOptions opts, out string error)
    {
        opts = new TransferOptions { TimeoutSeconds = defaultTimeout };
        error = "";
        foreach (var (name, value) in req.Options)
        {
            switch (name)
            {
                case "blksize":
                    // RFC 2348: 8..65464; the server may answer with a smaller size than asked
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bs) || bs < 8)
                    {
                        error = $"blksize {value} is out of range (8-65464)";
                        return false;
                    }
                    opts.BlockSize = (int)Math.Min(bs, MaxBlockSize);
                    opts.Accept(name, opts.BlockSize.ToString(CultureInfo.InvariantCulture));
                    break;
                case "timeout":
                    // RFC 2349: 1..255 seconds, and the server must answer with the same value
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to is < 1 or > 255)
                    {
                        error = $"timeout {value} is out of range (1-255)";
                        return false;
                    }
                    opts.TimeoutSeconds = to;
                    opts.Accept(name, value);
                    break;
                case "tsize":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ts) || ts < 0)
                    {
                        error = $"tsize {value} is not a size";
                        return false;
                    }
                    opts.WantsSize = true;
                    if (req.IsWrite)
                    {
                        opts.DeclaredSize = ts;
                        opts.Accept(name, value);
                    }
                    // for a read the real size is put in when the file is open (SetReadSize)
                    break;
                case "windowsize":
                    // RFC 7440: 1..65535; the server may answer with a smaller window
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ws) || ws is < 1 or > 65535)
                    {
                        error = $"windowsize {value} is out of range (1-65535)";
                        return false;
                    }
                    opts.WindowSize = (int)Math.Min(ws, MaxWindowSize);
                    opts.Accept(name, opts.WindowSize.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    break; // unknown options are not acknowledged (RFC 2347)
            }
        }
        return true;
    }

    /// <summary>A read's tsize answer (RFC 2349: the server puts the file's size in the OACK); null when unknown
    /// (netascii changes the size on the wire, so it is not promised, as tftpd-hpa).</summary>
    public void SetReadSize(long? size)
    {
        // an empty file's "tsize 0" is left out: curl (7.88) rejects a zero tsize in an OACK as invalid and fails the
        // download; without the option it just reads the one empty block (RFC 2349 lets a server leave tsize out)
        if (WantsSize && size is { } s && s > 0)
        {
            Accept("tsize", s.ToString(CultureInfo.InvariantCulture));
        }
    }

    public byte[] Oack() => TftpPacket.Oack(_accepted);

    private void Accept(string name, string value)
    {
        _accepted.RemoveAll(a => a.Name == name);
        _accepted.Add((name, value));
    }
}
