using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace SharpParty.Client.Relay;

/// <summary><c>sharpparty receive</c>'s settings (p2p-copy's flags).</summary>
internal sealed record ReceiveOptions(string Url, string Code, string OutDir, bool Encrypt);

/// <summary>
/// The receiving side of spec §1.3, with p2p-copy's defects fixed (§1.4): paths stay inside <c>--out</c>; a file
/// grows under <c>.NAME.PARTIAL</c> and is fsynced and renamed when complete; empty files are created even when a
/// resuming p2p-copy sender skips them; a resume point that no longer matches leaves the local copy alone and the
/// file is sent in full next time (p2p-copy truncates it and fails). One task reads the socket, another checks and
/// writes, with up to four messages between them.
/// </summary>
/// <param name="paths">Where files may go; by default below <c>--out</c> (the relay's mailbox passes the Vfs's rules).</param>
/// <param name="stored">Called with each file's manifest path, full path and size once it is in place.</param>
internal sealed class RelayReceiver(ReceiveOptions options, TextWriter error, bool terminal, ReceivePaths? paths = null,
    Action<string, string, long>? stored = null) : IDisposable
{
    /// <summary>Largest decompressed chunk accepted: twice p2p-copy's 1 MiB, so a zstd bomb cannot fill memory.</summary>
    private const int MaxChunk = 2 * WireFrame.ChunkSize;

    private readonly ReceivePaths _paths = paths ?? new(options.OutDir);
    private readonly Dictionary<string, ManifestEntry> _manifest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resumeSource = new(StringComparer.Ordinal);
    private readonly HashSet<string> _received = new(StringComparer.Ordinal);
    private readonly List<string> _failed = [];
    private E2eCipher? _cipher;
    private IncomingFile? _cur;
    private TransferProgress? _progress;
    private ChunkCodec? _codec;
    private byte[] _plain = [];
    private byte[] _unzipped = [];

    /// <summary>The sender offered <see cref="RelayCaps.Batch"/> and we echoed it.</summary>
    private bool _batchOk;

    /// <summary>The sender offered <see cref="RelayCaps.Sha256"/> and we echoed it (plaintext only): files are hashed as
    /// they are written, and a <c>file_eof</c> with <c>x_sha256</c> is checked against that.</summary>
    private bool _shaOk;

    /// <summary>An <c>x_batch</c> mark came: the next binary message is a <see cref="MessageBatch"/>.</summary>
    private bool _batchNext;

    public int Received => _received.Count;

    public Task<int> RunAsync(CancellationToken ct) => GuardAsync(async () =>
    {
        Directory.CreateDirectory(_paths.Root);
        byte[] helloHash;
        if (options.Encrypt)
        {
            (helloHash, _cipher) = await E2eCipher.DeriveAsync(options.Code);
        }
        else
        {
            helloHash = E2eCipher.PlainHelloHash(options.Code);
        }
        await using var conn = await RelayConnection.ConnectAsync(options.Url, ct);
        await conn.SendTextAsync(RelayMessages.Hello(Convert.ToHexStringLower(helloHash), sender: false), ct);
        return await ReceiveAllAsync(conn, null, ct);
    }, ct);

    /// <summary>The relay's mailbox as the receiver: the sender on <paramref name="conn"/> was sent ready, and its first
    /// message (the manifest) was read already. Plaintext only.</summary>
    public Task<int> ServeAsync(RelayConnection conn, RelayMessage first, CancellationToken ct) =>
        GuardAsync(() => ReceiveAllAsync(conn, first, ct), ct);

    private async Task<int> GuardAsync(Func<Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is RelayProtocolException or System.Net.WebSockets.WebSocketException or IOException
            or UnauthorizedAccessException or ArgumentException or UriFormatException or JsonException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            _progress?.Finish();
            await error.WriteLineAsync("sharpparty receive: error: " + e.Message);
            return RelayExit.ReceiveFailed;
        }
    }

    private async Task<int> ReceiveAllAsync(RelayConnection conn, RelayMessage? first, CancellationToken ct)
    {
        _plain = ArrayPool<byte>.Shared.Rent(RelayConnection.MaxMessage);
        _unzipped = ArrayPool<byte>.Shared.Rent(MaxChunk);
        _codec = new ChunkCodec();
        await LoopAsync(conn, first, ct);
        _progress?.Finish();
        foreach (var f in _failed)
        {
            await error.WriteLineAsync("sharpparty receive: " + f);
        }
        if (_failed.Count > 0)
        {
            return RelayExit.ReceiveFailed;
        }
        if (terminal && _progress is not null)
        {
            await error.WriteLineAsync(_progress.Summary("received", Received));
        }
        return RelayExit.Ok;
    }

    public void Dispose()
    {
        // interrupted: a partial file stays under its temp name, for a resume
        _cur?.Dispose();
        _cur = null;
        _codec?.Dispose();
        _codec = null;
        if (_plain.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_unzipped);
            _plain = _unzipped = [];
        }
    }

    private async Task LoopAsync(RelayConnection conn, RelayMessage? first, CancellationToken ct)
    {
        var queue = Channel.CreateBounded<RelayMessage>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                if (first is not null)
                {
                    await queue.Writer.WriteAsync(first, cts.Token);
                }
                while (await conn.ReceiveAsync(cts.Token) is { } m)
                {
                    await queue.Writer.WriteAsync(m, cts.Token);
                }
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var m in queue.Reader.ReadAllAsync(cts.Token))
            {
                using (m)
                {
                    if (await HandleAsync(conn, m.IsText, m.Memory, cts.Token))
                    {
                        // a graceful close: ours goes out, the reader sees the answer (or gives up after a while)
                        await conn.CloseOutputAsync();
                        await reader.WaitAsync(TimeSpan.FromSeconds(5), ct).ContinueWith(static _ => { }, CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        return;
                    }
                }
            }
            throw new RelayProtocolException("the connection ended before the transfer was complete"
                + (conn.CloseReason is { } r ? $" ({r})" : ""));
        }
        catch (RelayProtocolException e)
        {
            // the other side learns why (our relay passes the close on), before the reader's cancel aborts the socket
            await conn.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, e.Message);
            // and the close handshake ends cleanly: what still comes is dropped until the answer (or 5 s), so that
            // cancelling the reader does not abort the socket under the close frame
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(ct);
            drain.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await foreach (var left in queue.Reader.ReadAllAsync(drain.Token))
                {
                    left.Dispose();
                }
            }
            catch (Exception drainError) when (drainError is OperationCanceledException or System.Net.WebSockets.WebSocketException
                or IOException or RelayProtocolException or ChannelClosedException)
            {
            }
            throw;
        }
        finally
        {
            await cts.CancelAsync();
            await reader.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            while (queue.Reader.TryRead(out var left))
            {
                left.Dispose();
            }
        }
    }

    /// <summary>Returns true at <c>eof</c>.</summary>
    private async Task<bool> HandleAsync(RelayConnection conn, bool isText, ReadOnlyMemory<byte> data, CancellationToken ct, bool inBatch = false)
    {
        if (!isText)
        {
            if (!_batchNext)
            {
                HandleChunk(data);
                return false;
            }
            _batchNext = false;
            var at = 0;
            while (MessageBatch.TryNext(data, ref at, out var text, out var inner))
            {
                if (await HandleAsync(conn, text, inner, ct, inBatch: true))
                {
                    return true;
                }
            }
            return false;
        }
        if (_batchNext)
        {
            throw new RelayProtocolException("x_batch was not followed by its batch");
        }
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        var type = RelayMessages.TypeOf(root);
        var enc = _cipher is not null;
        switch (type)
        {
            case "manifest" when !enc:
                await HandleManifestAsync(conn, root, ct);
                return false;
            case "enc_manifest" when enc:
                var seed = RelayMessages.Hex(root, "nonce") ?? throw new RelayProtocolException("enc_manifest without a nonce");
                _cipher!.Seed(seed);
                using (var inner = JsonDocument.Parse(Unseal(root, "hidden_manifest", "manifest")))
                {
                    await HandleManifestAsync(conn, inner.RootElement, ct);
                }
                return false;
            case "file" when !enc:
                OpenFile(root);
                return false;
            case "enc_file" when enc:
                using (var inner = JsonDocument.Parse(Unseal(root, "hidden_file", "file header")))
                {
                    OpenFile(inner.RootElement);
                }
                return false;
            case "file_eof":
                FinishFile(_shaOk ? RelayMessages.Hex(root, "x_sha256") : null);
                return false;
            case "x_batch" when _batchOk && !inBatch:
                _batchNext = true;
                return false;
            case "eof":
                if (_cur is not null)
                {
                    throw new RelayProtocolException("stream ended while a file was open");
                }
                FinishTransfer();
                return true;
            default:
                throw new RelayProtocolException(type is "manifest" or "enc_manifest" or "file" or "enc_file"
                    ? $"the sender {(enc ? "does not" : "does")} encrypt; both sides must agree on --encrypt"
                    : $"unexpected control message: {type ?? "(none)"}");
        }
    }

    private byte[] Unseal(JsonElement root, string field, string what)
    {
        var hidden = RelayMessages.Hex(root, field) ?? throw new RelayProtocolException($"bad encrypted {what}");
        return _cipher!.Decrypt(hidden) ?? throw new RelayProtocolException($"failed to decrypt the {what} (a different code?)");
    }

    private async Task HandleManifestAsync(RelayConnection conn, JsonElement root, CancellationToken ct)
    {
        if (!RelayMessages.TryReadManifest(root, out var resume, out var entries))
        {
            throw new RelayProtocolException("bad manifest");
        }
        // every path is checked before anything is written: a hostile manifest writes nothing at all
        foreach (var e in entries)
        {
            if (!ReceivePaths.IsSafe(e.Path, out var why))
            {
                throw new RelayProtocolException($"refusing path \"{JsonEncodedText.Encode(e.Path)}\" from the sender: {why}");
            }
            _manifest[e.Path] = e;
        }
        _progress = new TransferProgress(error, terminal, entries.Sum(e => e.Size));
        // our extensions: taken up only when offered (a p2p-copy sender offers none and is sent nothing extra)
        _batchOk = RelayMessages.Offers(root, RelayCaps.Batch);
        _shaOk = _cipher is null && RelayMessages.Offers(root, RelayCaps.Sha256);
        List<string> taken = [];
        if (_batchOk)
        {
            taken.Add(RelayCaps.Batch);
        }
        if (_shaOk)
        {
            taken.Add(RelayCaps.Sha256);
        }
        IReadOnlyList<string>? echo = taken.Count > 0 ? taken : null;
        if (!resume)
        {
            if (echo is not null)
            {
                await conn.SendTextAsync(RelayMessages.CapsEcho(echo), ct);
            }
            return;
        }
        var have = new List<HaveEntry>();
        foreach (var e in entries)
        {
            if (!_paths.TryResolve(e.Path, out var final, out _))
            {
                continue;
            }
            var temp = ReceivePaths.TempOf(final);
            var source = UsableSource(temp) ? temp : UsableSource(final) ? final : null;
            if (source is null)
            {
                continue;
            }
            var (hashed, chain) = ChainedHash.OfFile(source, null, ct);
            _resumeSource[e.Path] = source;
            have.Add(new HaveEntry(e.Path, hashed, Convert.ToHexStringLower(chain)));
        }
        var reply = RelayMessages.ReceiverManifest(have, echo);
        if (_cipher is not null)
        {
            reply = RelayMessages.EncReceiverManifest(_cipher.Encrypt(reply));
        }
        await conn.SendTextAsync(reply, ct);
    }

    /// <summary>A local file worth reporting for resume: regular (a symlink's target is not ours to hash) and not empty.</summary>
    private static bool UsableSource(string path)
    {
        var fi = new FileInfo(path);
        return fi.Exists && fi.LinkTarget is null && fi.Length > 0;
    }

    private void OpenFile(JsonElement root)
    {
        if (_cur is not null)
        {
            throw new RelayProtocolException("got a new file while the previous one is still open");
        }
        if (!RelayMessages.TryReadFile(root, out var h))
        {
            throw new RelayProtocolException("bad file header");
        }
        if (!_paths.TryResolve(h.Path, out var final, out var why))
        {
            throw new RelayProtocolException($"refusing path \"{JsonEncodedText.Encode(h.Path)}\" from the sender: {why}");
        }
        _progress ??= new TransferProgress(error, terminal, h.Size);
        _progress.File(h.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = ReceivePaths.TempOf(final);
        if (h.AppendFrom > 0)
        {
            var source = _resumeSource.GetValueOrDefault(h.Path);
            if (source is null || !File.Exists(source) || new FileInfo(source).Length != h.AppendFrom)
            {
                // p2p-copy truncates here and then fails on the size; we keep what is here and drop this data
                _failed.Add($"{h.Path}: the sender resumed at {h.AppendFrom} bytes, which is not what is here; nothing was changed, it is sent in full next time");
                if (source == temp)
                {
                    TryDelete(temp);
                }
                _cur = new IncomingFile(h, final, temp, null, 0);
                return;
            }
            if (source != temp)
            {
                File.Copy(source, temp, overwrite: true);
            }
            _cur = new IncomingFile(h, final, temp, File.OpenHandle(temp, FileMode.Open, FileAccess.Write), h.AppendFrom, _shaOk);
            _cur.HashPrefix(temp, h.AppendFrom);
            return;
        }
        _cur = new IncomingFile(h, final, temp, File.OpenHandle(temp, FileMode.Create, FileAccess.Write), 0, _shaOk);
    }

    private void HandleChunk(ReadOnlyMemory<byte> m)
    {
        var f = _cur ?? throw new RelayProtocolException("unexpected binary data without an open file");
        var data = Decode(f, m);
        if (f.Written + data.Length > f.Expected)
        {
            throw new RelayProtocolException($"{f.Header.Path}: more data than its size {f.Header.Size}");
        }
        f.Written += data.Length;
        _progress?.Add(data.Length);
        if (f.Handle is not null && data.Length > 0)
        {
            RandomAccess.Write(f.Handle, data.Span, f.Offset);
            f.Sha?.AppendData(data.Span);
        }
        f.Offset += data.Length;
    }

    /// <summary>Sequence, decryption, chain, decompression: the chunk's bytes, in the message or in one of our buffers.</summary>
    private ReadOnlyMemory<byte> Decode(IncomingFile f, ReadOnlyMemory<byte> m)
    {
        if (!WireFrame.TryRead(m.Span, out var seq, out var chain, out _))
        {
            throw new RelayProtocolException("short chunk frame");
        }
        if (seq != f.Seq)
        {
            throw new RelayProtocolException($"sequence mismatch: {seq} != {f.Seq}");
        }
        f.Seq++;
        var payload = m[WireFrame.HeaderSize..];
        if (_cipher is not null)
        {
            var n = _cipher.Decrypt(payload.Span, _plain);
            if (n < 0)
            {
                throw new RelayProtocolException($"{f.Header.Path}: a chunk failed to decrypt");
            }
            payload = _plain.AsMemory(0, n);
        }
        if (!f.Chain.Next(payload.Span).SequenceEqual(chain))
        {
            throw new RelayProtocolException($"{f.Header.Path}: chained checksum mismatch");
        }
        if (!f.Header.Zstd)
        {
            return payload;
        }
        var z = _codec!.Decompress(payload.Span, _unzipped);
        if (z < 0)
        {
            throw new RelayProtocolException($"{f.Header.Path}: a chunk failed to decompress");
        }
        return _unzipped.AsMemory(0, z);
    }

    /// <param name="sha256">The sender's whole-file SHA-256 (<see cref="RelayCaps.Sha256"/>), when it sent one.</param>
    private void FinishFile(byte[]? sha256)
    {
        var f = _cur ?? throw new RelayProtocolException("got file_eof without an open file");
        _cur = null;
        using (f)
        {
            if (f.Handle is null)
            {
                return;
            }
            if (f.Written != f.Expected)
            {
                _failed.Add($"{f.Header.Path}: size mismatch, got {f.Written} of {f.Expected} bytes; not saved");
                f.Handle.Dispose();
                TryDelete(f.Temp);
                return;
            }
            if (sha256 is not null && f.Sha is { } mine && !mine.GetHashAndReset().AsSpan().SequenceEqual(sha256))
            {
                _failed.Add($"{f.Header.Path}: the whole-file SHA-256 does not match the sender's; not saved");
                f.Handle.Dispose();
                TryDelete(f.Temp);
                return;
            }
            RandomAccess.FlushToDisk(f.Handle);
        }
        File.Move(f.Temp, f.Final, overwrite: true);
        if (f.Header.Mtime is { } mtime)
        {
            try
            {
                // ours: the sender's mtime (x_mtime); p2p-copy leaves every file at the time it arrived
                File.SetLastWriteTimeUtc(f.Final, DateTime.UnixEpoch.AddSeconds(mtime));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                // the file is in place; a time the filesystem refuses is not worth failing it for
            }
        }
        _received.Add(f.Header.Path);
        stored?.Invoke(f.Header.Path, f.Final, f.Header.Size);
    }

    /// <summary>After <c>eof</c>: files the sender skipped. An empty one is created (a resuming p2p-copy sender skips
    /// them: §1.4 defect 2); one complete under its temp name is put in place.</summary>
    private void FinishTransfer()
    {
        foreach (var e in _manifest.Values)
        {
            if (_received.Contains(e.Path) || !_paths.TryResolve(e.Path, out var final, out _))
            {
                continue;
            }
            var temp = ReceivePaths.TempOf(final);
            if (e.Size == 0)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                File.WriteAllBytes(temp, []);
                File.Move(temp, final, overwrite: true);
                _received.Add(e.Path);
                stored?.Invoke(e.Path, final, 0);
            }
            else if (_resumeSource.GetValueOrDefault(e.Path) == temp && File.Exists(temp) && new FileInfo(temp).Length == e.Size)
            {
                File.Move(temp, final, overwrite: true);
                _received.Add(e.Path);
                stored?.Invoke(e.Path, final, e.Size);
            }
            else if (File.Exists(final) && new FileInfo(final).Length == e.Size)
            {
                _received.Add(e.Path);
            }
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
}
