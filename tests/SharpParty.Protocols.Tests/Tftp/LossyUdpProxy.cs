using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SharpParty.Protocols.Tests.Tftp;

internal enum ProxyAction
{
    Forward,
    Drop,
    /// <summary>Forward twice.</summary>
    Duplicate,
}

/// <summary>
/// A UDP man-in-the-middle for one TFTP client at a time: the client talks to <see cref="Front"/>, the server sees the
/// proxy's back socket as the client. A rule decides per datagram from its direction, opcode and how many of that
/// opcode went that way before (0-based), so every run drops and duplicates exactly the same packets.
/// </summary>
internal sealed class LossyUdpProxy : IDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _serverListen;
    private readonly Func<bool, int, int, ProxyAction> _rule;
    private readonly Dictionary<(bool, int), int> _counts = [];
    private readonly Lock _lock = new();
    private readonly Thread _up;
    private readonly Thread _down;
    private volatile bool _stop;
    private IPEndPoint? _client;
    private IPEndPoint? _serverTid;

    /// <param name="rule">(toServer, opcode, nth) → what to do</param>
    public LossyUdpProxy(IPEndPoint serverListen, Func<bool, int, int, ProxyAction> rule)
    {
        _serverListen = serverListen;
        _rule = rule;
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _front.ReceiveTimeout = 200;
        _back.ReceiveTimeout = 200;
        _up = new Thread(() => Pump(true)) { IsBackground = true };
        _down = new Thread(() => Pump(false)) { IsBackground = true };
        _up.Start();
        _down.Start();
    }

    public IPEndPoint Front => (IPEndPoint)_front.LocalEndPoint!;

    /// <summary>The port the server's last transfer came from.</summary>
    public IPEndPoint? ServerTid => _serverTid;

    public int Dropped { get; private set; }

    public int Duplicated { get; private set; }

    private void Pump(bool toServer)
    {
        var from = toServer ? _front : _back;
        var buf = new byte[70000];
        while (!_stop)
        {
            int n;
            EndPoint src = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                n = from.ReceiveFrom(buf, ref src);
            }
            catch (SocketException)
            {
                continue; // timeout slice (or an ICMP error): look at _stop again
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            var op = n >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(buf) : 0;
            ProxyAction action;
            IPEndPoint? dst;
            lock (_lock)
            {
                if (toServer)
                {
                    _client = (IPEndPoint)src;
                    if (op is 1 or 2)
                    {
                        _serverTid = null; // a new request goes to the listening port
                    }
                    dst = _serverTid ?? _serverListen;
                }
                else
                {
                    _serverTid = (IPEndPoint)src;
                    dst = _client;
                }
                var key = (toServer, op);
                var nth = _counts.GetValueOrDefault(key);
                _counts[key] = nth + 1;
                action = _rule(toServer, op, nth);
                if (action == ProxyAction.Drop)
                {
                    Dropped++;
                }
                else if (action == ProxyAction.Duplicate)
                {
                    Duplicated++;
                }
            }
            if (dst is null || action == ProxyAction.Drop)
            {
                continue;
            }
            var to = toServer ? _back : _front;
            try
            {
                to.SendTo(buf.AsSpan(0, n), dst);
                if (action == ProxyAction.Duplicate)
                {
                    to.SendTo(buf.AsSpan(0, n), dst);
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _up.Join(TimeSpan.FromSeconds(2));
        _down.Join(TimeSpan.FromSeconds(2));
        _front.Dispose();
        _back.Dispose();
    }
}
