using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SharpParty.Client.Relay;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;
using SharpParty.Web.Up2k;

namespace SharpParty.Web.Relay;

/// <summary>
/// The mailbox (<c>--relay-box</c>, beyond p2p-copy; spec §1.5 "Store-and-forward"): a peer at
/// <c>/.cpr/relay/FOLDER</c> whose partner did not come is served by the server itself, with our own client code
/// playing the missing side.
/// <list type="bullet">
/// <item>A plaintext sender's files are received into FOLDER as uploads are: every path through the Vfs resolver
/// (<c>w</c>, and <c>d</c> to replace a file), grown under a temp name and renamed, then recorded in the volume's
/// registry and index, so the web UI lists them.</item>
/// <item>An encrypted sender's messages are stored verbatim (<see cref="BoxLog"/>); a receiver with the same code
/// later gets them played back.</item>
/// <item>A receiver with no stored box for its code gets FOLDER (or the file) sent, with resume (<c>r</c>).</item>
/// </list>
/// </summary>
internal sealed partial class RelayMailbox(RelayHub hub, UploadLedger ledger, ILogger<RelayMailbox> log)
{
    /// <summary>p2p-copy's READY, byte for byte.</summary>
    private static readonly byte[] Ready = "{\"type\":\"ready\"}"u8.ToArray();

    /// <summary>How long a sender has for its first message after ready.</summary>
    private static readonly TimeSpan FirstMessage = TimeSpan.FromSeconds(60);

    /// <summary>The permission a role needs at a mailbox folder: w to drop, r to pull.</summary>
    public static Perm Needs(RelayRole role) => role == RelayRole.Sender ? Perm.Write : Perm.Read;

