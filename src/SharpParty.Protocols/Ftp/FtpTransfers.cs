using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Browse;
using SharpParty.Web.Upload;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// Everything that uses a data connection: PASV/EPSV/PORT/EPRT set it up; LIST/NLST/MLSD, RETR, STOR and APPE run on it
/// in their own task so the control connection can still take ABOR. Files go out with sendfile(2) on plain
/// connections; uploads are received into a hidden partial file and renamed into place when complete (see <see cref="FtpStorage"/>).
/// </summary>
internal sealed class FtpTransfers(FtpSession session)
{
    public enum ListShape
    {
        Ls,
        Names,
        Facts,
    }

    /// <summary>Up to this size a file is sent from a pooled buffer rather than by the sendfile thread.</summary>
    private const long SmallFile = 1 << 20;

    private ControlChannel Control => session.Control;

    public async Task PassiveAsync(bool extended, string arg)
    {
        session.PendingData?.Dispose();
        session.PendingData = null;
        if (extended && arg.Equals("ALL", StringComparison.OrdinalIgnoreCase))
        {
            await Control.ReplyAsync("200 EPSV ALL ok.");
            return;
        }
        IPAddress? shown = null;
        if (!extended)
        {
            shown = session.Options.Ftp.NatAddress ?? session.Local;
            if (shown.AddressFamily != AddressFamily.InterNetwork)
            {
                await Control.ReplyAsync("425 PASV needs IPv4; use EPSV.");
                return;
            }
        }
        var ch = DataChannel.ListenPassive(session.Local, session.Peer, session.Services.Passive, secondHalf: session.Secure);
        if (ch is null)
        {
            await Control.ReplyAsync("425 No passive port is free; try again.");
            return;
        }
        session.PendingData = ch;
        var port = ch.PassivePort;
        if (extended)
        {
            await Control.ReplyAsync($"229 Entering Extended Passive Mode (|||{port}|).");
            return;
        }
        var b = shown!.GetAddressBytes();
        await Control.ReplyAsync($"227 Entering Passive Mode ({b[0]},{b[1]},{b[2]},{b[3]},{port >> 8},{port & 255}).");
    }

    public async Task ActiveAsync(bool extended, string arg)
    {
        session.PendingData?.Dispose();
        session.PendingData = null;
        if (session.Options.Ftp.NoActive)
        {
            await Control.ReplyAsync("502 Active mode is disabled on this server; use PASV or EPSV.");
            return;
        }
        var target = extended ? ParseEprt(arg) : ParsePort(arg);
        if (target is null)
        {
            await Control.ReplyAsync(extended ? "501 Bad EPRT argument; expected |1|a.b.c.d|port| or |2|ipv6|port|." : "501 Bad PORT argument; expected h1,h2,h3,h4,p1,p2.");
            return;
        }
        if (DataChannel.CheckActiveTarget(target, session.Peer) is { } refusal)
        {
            await Control.ReplyAsync(refusal);
            return;
        }
        session.PendingData = DataChannel.Active(target, session.Peer);
        await Control.ReplyAsync((extended ? "200 EPRT" : "200 PORT") + " command successful.");
    }

    internal static IPEndPoint? ParsePort(string arg)
    {
        var p = arg.Split(',');
        if (p.Length != 6)
        {
            return null;
        }
        var b = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (!byte.TryParse(p[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out b[i]))
            {
                return null;
            }
        }
        return new IPEndPoint(new IPAddress(b.AsSpan(0, 4)), (b[4] << 8) | b[5]);
    }

