using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Web.Up2k;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Tftp;

/// <summary>
/// The TFTP server: one UDP socket per <c>-i</c> address on <c>--tftp PORT</c> that only takes requests; each transfer
/// then runs on its own socket and thread (RFC 1350 §4), at most <c>--tftp-max</c> at once. Written by hand: no TFTP
/// server library is served in our NuGet copy.
/// </summary>
internal sealed partial class TftpService(ConfigHolder config, UploadLedger ledger, ILogger<TftpService> log) : BackgroundService
{
    private readonly List<Socket> _listeners = [];
    /// <summary>Requests being served, by client port and request bytes: a client that repeats its request (our first
    /// answer was slow or lost) does not start a second transfer; a different request from the same port does.</summary>
    private readonly ConcurrentDictionary<(EndPoint, string), bool> _active = new();
    private int _running;
    private PortPool _ports = new(null);

    /// <summary>The addresses the request sockets are bound to (tests read the port from here).</summary>
    public IReadOnlyList<IPEndPoint> Bound => _listeners.Select(s => (IPEndPoint)s.LocalEndPoint!).ToList();

    /// <summary>Transfers running now.</summary>
    public int Running => Volatile.Read(ref _running);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // bind before the server reports itself started, so a client may send a request right away
        var o = config.Current;
        _ports = new PortPool(o.Tftp.PortRange);
        foreach (var addr in ListenAddresses(o))
        {
            var s = new Socket(addr.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (addr.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    s.DualMode = addr.Equals(IPAddress.IPv6Any) && !o.Tftp.Ipv4Only;
                }
                s.Bind(new IPEndPoint(addr, o.Tftp.Port));
                _listeners.Add(s);
                LogListening(log, addr, o.Tftp.Port);
            }
            catch (SocketException e)
            {
                s.Dispose();
                LogBindFailed(log, addr, o.Tftp.Port, e.Message);
            }
        }
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = _listeners.Select(s => Task.Factory.StartNew(() => Listen(s, stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        stoppingToken.Register(() =>
        {
            foreach (var s in _listeners)
            {
                s.Dispose(); // wakes the blocked ReceiveFrom
            }
        });
        return Task.WhenAll(loops);
    }

    private static IEnumerable<IPAddress> ListenAddresses(ServerOptions o)
    {
        var seen = new HashSet<IPAddress>();
        foreach (var a in o.Addresses)
        {
            var ip = IPAddress.Parse(a);
            if (o.Tftp.Ipv4Only && ip.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // "::" with --tftp4 means every IPv4 address; other IPv6 addresses are left out
                if (!ip.Equals(IPAddress.IPv6Any))
                {
                    continue;
                }
                ip = IPAddress.Any;
            }
            if (seen.Add(ip))
            {
                yield return ip;
            }
        }
    }

    private void Listen(Socket listener, CancellationToken stop)
    {
        var buf = new byte[65536];
        var local = (IPEndPoint)listener.LocalEndPoint!;
        EndPoint any = new IPEndPoint(local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            int len;
            var from = any;
            try
            {
                len = listener.ReceiveFrom(buf, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue; // an ICMP error for an earlier reply, or an oversized datagram: not a request
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // stopping
            }
            var client = (IPEndPoint)from;
            var o = config.Current;
            if (o.Tftp.AllowedClients is { } allowed && !allowed.Allows(client.Address))
            {
                // no answer: UDP sources are easy to forge, and copyparty drops these too
                LogOutside(log, client);
                continue;
            }
            if (!TftpRequest.TryParse(buf.AsSpan(0, len), out var req, out var error))
            {
                Reply(listener, client, TftpPacket.Error(TftpError.IllegalOperation, error));
                continue;
            }
            var key = ((EndPoint)client, Convert.ToBase64String(buf, 0, len));
            if (!_active.TryAdd(key, true))
            {
                continue; // the client repeated its request while the first one is being served
            }
            if (Interlocked.Increment(ref _running) > o.Tftp.MaxTransfers)
            {
                Interlocked.Decrement(ref _running);
                _active.TryRemove(key, out _);
                Reply(listener, client, TftpPacket.Error(TftpError.Undefined, "server busy; try again later"));
                LogBusy(log, client);
                continue;
            }
            Task.Factory.StartNew(() => Serve(o, local, client, key, req!, stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Serve(ServerOptions o, IPEndPoint local, IPEndPoint client, (EndPoint, string) key, TftpRequest req, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var channel = TransferChannel.Open(new IPEndPoint(local.Address, 0), client, _ports, stop);
            if (channel is null)
            {
                ReplyFromAny(local, client, TftpPacket.Error(TftpError.Undefined, "no free transfer port; try again later"));
                return;
            }
            if (!TransferOptions.TryNegotiate(req, o.Tftp.TimeoutSeconds, out var opts, out var optError))
            {
                channel.Send(TftpPacket.Error(TftpError.OptionRefused, optError));
                LogRefused(log, client, req.FileName, optError);
                return;
            }
            if (req.IsWrite)
            {
                if (!TftpFiles.TryOpenWrite(o, req.FileName, opts.DeclaredSize, out var target, out var fail))
                {
                    channel.Send(TftpPacket.Error(fail.Code, fail.Message));
                    LogDenied(log, client, "WRQ", req.FileName, fail.Message);
                    return;
                }
                var w = new WriteTransfer(channel, target!, req.Mode, opts, o.Tftp.Retries);
                TransferOutcome outcome;
                try
                {
                    outcome = w.Run();
                }
                finally
                {
                    target!.Dispose();
                    if (File.Exists(target.TempPath))
                    {
                        SharpParty.Web.Upload.UploadSink.TryDelete(target.TempPath); // never left behind as a half file
                    }
                }
                LogTransfer(log, client, "WRQ", target.VPath, w.BytesReceived, opts.BlockSize, opts.WindowSize, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outcome == TransferOutcome.Done)
                {
                    Record(target, client);
                }
                // the client may start its next request from the same port while we linger for a lost final ACK
                _active.TryRemove(key, out _);
                w.Dally();
            }
            else
            {
                if (!TftpFiles.TryOpenRead(o, req.FileName, req.Mode, out var source, out var fail))
                {
                    channel.Send(TftpPacket.Error(fail.Code, fail.Message));
                    LogDenied(log, client, "RRQ", req.FileName, fail.Message);
                    return;
                }
                using (source)
                {
                    opts.SetReadSize(source!.Size);
                    var r = new ReadTransfer(channel, source, opts, o.Tftp.Retries);
                    var outcome = r.Run();
                    LogTransfer(log, client, "RRQ", source.VPath, r.BytesSent, opts.BlockSize, opts.WindowSize, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        catch (Exception e)
        {
            LogFailure(log, e, client, req.FileName);
        }
        finally
        {
            _active.TryRemove(key, out _);
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>A finished upload goes into the volume's upload registry and index (hashed there in the background), as
    /// FTP and HTTP uploads do; the uploader is anonymous (<c>*</c>) at the client's address.</summary>
    private void Record(WriteTarget target, IPEndPoint client)
    {
        var t = target.Path;
        var slash = t.Rel.LastIndexOf('/');
        try
        {
            var size = new FileInfo(target.FinalPath).Length;
            var ip = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
            ledger.Record(t.Volume!, slash < 0 ? "" : t.Rel[..slash], t.Rel[(slash + 1)..], size, Identity.Anonymous, ip.ToString());
        }
        catch (IOException)
        {
            // the file was moved or removed right after it landed: nothing to record
        }
    }

    private static void Reply(Socket listener, IPEndPoint client, byte[] packet)
    {
        try
        {
            listener.SendTo(packet, client);
        }
        catch (SocketException)
        {
        }
    }

    private static void ReplyFromAny(IPEndPoint local, IPEndPoint client, byte[] packet)
    {
        using var s = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                s.DualMode = true;
            }
            s.SendTo(packet, client);
        }
        catch (SocketException)
        {
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "tftp listening on {Address} port {Port}")]
    private static partial void LogListening(ILogger logger, IPAddress address, int port);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "tftp cannot listen on {Address} port {Port}: {Reason}")]
    private static partial void LogBindFailed(ILogger logger, IPAddress address, int port, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "tftp {Client} {Op} /{Path} {Bytes} bytes blksize {BlockSize} window {Window}: {Outcome} in {Ms}ms")]
    private static partial void LogTransfer(ILogger logger, IPEndPoint client, string op, string path, long bytes, int blockSize, int window, TransferOutcome outcome, double ms);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "tftp {Client} {Op} {Name} refused: {Reason}")]
    private static partial void LogDenied(ILogger logger, IPEndPoint client, string op, string name, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "tftp {Client} {Name}: option refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, IPEndPoint client, string name, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "tftp {Client}: too many transfers at once (--tftp-max); told to retry")]
    private static partial void LogBusy(ILogger logger, IPEndPoint client);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "tftp client rejected (--tftp-ipa): {Client}")]
    private static partial void LogOutside(ILogger logger, IPEndPoint client);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "tftp {Client} {Name}: transfer failed")]
    private static partial void LogFailure(ILogger logger, Exception e, IPEndPoint client, string name);
}
