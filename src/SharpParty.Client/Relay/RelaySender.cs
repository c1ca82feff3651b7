using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;

namespace SharpParty.Client.Relay;

/// <summary><c>sharpparty send</c>'s settings (p2p-copy's flags).</summary>
internal sealed record SendOptions(string Url, string Code, IReadOnlyList<string> Paths, bool Encrypt, CompressMode Compress, bool Resume);

/// <summary>
/// The sending side of spec §1.3: hello, wait for ready, manifest (and the receiver's resume report), then per file a
/// header and 1 MiB frames, then eof. Frames are built (read, zstd, chain, AES-GCM) on one task while another sends
/// the previous ones, through a queue of three: the file is never held whole. When the receiver is ours and echoes
/// <see cref="RelayCaps.Batch"/>, small files' messages go out coalesced (<see cref="MessageBatch"/>).
/// </summary>
internal sealed class RelaySender(SendOptions options, TextWriter error, bool terminal)
{
    /// <summary>p2p-copy's sender waits this long for its receiver (api.py).</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(300);

    /// <summary>… and this long for the receiver's resume report.</summary>
    public static readonly TimeSpan HaveTimeout = TimeSpan.FromSeconds(30);

    public int Sent { get; private set; }

    /// <summary>Set once the receiver echoed <see cref="RelayCaps.Batch"/>; files produced from then on are batched.</summary>
    private volatile bool _batching;

    /// <summary>Set once the receiver echoed <see cref="RelayCaps.Sha256"/>: each <c>file_eof</c> from then on carries the
    /// file's SHA-256 (computed for every plaintext file while it is read, since the echo may come mid-file).</summary>
    private volatile bool _shaEcho;

    /// <summary>Completes at the receiver's echo (or when the relay closes).</summary>
    private readonly TaskCompletionSource _echo = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>With many small files, how long the first file waits for the echo: one round trip normally; a p2p-copy
    /// receiver never answers, and its transfer starts this much later.</summary>
    public static readonly TimeSpan EchoWait = TimeSpan.FromMilliseconds(300);

    /// <summary>Below this many batchable files the echo is not waited for.</summary>
    private const int ManySmall = 16;

