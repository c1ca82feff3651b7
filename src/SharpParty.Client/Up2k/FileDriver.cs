namespace SharpParty.Client.Up2k;

internal enum FileOutcome
{
    Uploaded,
    Found,

    /// <summary>409: the server has this content and refuses duplicates.</summary>
    Exists,

    /// <summary>422: the same content is on its way elsewhere; ask again at the end.</summary>
    Recheck,

    /// <summary>-s: the server has no file with this content.</summary>
    NotFound,

    Failed,

    /// <summary>403: stop the whole run.</summary>
    Forbidden,
}

/// <summary>
/// Takes one hashed file through the protocol: handshake, send what the server is missing, handshake again, until the
/// server's list is empty (spec §2.8; at most 32 handshakes, as u2c). A refusal (4xx) ends the file at once; no answer or a 5xx is retried after --cd.
/// </summary>
internal sealed class FileDriver(Handshake handshake, ChunkSender sender, UpOptions options, Reporter reporter)
{
    /// <summary>u2c gives up on a file after 32 handshakes.</summary>
    private const int MaxHandshakes = 32;

    /// <summary>Handshakes that got no usable answer in a row before the file counts as failed (u2c retries forever).</summary>
    private const int MaxFailedHandshakes = 10;

    public async Task<(FileOutcome Outcome, string Message)> RunAsync(FileJob job, CancellationToken ct)
    {
        var sent = false;
        var failedInRow = 0;
        while (true)
        {
            if (job.Handshakes >= MaxHandshakes)
            {
                return (FileOutcome.Failed, $"giving up after {MaxHandshakes} handshakes");
            }
            var r = await handshake.SendAsync(job, ct);
            switch (r.Kind)
            {
                case HandshakeKind.Forbidden:
                    return (FileOutcome.Forbidden, r.Message);
                case HandshakeKind.Recheck:
                    return (FileOutcome.Recheck, r.Message);
                case HandshakeKind.Exists:
                    return (FileOutcome.Exists, r.Message);
                case HandshakeKind.Rejected:
                    return (FileOutcome.Failed, r.Message);
                case HandshakeKind.Searched:
                    return (r.Hits.Length > 0 ? FileOutcome.Found : FileOutcome.NotFound, string.Join('\n', r.Hits));
                case HandshakeKind.Failed:
                    if (++failedInRow >= MaxFailedHandshakes)
                    {
                        return (FileOutcome.Failed, r.Message);
                    }
                    reporter.Note($"handshake failed, retrying: {job.Entry.Name}: {r.Message}");
                    await Task.Delay(options.RetryDelay, ct);
                    continue;
            }
            failedInRow = 0;
            if (r.Need.Length == 0)
            {
                return (sent ? FileOutcome.Uploaded : FileOutcome.Found, "");
            }
            if (!AllKnown(job, r.Need, out var unknown))
            {
                return (FileOutcome.Failed, "the server asked for a chunk this file does not have: " + unknown);
            }
            sent = true;
            job.UploadStart ??= reporter.Elapsed;
            // a server without sparse files takes the chunks of a file strictly in order, one at a time (spec §2.5)
            var slices = StitchPlanner.Plan(r.Need, h => job.TryLocate(h, out var o, out var l) ? (o, l) : (0, 0), job.ChunkSize,
                options.StitchBytes, options.MaxPostBytes, job.NoJoin, r.Sparse ? options.Connections : 1);
            bool allSent;
            if (r.Sparse)
            {
                var results = await Task.WhenAll(slices.Select(s => sender.SendAsync(job, s, reporter.Note, ct)));
                allSent = results.All(x => x);
            }
            else
            {
                allSent = true;
                foreach (var s in slices)
                {
                    if (!await sender.SendAsync(job, s, reporter.Note, ct))
                    {
                        allSent = false;
                        break;
                    }
                }
            }
            if (allSent && job.ServerCompleted)
            {
                // SharpParty said "0 left" on a chunk reply: the file is complete, so the confirming handshake that u2c
                // sends is skipped (one request of three per small file); other servers get it as before
                return (FileOutcome.Uploaded, "");
            }
            if (!allSent)
            {
                // the next handshake tells what is still missing; give a struggling server a moment first
                await Task.Delay(options.RetryDelay, ct);
            }
        }
    }

    private static bool AllKnown(FileJob job, string[] need, out string unknown)
    {
        foreach (var h in need)
        {
            if (!job.TryLocate(h, out _, out _))
            {
                unknown = h;
                return false;
            }
        }
        unknown = "";
        return true;
    }
}