    public async Task ServeAsync(RelayPeer peer, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        var conn = RelayConnection.Over(peer.Socket);
        try
        {
            if (peer.Hello.Role == RelayRole.Sender)
            {
                await StoreAsync(conn, peer, target, rc, ct);
            }
            else
            {
                await DeliverAsync(conn, peer, target, rc, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or JsonException
            or InvalidDataException or UnauthorizedAccessException or RelayProtocolException)
        {
            LogFailed(log, rc.Ip, "/" + target.VPath, e.Message);
            await CloseAsync(peer.Socket, WebSocketCloseStatus.InternalServerError, "mailbox: " + e.Message);
        }
    }

    private async Task StoreAsync(RelayConnection conn, RelayPeer peer, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        if (target.FsPath is null || !Directory.Exists(target.FsPath))
        {
            await CloseAsync(peer.Socket, WebSocketCloseStatus.PolicyViolation, "mailbox: files are dropped into a folder");
            return;
        }
        await peer.Socket.SendAsync(Ready, WebSocketMessageType.Text, true, ct);
        RelayMessage? first;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            cts.CancelAfter(FirstMessage);
            first = await conn.ReceiveAsync(cts.Token);
        }
        if (first is null)
        {
            return;
        }
        string? type = null;
        if (first.IsText)
        {
            using var doc = JsonDocument.Parse(first.Memory);
            type = RelayMessages.TypeOf(doc.RootElement);
        }
        switch (type)
        {
            case "manifest":
                await StorePlainAsync(conn, first, peer, target, rc, ct);
                return;
            case "enc_manifest" when BoxLog.IsHash(peer.Hello.CodeHash):
                using (first)
                {
                    await StoreBoxAsync(conn, first, peer, target, rc, ct);
                }
                return;
            default:
                first.Dispose();
                await CloseAsync(peer.Socket, WebSocketCloseStatus.ProtocolError, "mailbox: expected a manifest");
                return;
        }
    }

    private async Task StorePlainAsync(RelayConnection conn, RelayMessage first, RelayPeer peer, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        var err = new StringWriter();
        var stored = 0;
        var paths = new ReceivePaths(target.FsPath!, rel => WritablePath(rc, target, rel));
        using var receiver = new RelayReceiver(new ReceiveOptions("", "", target.FsPath!, false), err, false, paths,
            (rel, _, size) =>
            {
                Record(rc, target, rel, size);
                stored++;
            });
        var code = await receiver.ServeAsync(conn, first, ct);
        if (code != RelayExit.Ok)
        {
            var why = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "failed";
            LogFailed(log, rc.Ip, "/" + target.VPath, why);
            await CloseAsync(peer.Socket, WebSocketCloseStatus.PolicyViolation, "mailbox: " + why.Replace("sharpparty receive: ", "", StringComparison.Ordinal));
            return;
        }
        hub.AddStored();
        LogStored(log, rc.User, rc.Ip, stored, "/" + target.VPath);
    }

    /// <summary>Where a manifest path may be written in the mailbox folder: the Vfs decides, as for an upload.</summary>
    private static (string? Full, string Error) WritablePath(RequestContext rc, VfsPath target, string rel)
    {
        var res = rc.Options.Vfs.Resolve(Join(target.VPath, rel), rc.User);
        if (!res.Ok)
        {
            return (null, res.Reason);
        }
        var p = res.Path;
        if (p.Volume is null || p.FsPath is null || !p.Can(Perm.Write))
        {
            return (null, "no write access there");
        }
        if (Directory.Exists(p.FsPath))
        {
            return (null, "a folder has that name");
        }
        if (File.Exists(p.FsPath) && !p.Can(Perm.Delete))
        {
            return (null, "the file exists, and replacing it needs the d permission");
        }
        return (p.FsPath, "");
    }

    /// <summary>A stored file goes into the volume's registry and index, as a finished upload.</summary>
    private void Record(RequestContext rc, VfsPath target, string rel, long size)
    {
        var res = rc.Options.Vfs.Resolve(Join(target.VPath, rel), rc.User);
        if (res.Ok && res.Path.Volume is { } vol)
        {
            var r = res.Path.Rel;
            var slash = r.LastIndexOf('/');
            ledger.Record(vol, slash < 0 ? "" : r[..slash], r[(slash + 1)..], size, rc.User, rc.Ip.ToString());
        }
    }

    private async Task StoreBoxAsync(RelayConnection conn, RelayMessage first, RelayPeer peer, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        var box = BoxLog.PathFor(target.FsPath!, peer.Hello.CodeHash);
        var temp = BoxLog.TempOf(box);
        long bytes = 0;
        var done = false;
        try
        {
            await using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                BoxLog.Write(fs, true, first.Span);
                while (await conn.ReceiveAsync(ct) is { } m)
                {
                    using (m)
                    {
                        BoxLog.Write(fs, m.IsText, m.Span);
                        bytes += m.Length;
                        // eof is in clear (§1.3.2): the only message the relay can read besides the frame headers
                        if (m.IsText && m.Length < 64 && m.Span.SequenceEqual(RelayMessages.Eof))
                        {
                            fs.Flush(flushToDisk: true);
                            done = true;
                            break;
                        }
                    }
                }
            }
            if (!done)
            {
                return; // the sender left before eof: nothing is kept
            }
            File.Move(temp, box, overwrite: true);
        }
        finally
        {
            if (!done)
            {
                TryDelete(temp);
            }
        }
        hub.AddStored();
        LogBoxed(log, rc.User, rc.Ip, bytes, "/" + target.VPath);
        await conn.CloseAsync(TimeSpan.FromSeconds(10));
    }

