namespace SharpParty.Client.Up2k;

/// <summary>
/// Sends slices of needed chunks, at most <c>-j</c> POSTs at a time across all files; the parts of a subchunked slice
/// go one after the other on the same slot, as the server requires.
/// </summary>
internal sealed class ChunkSender(Up2kHttp http, UpOptions options, ProgressCounters counters) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Connections);

    /// <summary>Sends one slice; false (after telling <paramref name="report"/> why) if any part failed.</summary>
    public async Task<bool> SendAsync(FileJob job, ChunkSlice slice, Action<string> report, CancellationToken ct)
    {
        var header = StitchPlanner.HashHeader(slice.Hashes);
        await _slots.WaitAsync(ct);
        int? lastLeft = null;
        try
        {
            foreach (var part in StitchPlanner.Parts(slice, options.MaxPostBytes))
            {
                var body = new FileRangeContent(job.Entry.AbsPath, part.Offset, part.Length, n =>
                {
                    Interlocked.Add(ref counters.SentBytes, n);
                    Interlocked.Add(ref job.SentBytes, n);
                });
                var reply = await http.PostChunkAsync(job.Url!, job.Wark, header, part.SubchunkOffset, body, ct);
                if (!reply.Ok)
                {
                    if (reply.Status == 400 && (reply.Body.Contains("already being written", StringComparison.Ordinal)
                                                || reply.Body.Contains("already got that", StringComparison.Ordinal)
                                                || reply.Body.Contains("only sibling chunks", StringComparison.Ordinal)))
                    {
                        // the server and we disagree on what is missing: single chunks from now on, as u2c
                        job.NoJoin = true;
                    }
                    report($"upload failed, retrying: {job.Entry.Name} #{slice.Hashes[0][..8]}+{slice.Hashes.Length - 1} ({Up2kHttp.ErrorText(reply)})");
                    return false;
                }
                lastLeft = reply.ChunksLeft;
            }
            if (lastLeft == 0)
            {
                // the server finished the file with this POST: no final handshake needed to learn that
                job.ServerCompleted = true;
            }
            Interlocked.Add(ref counters.DoneBytes, slice.Length);
            Interlocked.Add(ref job.ConfirmedBytes, slice.Length);
            return true;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
