using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Ftp;

/// <summary>An open data connection: the socket, and the stream to use on it (the socket's own, or TLS over it).</summary>
internal sealed class DataConnection(Socket socket, Stream stream, SslStream? tls) : IAsyncDisposable
{
    public Socket Socket { get; } = socket;

    public Stream Stream { get; } = stream;

    /// <summary>Null for a plain connection (then files go out with sendfile).</summary>
    public SslStream? Tls { get; } = tls;

    public async ValueTask DisposeAsync()
    {
        if (Tls is not null)
        {
            try
            {
                // close_notify, so that a TLS client (GnuTLS in lftp) knows the file ended here and was not cut off
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Tls.ShutdownAsync().WaitAsync(cts.Token);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException or TimeoutException)
            {
            }
            await Tls.DisposeAsync();
        }
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        Socket.Dispose();
    }
}

/// <summary>
/// The data connection a transfer will use: a passive listener (PASV/EPSV) waiting for the client, or an address to
/// connect to (PORT/EPRT). Either way only the control connection's own peer may be at the other end: a connection
/// from, or an active-mode address of, any other host is refused (RFC 2577 §3 and §4: FXP and bounce attacks).
/// </summary>
internal sealed class DataChannel : IDisposable
{
    /// <summary>How long a client gets to connect to a passive port or accept an active connection (pyftpdlib: 30 s).</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket? _listener;
    private readonly IPEndPoint? _active;
    private readonly IPAddress _peer;

    private DataChannel(Socket? listener, IPEndPoint? active, IPAddress peer)
    {
        _listener = listener;
        _active = active;
        _peer = Normalize(peer);
    }

    /// <summary>The passive port, for the 227/229 reply.</summary>
    public int PassivePort => ((IPEndPoint)_listener!.LocalEndPoint!).Port;

    public static DataChannel? ListenPassive(IPAddress local, IPAddress peer, PassivePorts ports, bool secondHalf)
    {
        var l = ports.Bind(local, secondHalf);
        return l is null ? null : new DataChannel(l, null, peer);
    }

    public static DataChannel Active(IPEndPoint target, IPAddress peer) => new(null, target, peer);

    /// <summary>Is this active-mode target acceptable: the control peer's own address, and not a privileged port.</summary>
    public static string? CheckActiveTarget(IPEndPoint target, IPAddress peer)
    {
        if (!Normalize(target.Address).Equals(Normalize(peer)))
        {
            return "501 Rejected: active mode may only connect back to your own address.";
        }
        return target.Port < 1024 ? "501 Rejected: active mode to a port below 1024." : null;
    }

    /// <summary>Accepts (passive) or makes (active) the connection, then TLS when <paramref name="tls"/> is given. Null on failure.</summary>
    public async Task<DataConnection?> OpenAsync(TlsIdentity? tls, System.Security.Authentication.SslProtocols protocols, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        Socket? s = null;
        try
        {
            if (_listener is not null)
            {
                while (true)
                {
                    s = await _listener.AcceptAsync(timeout.Token);
                    if (s.RemoteEndPoint is IPEndPoint rep && Normalize(rep.Address).Equals(_peer))
                    {
                        break;
                    }
                    s.Dispose(); // someone else raced for the port: not theirs
                    s = null;
                }
            }
            else
            {
                s = new Socket(_active!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(_active, timeout.Token);
            }
            s.NoDelay = true;
            if (tls is null)
            {
                return new DataConnection(s, new NetworkStream(s, ownsSocket: false), null);
            }
            var ssl = new SslStream(new NetworkStream(s, ownsSocket: false), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = tls.ServerContext,
                EnabledSslProtocols = protocols,
                ClientCertificateRequired = false,
            }, timeout.Token);
            return new DataConnection(s, ssl, ssl);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
        {
            s?.Dispose();
            return null;
        }
        finally
        {
            _listener?.Dispose();
        }
    }

    public void Dispose() => _listener?.Dispose();

    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}

/// <summary>
/// Passive ports: any free one from the OS, or one from <c>--ftp-pr</c> (its lower half for FTP and upper half for FTPS
/// when both run, as copyparty). A round-robin cursor spreads them so a port just closed (TIME_WAIT) is not retried first.
/// </summary>
internal sealed class PassivePorts((int Lo, int Hi)? range, bool split)
{
    private int _cursor;

    public Socket? Bind(IPAddress local, bool secondHalf)
    {
        var (lo, hi) = range ?? (0, 0);
        if (range is not null && split)
        {
            var mid = lo + ((hi - lo) / 2);
            (lo, hi) = secondHalf ? (mid + 1, hi) : (lo, mid);
        }
        var count = range is null ? 1 : hi - lo + 1;
        for (var i = 0; i < count; i++)
        {
            var port = range is null ? 0 : lo + (int)((uint)Interlocked.Increment(ref _cursor) % (uint)count);
            var s = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Bind(new IPEndPoint(local, port));
                s.Listen(1);
                return s;
            }
            catch (SocketException)
            {
                s.Dispose();
            }
        }
        return null;
    }
}