    private async Task DeliverAsync(RelayConnection conn, RelayPeer peer, VfsPath target, RequestContext rc, CancellationToken ct)
    {
        if (target.FsPath is not null && Directory.Exists(target.FsPath) && BoxLog.IsHash(peer.Hello.CodeHash)
            && File.Exists(BoxLog.PathFor(target.FsPath, peer.Hello.CodeHash)))
        {
            await ReplayAsync(conn, BoxLog.PathFor(target.FsPath, peer.Hello.CodeHash), ct);
            hub.AddServed();
            LogServed(log, rc.User, rc.Ip, "stored encrypted transfer", "/" + target.VPath);
            return;
        }
        var files = Readable(rc, target);
        if (files.Count == 0)
        {
            await CloseAsync(peer.Socket, WebSocketCloseStatus.PolicyViolation, "mailbox: nothing here for you");
            return;
        }
        var err = new StringWriter();
        var sender = new RelaySender(new SendOptions("", "", [], false, CompressMode.Auto, Resume: true), err, false);
        if (await sender.ServeAsync(conn, files, ct) != RelayExit.Ok)
        {
            LogFailed(log, rc.Ip, "/" + target.VPath, err.ToString().Trim());
            return;
        }
        hub.AddServed();
        LogServed(log, rc.User, rc.Ip, $"{files.Count} files", "/" + target.VPath);
    }

    private static async Task ReplayAsync(RelayConnection conn, string box, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(RelayConnection.MaxMessage);
        try
        {
            await using (var fs = new FileStream(box, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                while (BoxLog.Read(fs, buf) is { } r)
                {
                    var m = buf.AsMemory(0, r.Length);
                    await (r.Text ? conn.SendTextAsync(m, ct) : conn.SendBinaryAsync(m, ct));
                }
            }
            await conn.CloseAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>What a pull sends: the target file, or every file below the target folder that the Vfs lets this
    /// user read (no dotfiles without <c>.</c>, no temp files, no symlink out of the volumes), named as p2p-copy
    /// names a folder it sends: <c>FOLDER/relpath</c>.</summary>
    private static List<SourceFile> Readable(RequestContext rc, VfsPath target)
    {
        var list = new List<SourceFile>();
        if (target.FsPath is null)
        {
            return list;
        }
        var name = target.VPath.Length == 0 ? "files" : target.VPath[(target.VPath.LastIndexOf('/') + 1)..];
        if (File.Exists(target.FsPath))
        {
            if (target.Can(Perm.Read) && (!target.HasDotSegment || target.Can(Perm.Dots)))
            {
                list.Add(new SourceFile(target.FsPath, name, new FileInfo(target.FsPath).Length));
            }
            return list;
        }
        foreach (var f in SendSources.Walk([target.FsPath], []))
        {
            var rel = f.RelPath[(f.RelPath.IndexOf('/') + 1)..];
            var res = rc.Options.Vfs.Resolve(Join(target.VPath, rel), rc.User);
            if (res.Ok && res.Path.FsPath == f.FullPath && res.Path.Can(Perm.Read) && (!res.Path.HasDotSegment || res.Path.Can(Perm.Dots)))
            {
                list.Add(f with { RelPath = name + "/" + rel });
            }
        }
        return list;
    }

    private static string Join(string vpath, string rel) => vpath.Length == 0 ? rel : vpath + "/" + rel;

    private static async Task CloseAsync(WebSocket ws, WebSocketCloseStatus status, string reason)
    {
        // a close reason is at most 123 bytes (RFC 6455 §5.5)
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 120)
        {
            reason = reason[..^1];
        }
        try
        {
            if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await ws.CloseAsync(status, reason, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information, Message = "relay mailbox: {User} at {Ip} stored {Files} files into {VPath}")]
    private static partial void LogStored(ILogger logger, string user, System.Net.IPAddress ip, int files, string vpath);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Information, Message = "relay mailbox: {User} at {Ip} stored an encrypted transfer of {Bytes} bytes into {VPath}")]
    private static partial void LogBoxed(ILogger logger, string user, System.Net.IPAddress ip, long bytes, string vpath);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information, Message = "relay mailbox: {User} at {Ip} was sent {What} from {VPath}")]
    private static partial void LogServed(ILogger logger, string user, System.Net.IPAddress ip, string what, string vpath);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Information, Message = "relay mailbox: {Ip} at {VPath} failed: {Why}")]
    private static partial void LogFailed(ILogger logger, System.Net.IPAddress ip, string vpath, string why);
}
