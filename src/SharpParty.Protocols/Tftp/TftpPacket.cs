using System.Buffers.Binary;
using System.Text;

namespace SharpParty.Protocols.Tftp;

/// <summary>The five packet types of RFC 1350 §5 and the option acknowledgment of RFC 2347.</summary>
internal enum TftpOpcode : ushort
{
    Rrq = 1,
    Wrq = 2,
    Data = 3,
    Ack = 4,
    Error = 5,
    Oack = 6,
}

/// <summary>Error codes of RFC 1350 appendix I, and 8 from RFC 2347.</summary>
internal enum TftpError : ushort
{
    /// <summary>"Not defined, see error message": busy, timeout, internal failures.</summary>
    Undefined = 0,
    FileNotFound = 1,
    AccessViolation = 2,
    DiskFull = 3,
    IllegalOperation = 4,
    UnknownTransferId = 5,
    FileExists = 6,
    NoSuchUser = 7,
    /// <summary>RFC 2347: the transfer ends because option negotiation failed.</summary>
    OptionRefused = 8,
}

/// <summary>Writes and reads the fixed-layout packets (DATA, ACK, ERROR, OACK); requests are <see cref="TftpRequest"/>.</summary>
internal static class TftpPacket
{
    public const int HeaderSize = 4;

    public static TftpOpcode OpcodeOf(ReadOnlySpan<byte> p) => p.Length < 2 ? 0 : (TftpOpcode)BinaryPrimitives.ReadUInt16BigEndian(p);

    /// <summary>The block number of a DATA or ACK packet (the second 16-bit field).</summary>
    public static ushort BlockOf(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt16BigEndian(p[2..]);

    public static void WriteDataHeader(Span<byte> p, ushort block)
    {
        BinaryPrimitives.WriteUInt16BigEndian(p, (ushort)TftpOpcode.Data);
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], block);
    }

    public static int WriteAck(Span<byte> p, ushort block)
    {
        BinaryPrimitives.WriteUInt16BigEndian(p, (ushort)TftpOpcode.Ack);
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], block);
        return 4;
    }

    public static byte[] Error(TftpError code, string message)
    {
        var msg = Encoding.UTF8.GetBytes(message);
        var p = new byte[5 + msg.Length];
        BinaryPrimitives.WriteUInt16BigEndian(p, (ushort)TftpOpcode.Error);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)code);
        msg.CopyTo(p, 4);
        return p;
    }

    /// <summary>OACK (RFC 2347): opcode 6, then name NUL value NUL for each accepted option.</summary>
    public static byte[] Oack(IReadOnlyList<(string Name, string Value)> options)
    {
        var len = 2 + options.Sum(o => Encoding.ASCII.GetByteCount(o.Name) + Encoding.ASCII.GetByteCount(o.Value) + 2);
        var p = new byte[len];
        BinaryPrimitives.WriteUInt16BigEndian(p, (ushort)TftpOpcode.Oack);
        var at = 2;
        foreach (var (n, v) in options)
        {
            at += Encoding.ASCII.GetBytes(n, p.AsSpan(at));
            p[at++] = 0;
            at += Encoding.ASCII.GetBytes(v, p.AsSpan(at));
            p[at++] = 0;
        }
        return p;
    }

    /// <summary>The code and message of an ERROR packet (for logs and tests).</summary>
    public static (TftpError Code, string Message) ReadError(ReadOnlySpan<byte> p)
    {
        if (p.Length < 4)
        {
            return (TftpError.Undefined, "");
        }
        var body = p[4..];
        var nul = body.IndexOf((byte)0);
        return ((TftpError)BinaryPrimitives.ReadUInt16BigEndian(p[2..]), Encoding.UTF8.GetString(nul < 0 ? body : body[..nul]));
    }
}
