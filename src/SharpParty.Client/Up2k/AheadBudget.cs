namespace SharpParty.Client.Up2k;

/// <summary>
/// How far hashing may run ahead of uploading (u2c: 1 GiB and 512 chunks): enough to keep the connections busy,
/// little enough that what was hashed is still in the page cache when it is sent. The first file always passes.
/// </summary>
internal sealed class AheadBudget(long maxBytes, int maxChunks)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Bytes, int Chunks, TaskCompletionSource Tcs)> _waiting = new();
    private long _bytes;
    private int _chunks;
    private int _files;

    public Task TakeAsync(long bytes, int chunks, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(bytes, chunks))
            {
                Add(bytes, chunks);
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((bytes, chunks, tcs));
            return tcs.Task.WaitAsync(ct);
        }
    }

    public void Give(long bytes, int chunks)
    {
        lock (_lock)
        {
            _bytes -= bytes;
            _chunks -= chunks;
            _files--;
            while (_waiting.TryPeek(out var w) && Fits(w.Bytes, w.Chunks))
            {
                _waiting.Dequeue();
                Add(w.Bytes, w.Chunks);
                w.Tcs.TrySetResult();
            }
        }
    }

    private bool Fits(long bytes, int chunks) => _files == 0 || (_bytes + bytes <= maxBytes && _chunks + chunks <= maxChunks);

    private void Add(long bytes, int chunks)
    {
        _bytes += bytes;
        _chunks += chunks;
        _files++;
    }
}