    /// <summary>File bytes, files and the last file name in the batch being filled (the producer's alone).</summary>
    private long _batchRaw;
    private int _batchFiles;
    private string? _batchName;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var problems = new List<string>();
        var files = SendSources.Walk(options.Paths, problems);
        foreach (var p in problems)
        {
            await error.WriteLineAsync("sharpparty send: " + p);
        }
        if (files.Count == 0)
        {
            await error.WriteLineAsync("sharpparty send: error: no files to send");
            return RelayExit.SendFailed;
        }
        return await GuardAsync(async () =>
        {
            byte[] helloHash;
            E2eCipher? cipher = null;
            if (options.Encrypt)
            {
                (helloHash, cipher) = await E2eCipher.DeriveAsync(options.Code);
            }
            else
            {
                helloHash = E2eCipher.PlainHelloHash(options.Code);
            }
            await using var conn = await RelayConnection.ConnectAsync(options.Url, ct);
            await conn.SendTextAsync(RelayMessages.Hello(Convert.ToHexStringLower(helloHash), sender: true), ct);
            await ExpectReadyAsync(conn, ct);
            await TransferAsync(conn, files, cipher, ct);
        }, ct);
    }

    /// <summary>The relay's mailbox as the sender: <paramref name="files"/> to the receiver on <paramref name="conn"/>
    /// (its hello is read and nothing is "ready"d: the server itself is the other end). Plaintext only.</summary>
    public Task<int> ServeAsync(RelayConnection conn, List<SourceFile> files, CancellationToken ct) =>
        GuardAsync(() => TransferAsync(conn, files, null, ct), ct);

    private async Task<int> GuardAsync(Func<Task> body, CancellationToken ct)
    {
        try
        {
            await body();
            return RelayExit.Ok;
        }
        catch (Exception e) when (e is RelayProtocolException or System.Net.WebSockets.WebSocketException or IOException
            or UnauthorizedAccessException or ArgumentException or UriFormatException or TimeoutException or JsonException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            await error.WriteLineAsync("sharpparty send: error: " + e.Message);
            return RelayExit.SendFailed;
        }
    }

    /// <summary>From the manifest to the graceful close.</summary>
    private async Task TransferAsync(RelayConnection conn, List<SourceFile> files, E2eCipher? cipher, CancellationToken ct)
    {
        var manifest = RelayMessages.Manifest(options.Resume, files.Select(f => new ManifestEntry(f.RelPath, f.Size)), RelayCaps.Ours);
        if (cipher is not null)
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            cipher.Seed(seed);
            manifest = RelayMessages.EncManifest(seed, cipher.Encrypt(manifest));
        }
        await conn.SendTextAsync(manifest, ct);
        Dictionary<string, HaveEntry> have = [];
        Task? watcher = null;
        if (options.Resume)
        {
            (have, var batch, var sha) = await ReadHaveAsync(conn, cipher, ct);
            _batching = batch;
            _shaEcho = sha;
        }
        else
        {
            // a receiver of ours answers the offer with x_caps; p2p-copy's answers nothing, and we never wait for it
            watcher = WatchCapsAsync(conn, ct);
            if (files.Count(f => f.Size < MessageBatch.MaxItem) >= ManySmall)
            {
                await Task.WhenAny(_echo.Task, Task.Delay(EchoWait, ct));
            }
        }
        var progress = new TransferProgress(error, terminal, files.Sum(f => f.Size));
        await PumpAsync(conn, files, have, cipher, progress, ct);
        await conn.SendTextAsync(RelayMessages.Eof, ct);
        if (watcher is null)
        {
            await conn.CloseAsync(TimeSpan.FromSeconds(10));
        }
        else
        {
            // the watcher is the reader: our close goes out, it sees the answer
            await conn.CloseOutputAsync();
            await watcher.WaitAsync(TimeSpan.FromSeconds(10), ct).ContinueWith(static _ => { }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        progress.Finish();
        // a receiver of ours (or the mailbox) that gave up says why in its close; p2p-copy's sender never looks
        if (conn.CloseStatus is { } st && st is not (System.Net.WebSockets.WebSocketCloseStatus.NormalClosure or System.Net.WebSockets.WebSocketCloseStatus.Empty))
        {
            throw new RelayProtocolException("the receiver gave up: " + conn.CloseReason);
        }
        if (terminal)
        {
            await error.WriteLineAsync(progress.Summary("sent", Sent));
        }
    }

    private static async Task ExpectReadyAsync(RelayConnection conn, CancellationToken ct)
    {
        using var m = await ReceiveWithinAsync(conn, ReadyTimeout, "timeout waiting for the receiver", ct);
        if (!m.IsText)
        {
            throw new RelayProtocolException("expected a text frame after hello");
        }
        using var doc = JsonDocument.Parse(m.Memory);
        if (RelayMessages.TypeOf(doc.RootElement) != "ready")
        {
            throw new RelayProtocolException("unexpected frame after hello");
        }
    }

    /// <summary>Reads until the relay closes; notes the receiver's x_caps echo.</summary>
    private Task WatchCapsAsync(RelayConnection conn, CancellationToken ct) => Task.Run(async () =>
    {
        try
        {
            while (await conn.ReceiveAsync(ct) is { } m)
            {
                using (m)
                {
                    if (!m.IsText)
                    {
                        continue;
                    }
                    using var doc = JsonDocument.Parse(m.Memory);
                    if (RelayMessages.TypeOf(doc.RootElement) == "x_caps")
                    {
                        _shaEcho = RelayMessages.Offers(doc.RootElement, RelayCaps.Sha256);
                        _batching = RelayMessages.Offers(doc.RootElement, RelayCaps.Batch);
                        _echo.TrySetResult();
                    }
                }
            }
        }
        catch (Exception)
        {
            // the sending side reports what went wrong; this one only listens
        }
        finally
        {
            _echo.TrySetResult();
        }
    }, CancellationToken.None);

    private static async Task<(Dictionary<string, HaveEntry> Have, bool Batch, bool Sha)> ReadHaveAsync(RelayConnection conn, E2eCipher? cipher, CancellationToken ct)
    {
        using var m = await ReceiveWithinAsync(conn, HaveTimeout, "timeout waiting for receiver_manifest", ct);
        if (!m.IsText)
        {
            throw new RelayProtocolException("expected receiver_manifest");
        }
        var doc = JsonDocument.Parse(m.Memory);
        try
        {
            if (RelayMessages.TypeOf(doc.RootElement) == "enc_receiver_manifest" && cipher is not null)
            {
                var hidden = RelayMessages.Hex(doc.RootElement, "hidden_manifest");
                var clear = hidden is null ? null : cipher.Decrypt(hidden);
                if (clear is null)
                {
                    throw new RelayProtocolException("failed to decrypt the receiver's manifest (a different code?)");
                }
                doc.Dispose();
                doc = JsonDocument.Parse(clear);
            }
            if (RelayMessages.TypeOf(doc.RootElement) != "receiver_manifest" || !RelayMessages.TryReadHave(doc.RootElement, out var entries))
            {
                throw new RelayProtocolException("failed to read the receiver's manifest");
            }
            var d = new Dictionary<string, HaveEntry>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                d[e.Path] = e;
            }
            return (d, RelayMessages.Offers(doc.RootElement, RelayCaps.Batch), RelayMessages.Offers(doc.RootElement, RelayCaps.Sha256));
        }
        finally
        {
            doc.Dispose();
        }
    }

    private static async Task<RelayMessage> ReceiveWithinAsync(RelayConnection conn, TimeSpan timeout, string what, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await conn.ReceiveAsync(cts.Token)
                ?? throw new RelayProtocolException("the relay closed the connection" + (conn.CloseReason is { } r ? $": {r}" : ""));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(what);
        }
    }

    /// <summary>One message for the socket: a control JSON or a pooled frame (or batch), with the file bytes and the files it accounts for.</summary>
    private readonly record struct Outgoing(bool Text, byte[] Buffer, int Length, bool Pooled, long Raw, string? FileName, int Files = 0);

    private async Task PumpAsync(RelayConnection conn, List<SourceFile> files, Dictionary<string, HaveEntry> have, E2eCipher? cipher,
        TransferProgress progress, CancellationToken ct)
    {
        var queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var builder = new FrameBuilder(options.Compress, cipher);
        var producer = Task.Run(async () =>
        {
            using var batch = new MessageBatch();
            try
            {
                foreach (var f in files)
                {
                    await ProduceFileAsync(f, have, builder, batch, queue.Writer, progress, cts.Token);
                }
                await FlushAsync(batch, queue.Writer, cts.Token);
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.Complete(e);
            }
            finally
            {
                builder.Dispose();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var m in queue.Reader.ReadAllAsync(cts.Token))
            {
                try
                {
                    if (m.FileName is not null)
                    {
                        progress.File(m.FileName);
                    }
                    Sent += m.Files;
                    if (m.Text)
                    {
                        await conn.SendTextAsync(m.Buffer.AsMemory(0, m.Length), cts.Token);
                    }
                    else
                    {
                        await conn.SendBinaryAsync(m.Buffer.AsMemory(0, m.Length), cts.Token);
                    }
                    progress.Add(m.Raw);
                }
                finally
                {
                    if (m.Pooled)
                    {
                        ArrayPool<byte>.Shared.Return(m.Buffer);
                    }
                }
            }
        }
        catch
        {
            await cts.CancelAsync();
            // return what the producer still queued
            while (queue.Reader.TryRead(out var left))
            {
                if (left.Pooled)
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
            throw;
        }
        finally
        {
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Queues one message, into the batch when batching is on and it is small; a big one first sends the batch, to keep the order.</summary>
    private async ValueTask EmitAsync(Outgoing m, MessageBatch batch, ChannelWriter<Outgoing> queue, CancellationToken ct)
    {
        if (!_batching || !MessageBatch.Fits(m.Length))
        {
            await FlushAsync(batch, queue, ct);
            await queue.WriteAsync(m, ct);
            return;
        }
        if (!batch.HasRoomFor(m.Length))
        {
            await FlushAsync(batch, queue, ct);
        }
        batch.Add(m.Text, m.Buffer.AsSpan(0, m.Length));
        _batchRaw += m.Raw;
        _batchFiles += m.Files;
        _batchName = m.FileName ?? _batchName;
        if (m.Pooled)
        {
            ArrayPool<byte>.Shared.Return(m.Buffer);
        }
    }

    private async ValueTask FlushAsync(MessageBatch batch, ChannelWriter<Outgoing> queue, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var (raw, files, name, len) = (_batchRaw, _batchFiles, _batchName, batch.Length);
        (_batchRaw, _batchFiles, _batchName) = (0, 0, null);
        await queue.WriteAsync(new Outgoing(true, RelayMessages.BatchMark, RelayMessages.BatchMark.Length, false, 0, null), ct);
        var buf = batch.Take();
        try
        {
            await queue.WriteAsync(new Outgoing(false, buf, len, true, raw, name, files), ct);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buf);
            throw;
        }
    }

    private async Task ProduceFileAsync(SourceFile f, Dictionary<string, HaveEntry> have, FrameBuilder builder, MessageBatch batch,
        ChannelWriter<Outgoing> queue, TransferProgress progress, CancellationToken ct)
    {
        long append = 0;
        if (options.Resume && have.TryGetValue(f.RelPath, out var h) && h.Size > 0 && h.Size <= f.Size)
        {
            var (hashed, chain) = ChainedHash.OfFile(f.FullPath, h.Size, ct);
            append = hashed == h.Size && string.Equals(Convert.ToHexStringLower(chain), h.ChainHex, StringComparison.OrdinalIgnoreCase) ? h.Size : 0;
            if (append == f.Size)
            {
                // the receiver has all of it; unlike p2p-copy, an empty file is never "had" (its receiver reports none)
                progress.Add(f.Size);
                return;
            }
        }
        using var fh = File.OpenHandle(f.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        var raw = ArrayPool<byte>.Shared.Rent(WireFrame.ChunkSize);
        // the whole-file hash of our extension, plaintext only (see RelayCaps.Sha256); a resumed file's prefix counts too
        using var sha = builder.Cipher is null && RelayCaps.Ours.Contains(RelayCaps.Sha256) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        try
        {
            for (long at = 0; sha is not null && at < append;)
            {
                var got = FileChunks.Fill(fh, raw.AsSpan(0, (int)Math.Min(append - at, WireFrame.ChunkSize)), at);
                if (got == 0)
                {
                    break;
                }
                sha.AppendData(raw, 0, got);
                at += got;
            }
            var off = append;
            var n = FileChunks.Fill(fh, raw.AsSpan(0, Want(f.Size, off)), off);
            var zstd = builder.Decide(raw.AsSpan(0, n));
            // ours: the mtime travels as x_mtime (ms precision), which p2p-copy's receiver ignores
            var mtime = Math.Round((File.GetLastWriteTimeUtc(f.FullPath) - DateTime.UnixEpoch).TotalSeconds, 3);
            var header = RelayMessages.File(new FileHeader(f.RelPath, f.Size, zstd, append, mtime));
            if (builder.Cipher is { } c)
            {
                header = RelayMessages.EncFile(c.Encrypt(header));
            }
            await EmitAsync(new Outgoing(true, header, header.Length, false, 0, f.RelPath, 1), batch, queue, ct);
            builder.StartFile();
            while (true)
            {
                sha?.AppendData(raw, 0, n);
                var (frame, len) = builder.Build(raw.AsSpan(0, n));
                await EmitAsync(new Outgoing(false, frame, len, true, n, null), batch, queue, ct);
                off += n;
                if (n == 0 || off >= f.Size)
                {
                    break;
                }
                n = FileChunks.Fill(fh, raw.AsSpan(0, Want(f.Size, off)), off);
                if (n == 0)
                {
                    break; // the file shrank: the receiver will report the size mismatch
                }
            }
            var eof = sha is not null && _shaEcho ? RelayMessages.FileEofWithHash(sha.GetHashAndReset()) : RelayMessages.FileEof;
            await EmitAsync(new Outgoing(true, eof, eof.Length, false, 0, null), batch, queue, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Reads stop at the size in the manifest: a file that grows meanwhile is sent as it was listed.</summary>
    private static int Want(long size, long off) => (int)Math.Clamp(size - off, 0, WireFrame.ChunkSize);
}

/// <summary>Exit codes of p2p-copy: 0 ok, 3 the sender failed, 4 the receiver failed; 2 for a bad command line (as typer).</summary>
internal static class RelayExit
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int SendFailed = 3;
    public const int ReceiveFailed = 4;
}