    /// <summary>RFC 2428 §2: EPRT |proto|address|port| with any printable delimiter.</summary>
    internal static IPEndPoint? ParseEprt(string arg)
    {
        if (arg.Length < 7)
        {
            return null;
        }
        var p = arg.Split(arg[0]);
        if (p.Length != 5 || p[0].Length != 0 || p[4].Length != 0 || !IPAddress.TryParse(p[2], out var ip)
            || !int.TryParse(p[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }
        var family = p[1] switch { "1" => AddressFamily.InterNetwork, "2" => AddressFamily.InterNetworkV6, _ => AddressFamily.Unknown };
        return family == ip.AddressFamily ? new IPEndPoint(ip, port) : null;
    }

    public async Task ListAsync(string arg, ListShape shape)
    {
        // "LIST -la dir": ls flags are accepted and ignored (dotfiles show for users with '.', as copyparty)
        var path = arg;
        while (path.StartsWith('-'))
        {
            var sp = path.IndexOf(' ', StringComparison.Ordinal);
            path = sp < 0 ? "" : path[(sp + 1)..].TrimStart();
        }
        var r = session.Resolve(path);
        if (!r.Ok || !FtpSession.IsVisible(r.Path))
        {
            await Control.ReplyAsync(FtpSession.NotFound(r));
            return;
        }
        var t = r.Path;
        var user = session.User!;
        var vfs = session.Options.Vfs;
        var now = session.Services.Time.GetUtcNow();
        if (!t.IsVirtual && File.Exists(t.FsPath))
        {
            if (shape == ListShape.Facts)
            {
                await Control.ReplyAsync("501 MLSD lists folders; use MLST for a file.");
                return;
            }
            if (!t.Can(Perm.Read))
            {
                await Control.ReplyAsync(session.Denied("read"));
                return;
            }
            var fi = new FileInfo(t.FsPath!);
            var one = new DirEntry(fi.Name, false, fi.Length, new DateTimeOffset(fi.LastWriteTimeUtc).ToUnixTimeSeconds());
            var text = new StringBuilder();
            if (shape == ListShape.Ls)
            {
                FtpListing.AppendLs(text, one, now);
            }
            else
            {
                text.Append(path.Length > 0 ? path : one.Name).Append("\r\n");
            }
            await StartAsync("Here comes the listing.", (conn, ct) => WriteTextAsync(conn, text.ToString(), ct));
            return;
        }
        if (!t.IsVirtual && !Directory.Exists(t.FsPath))
        {
            await Control.ReplyAsync("550 No such file or directory.");
            return;
        }
        await StartAsync("Here comes the listing.", async (conn, ct) =>
        {
            // a write-only folder lists as empty (copyparty); the lister shows only the mounts the user may reach
            using var entries = DirectoryLister.List(vfs, t, t.Can(Perm.Dots), user);
            var sb = new StringBuilder(64 * 1024);
            if (shape == ListShape.Facts)
            {
                var self = t.IsVirtual ? new DirEntry(".", true, 0, 0) : new DirEntry(".", true, 0, new DateTimeOffset(Directory.GetLastWriteTimeUtc(t.FsPath!)).ToUnixTimeSeconds());
                FtpListing.AppendFacts(sb, self, "cdir", t.Perms, ".");
            }
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                if (t.Rel.Length == 0 && !t.IsVirtual && e.Name == ".hist")
                {
                    continue;
                }
                switch (shape)
                {
                    case ListShape.Ls:
                        FtpListing.AppendLs(sb, e, now);
                        break;
                    case ListShape.Names:
                        sb.Append(e.Name).Append("\r\n");
                        break;
                    default:
                        var perms = e.IsDir && vfs.ChildMounts(t.VPath).Contains(e.Name)
                            ? vfs.ResolveNormalized(t.VPath.Length == 0 ? e.Name : t.VPath + "/" + e.Name, user).Path.Perms
                            : t.Perms;
                        FtpListing.AppendFacts(sb, e, e.IsDir ? "dir" : "file", perms, e.Name);
                        break;
                }
                if (sb.Length > 60 * 1024)
                {
                    await WriteTextAsync(conn, sb.ToString(), ct);
                    sb.Clear();
                }
            }
            return await WriteTextAsync(conn, sb.ToString(), ct);
        });
    }

    private static async Task<string> WriteTextAsync(DataConnection conn, string text, CancellationToken ct)
    {
        if (text.Length > 0)
        {
            await conn.Stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        }
        return "226 Transfer complete.";
    }

    public async Task RetrAsync(string arg)
    {
        var offset = session.RestOffset;
        session.RestOffset = 0;
        var r = session.Resolve(arg);
        if (!r.Ok || !FtpSession.IsVisible(r.Path) || r.Path.IsVirtual)
        {
            await Control.ReplyAsync(FtpSession.NotFound(r));
            return;
        }
        if (!r.Path.Can(Perm.Read))
        {
            await Control.ReplyAsync(session.Denied("read"));
            return;
        }
        FileStream fs;
        try
        {
            fs = new FileStream(r.Path.FsPath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Control.ReplyAsync(Directory.Exists(r.Path.FsPath) ? "550 That is a folder, not a file." : "550 No such file or directory.");
            return;
        }
        var length = fs.Length;
        if (offset > length)
        {
            await fs.DisposeAsync();
            await Control.ReplyAsync($"554 REST offset {offset} is past the end of the file ({length} bytes).");
            return;
        }
        var ascii = session.Ascii;
        await StartAsync($"Opening {(ascii ? "ASCII" : "BINARY")} mode data connection for {FtpPaths.Name(r.Path.VPath)} ({length} bytes).", async (conn, ct) =>
        {
            await using (fs)
            {
                await SendFileAsync(conn, fs, offset, length, ascii, ct);
            }
            return "226 Transfer complete.";
        }, fs.Dispose);
    }

    private async Task SendFileAsync(DataConnection conn, FileStream fs, long offset, long length, bool ascii, CancellationToken ct)
    {
        var idle = TimeSpan.FromSeconds(session.Options.Ftp.IdleSeconds);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // small files (most of a mirror) are copied through one pooled buffer: a sendfile thread per file costs more
        if (conn.Tls is null && !ascii && length - offset > SmallFile)
        {
            // an ABOR (or the session ending) shuts the socket down, which wakes the sendfile thread
            await using var reg = ct.Register(() =>
            {
                try
                {
                    conn.Socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            });
            if (!await SendFile.RunAsync(conn.Socket, fs.SafeFileHandle, offset, length - offset, (int)idle.TotalMilliseconds))
            {
                throw new IOException("the data connection was closed or stalled during the transfer");
            }
            return;
        }
        var buf = ArrayPool<byte>.Shared.Rent(256 * 1024);
        // TYPE A: each LF goes out as CRLF (REST counts bytes of the file, as vsftpd)
        var wire = ascii ? ArrayPool<byte>.Shared.Rent(512 * 1024) : null;
        try
        {
            var pos = offset;
            while (pos < length)
            {
                guard.CancelAfter(idle);
                var n = await RandomAccess.ReadAsync(fs.SafeFileHandle, buf.AsMemory(0, (int)Math.Min(buf.Length, length - pos)), pos, guard.Token);
                if (n == 0)
                {
                    break; // the file shrank while being sent
                }
                var chunk = wire is null ? buf.AsMemory(0, n) : wire.AsMemory(0, FtpAscii.ToNetwork(buf.AsSpan(0, n), wire));
                await conn.Stream.WriteAsync(chunk, guard.Token);
                pos += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
            if (wire is not null)
            {
                ArrayPool<byte>.Shared.Return(wire);
            }
        }
    }

    public async Task StorAsync(string arg, bool append)
    {
        var offset = session.RestOffset;
        session.RestOffset = 0;
        var r = session.Resolve(arg);
        if (!r.Ok)
        {
            await Control.ReplyAsync(FtpSession.NotFound(r));
            return;
        }
        var plan = session.Services.Storage.Plan(session, r.Path, offset, append);
        if (plan.Refusal is not null)
        {
            await Control.ReplyAsync(plan.Refusal);
            return;
        }
        await StartAsync($"Ok to send data for {FtpPaths.Name(r.Path.VPath)}.", async (conn, ct) =>
        {
            var receiver = new UploadReceiver(conn, plan, session.Ascii ? new AsciiUploadDecoder() : null, TimeSpan.FromSeconds(session.Options.Ftp.IdleSeconds));
            var (received, error) = await receiver.RunAsync(ct);
            return session.Services.Storage.Finish(session, r.Path, plan, received, error);
        }, () => session.Services.Storage.Finish(session, r.Path, plan, plan.Offset, "425 no data connection"));
    }

    /// <summary>Sends 150, then opens the data connection and runs <paramref name="work"/> in the background; its
    /// return value is the final reply. When the work never runs (no data connection), <paramref name="notRun"/> cleans up.</summary>
    private async Task StartAsync(string opening, Func<DataConnection, CancellationToken, Task<string>> work, Action? notRun = null)
    {
        if (session.PendingData is not { } ch)
        {
            notRun?.Invoke();
            await Control.ReplyAsync("425 Use PASV, EPSV, PORT or EPRT first.");
            return;
        }
        if (session.Secure && !session.ProtectData)
        {
            notRun?.Invoke();
            await Control.ReplyAsync("522 Data connections on this port must be encrypted: send PBSZ 0 and PROT P.");
            return;
        }
        session.PendingData = null;
        var tls = session.ProtectData ? session.Services.Listeners.Tls : null;
        var protocols = session.Options.Tls.Protocols;
        await Control.ReplyAsync("150 " + opening);
        var cts = new CancellationTokenSource();
        session.TransferCancel = cts;
        session.Transfer = Task.Run(async () =>
        {
            string final;
            using (ch)
            {
                var conn = await ch.OpenAsync(tls, protocols, cts.Token);
                if (conn is null)
                {
                    notRun?.Invoke();
                    await Control.ReplyAsync("425 Could not open the data connection.");
                    return;
                }
                await using (conn)
                {
                    try
                    {
                        final = await work(conn, cts.Token);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        final = "426 Connection closed; transfer aborted.";
                    }
                }
            }
            await Control.ReplyAsync(final);
        });
    }
}
