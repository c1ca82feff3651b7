using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>What a transfer ended with: the data (for a read), an ERROR's code and text, and the OACK's options.</summary>
internal sealed record TftpResult(byte[] Data, int? ErrorCode, string ErrorMessage, Dictionary<string, string> Oack)
{
    public bool Ok => ErrorCode is null;
}

/// <summary>
/// A small TFTP client speaking raw UDP, for what tftp-hpa and curl cannot do: windowsize (RFC 7440), reading the OACK,
/// sending each ACK twice, counting packets, stopping half-way. Every wait is bounded.
/// </summary>
internal sealed class RawTftpClient : IDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _server;
    private readonly byte[] _rx = new byte[70000];

    public RawTftpClient(IPEndPoint server, TimeSpan? timeout = null)
    {
        _server = server;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveBufferSize = 1 << 20;
        Timeout = timeout ?? TimeSpan.FromSeconds(2);
        _socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
    }

    public TimeSpan Timeout { get; }

    /// <summary>Send every ACK twice (to check the server does not answer duplicates with duplicates).</summary>
    public bool DuplicateAcks { get; init; }

    /// <summary>DATA packets received in the last read, duplicates included.</summary>
    public int DataPackets { get; private set; }

    /// <summary>The server's transfer port of the last transfer.</summary>
    public IPEndPoint? Tid { get; private set; }

    public static byte[] Request(bool write, string name, string mode, params (string Name, string Value)[] options)
    {
        var ms = new MemoryStream();
        ms.WriteByte(0);
        ms.WriteByte(write ? (byte)2 : (byte)1);
        foreach (var s in new[] { name, mode }.Concat(options.SelectMany(o => new[] { o.Name, o.Value })))
        {
            var b = Encoding.UTF8.GetBytes(s);
            ms.Write(b);
            ms.WriteByte(0);
        }
        return ms.ToArray();
    }

    public void SendToServer(byte[] packet) => _socket.SendTo(packet, _server);

    public void SendToTid(byte[] packet) => _socket.SendTo(packet, Tid!);

    /// <summary>The next datagram (from anyone), or null after the timeout.</summary>
    public byte[]? Receive(TimeSpan? wait = null)
    {
        _socket.ReceiveTimeout = Math.Max(1, (int)(wait ?? Timeout).TotalMilliseconds);
        try
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            var n = _socket.ReceiveFrom(_rx, ref from);
            Tid ??= (IPEndPoint)from;
            return _rx.AsSpan(0, n).ToArray();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return null;
        }
    }

    public TftpResult Get(string name, string mode = "octet", params (string Name, string Value)[] options)
    {
        Tid = null;
        DataPackets = 0;
        var blksize = 512;
        var window = 1;
        SendToServer(Request(false, name, mode, options));
        var data = new MemoryStream();
        var oack = new Dictionary<string, string>();
        long expected = 1;
        var sinceAck = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var tries = 0;
        var first = true;
        while (DateTime.UtcNow < deadline)
        {
            var p = Receive();
            if (p is null)
            {
                if (++tries > 8)
                {
                    return new TftpResult(data.ToArray(), -1, "client timed out", oack);
                }
                if (first)
                {
                    SendToServer(Request(false, name, mode, options));
                }
                else
                {
                    Ack((ushort)(expected - 1));
                }
                continue;
            }
            tries = 0;
            var op = BinaryPrimitives.ReadUInt16BigEndian(p);
            if (op == 5)
            {
                return Error(p, data.ToArray(), oack);
            }
            if (op == 6 && first)
            {
                oack = ParseOack(p);
                blksize = oack.TryGetValue("blksize", out var b) ? int.Parse(b) : 512;
                window = oack.TryGetValue("windowsize", out var w) ? int.Parse(w) : 1;
                first = false;
                Ack(0);
                continue;
            }
            if (op != 3)
            {
                continue;
            }
            first = false;
            DataPackets++;
            var block = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2));
            if (block != (ushort)expected)
            {
                Ack((ushort)(expected - 1)); // duplicate or gap: where we are
                sinceAck = 0;
                continue;
            }
            data.Write(p, 4, p.Length - 4);
            expected++;
            if (p.Length - 4 < blksize)
            {
                Ack((ushort)(expected - 1));
                return new TftpResult(data.ToArray(), null, "", oack);
            }
            if (++sinceAck >= window)
            {
                Ack((ushort)(expected - 1));
                sinceAck = 0;
            }
        }
        return new TftpResult(data.ToArray(), -1, "client deadline", oack);
    }

    public TftpResult Put(string name, byte[] content, string mode = "octet", params (string Name, string Value)[] options)
    {
        Tid = null;
        SendToServer(Request(true, name, mode, options));
        var oack = new Dictionary<string, string>();
        var blksize = 512;
        var window = 1;
        var p = Receive();
        if (p is null)
        {
            return new TftpResult([], -1, "no answer to WRQ", oack);
        }
        switch (BinaryPrimitives.ReadUInt16BigEndian(p))
        {
            case 5:
                return Error(p, [], oack);
            case 6:
                oack = ParseOack(p);
                blksize = oack.TryGetValue("blksize", out var b) ? int.Parse(b) : 512;
                window = oack.TryGetValue("windowsize", out var w) ? int.Parse(w) : 1;
                break;
            case 4 when BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == 0:
                break;
            default:
                return new TftpResult([], -1, "unexpected answer to WRQ", oack);
        }
        long blocks = content.Length / blksize + 1; // the last one is short, maybe empty
        long acked = 0;
        var next = 1L;
        var tries = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var progressAt = DateTime.UtcNow;
        while (acked < blocks && DateTime.UtcNow < deadline)
        {
            for (; next <= Math.Min(acked + window, blocks); next++)
            {
                var off = (int)((next - 1) * blksize);
                var len = (int)Math.Min(blksize, content.Length - off);
                var pkt = new byte[4 + len];
                pkt[1] = 3;
                BinaryPrimitives.WriteUInt16BigEndian(pkt.AsSpan(2), (ushort)next);
                content.AsSpan(off, len).CopyTo(pkt.AsSpan(4));
                SendToTid(pkt);
            }
            // the resend timer runs from the last progress: duplicate ACKs do not restart it (they come every server
            // timeout while a block of ours is lost, and would otherwise keep both sides waiting on each other)
            var left = progressAt + Timeout - DateTime.UtcNow;
            var r = left > TimeSpan.Zero ? Receive(left) : null;
            if (r is null)
            {
                if (++tries > 8)
                {
                    return new TftpResult([], -1, "client timed out", oack);
                }
                next = acked + 1;
                progressAt = DateTime.UtcNow;
                continue;
            }
            var op = BinaryPrimitives.ReadUInt16BigEndian(r);
            if (op == 5)
            {
                return Error(r, [], oack);
            }
            if (op != 4)
            {
                continue;
            }
            tries = 0;
            var k = acked + (ushort)(BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(2)) - (ushort)acked);
            if (k > acked && k < next)
            {
                if (k < next - 1)
                {
                    next = k + 1; // the server saw a gap: resend after its last block in sequence
                }
                acked = k;
                progressAt = DateTime.UtcNow;
            }
        }
        return acked == blocks ? new TftpResult([], null, "", oack) : new TftpResult([], -1, "client deadline", oack);
    }

    private void Ack(ushort block)
    {
        var a = new byte[4];
        a[1] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), block);
        SendToTid(a);
        if (DuplicateAcks)
        {
            SendToTid(a);
        }
    }

    public static Dictionary<string, string> ParseOack(byte[] p)
    {
        var parts = Encoding.ASCII.GetString(p, 2, p.Length - 2).Split('\0');
        var d = new Dictionary<string, string>();
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            d[parts[i].ToLowerInvariant()] = parts[i + 1];
        }
        return d;
    }

    public static (int Code, string Message) ParseError(byte[] p) =>
        (BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)), Encoding.UTF8.GetString(p, 4, Math.Max(0, p.Length - 5)));

    private static TftpResult Error(byte[] p, byte[] data, Dictionary<string, string> oack)
    {
        var (code, msg) = ParseError(p);
        return new TftpResult(data, code, msg, oack);
    }

    public void Dispose() => _socket.Dispose();
}
