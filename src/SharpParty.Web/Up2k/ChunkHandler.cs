using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Up2k;

/// <summary>One chunk of a chunk POST: its hash, every offset where that content belongs, and its length.</summary>
internal sealed record PlannedChunk(string Hash, long[] Offsets, long Length);

/// <summary>
/// Chunk POSTs (spec §2.7): the body holds one chunk, several adjacent ones (stitched), or a slice of one
/// (<c>X-Up2k-Subc</c>). Each chunk streams to its offset in the partial file while it is hashed, is confirmed (and
/// journaled) as soon as its bytes are written and its hash matches, and the request that confirms the last one
/// moves the file into place. Every chunk marked busy here is released on every path out (spec §8.2).
/// </summary>
internal sealed partial class ChunkHandler(RegistrySet registries, SharpParty.Web.Search.IndexSet indexes, SharpParty.Web.Search.TagService tags,
    ILogger<ChunkHandler> log, TimeProvider time)
{
    public async Task HandleAsync(RequestContext rc)
    {
        var t = rc.Target;
        if (rc.Request.ContentLength is not { } postSize)
        {
            await Reply.Error(rc, 400, "you must supply a content-length for binary POST");
            return;
        }
        var hashHeader = rc.Request.Headers["X-Up2k-Hash"].ToString();
        var wark = rc.Request.Headers["X-Up2k-Wark"].ToString().Trim();
        if (hashHeader.Length == 0 || wark.Length == 0)
        {
            await Reply.Error(rc, 400, "need hash and wark headers for binary POST");
            return;
        }
        if (t.Volume is not { } vol || !t.Can(Perm.Write))
        {
            await Reply.Forbidden(rc, $"you don't have write-access in \"/{t.VPath}\" or below \"/{t.Volume?.VPath ?? t.VPath}\"");
            return;
        }
        if (!ChunkHeader.TryParse(hashHeader, out var header, out var herr))
        {
            await Reply.Error(rc, 400, herr);
            return;
        }
        long? subc = null;
        var subcText = rc.Request.Headers["X-Up2k-Subc"].ToString();
        if (subcText.Length > 0)
        {
            if (!long.TryParse(subcText, NumberStyles.None, CultureInfo.InvariantCulture, out var sc))
            {
                await Reply.Error(rc, 400, "bad X-Up2k-Subc: expected a byte offset");
                return;
            }
            subc = sc;
        }
        var reg = registries.For(vol);
        var (plan, job, handle, sub, status, error) = Plan(reg, wark, header, subc, postSize);
        if (plan is null)
        {
            await Reply.Error(rc, status, error!);
            return;
        }
        var opts = rc.Options.Up2k.For(vol);
        var confirmed = new List<string>(plan.Count);
        ChunkFailure failure = default;
        try
        {
            failure = await ChunkReceiver.ReceiveAsync(rc.Request.Body, handle!, job!.Size, plan, sub, postSize, opts.Fsync,
                h => Confirm(reg, job!, h, confirmed), rc.Http.RequestAborted);
        }
        finally
        {
            lock (reg.Gate)
            {
                foreach (var c in plan)
                {
                    job!.Busy.Remove(c.Hash);
                }
                if (sub is not null && (failure.Kind != ChunkFailureKind.None || sub.Next >= plan[0].Length))
                {
                    // a finished or broken chunk starts over at offset 0 next time
                    job!.Subchunks.Remove(plan[0].Hash);
                    sub.Hash.Dispose();
                }
                job!.Poked = time.GetUtcNow().ToUnixTimeSeconds();
            }
        }
        int left;
        lock (reg.Gate)
        {
            left = job.Need.Count;
        }
        if (left == 0 && !JobFinisher.TryFinish(reg, job, out var ferr))
        {
            await Reply.Error(rc, 500, ferr);
            return;
        }
        if (left == 0)
        {
            LogFinished(log, rc.User, job.Size, "/" + HandshakeHandler.VPathOf(vol, job));
            indexes.RecordUpload(vol, job.Folder, job.Name, job.Size, job.Lmod, job.DataWark, job.Started, job.Ip, job.User);
            tags.Enqueue(vol, job.Folder, job.Name);
        }
        switch (failure.Kind)
        {
            case ChunkFailureKind.None:
                rc.Note = $"{confirmed.Count} chunks, {left} left";
                // ours: what the file still needs after this POST; 0 means complete and in place, so our client and our
                // web UI skip the confirming handshake (u2c and copyparty's up2k.js ignore the header and send it)
                rc.Response.Headers["X-Up2k-Left"] = left.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Reply.Text(rc, 200, "thank", "text/html; charset=utf-8");
                return;
            case ChunkFailureKind.Corrupt:
                await Reply.Error(rc, 400, $"your chunk got corrupted somehow (received {failure.Received} bytes); expected vs received hash:\n{failure.Expected}\n{failure.Got}");
                return;
            case ChunkFailureKind.Truncated:
                await Reply.Error(rc, 400, "the request body ended before the chunks it announced; the chunks that arrived whole were kept");
                return;
            case ChunkFailureKind.DiskFull:
                await Reply.Error(rc, 507, "no space left on the server's disk");
                return;
            default:
                await Reply.Error(rc, 500, "could not write the chunk; please try again");
                return;
        }
    }

    private static void Confirm(UploadRegistry reg, UploadJob job, string hash, List<string> confirmed)
    {
        lock (reg.Gate)
        {
            job.Busy.Remove(hash);
            reg.Confirm(job, hash);
        }
        confirmed.Add(hash);
    }

    /// <summary>Checks the request against the job under the lock and marks its chunks busy.</summary>
    private static (List<PlannedChunk>? Plan, UploadJob? Job, PartialFile? Handle, SubchunkState? Sub, int Status, string? Error) Plan(
        UploadRegistry reg, string wark, ChunkHeader header, long? subc, long postSize)
    {
        lock (reg.Gate)
        {
            var job = reg.Find(wark);
            if (job is null)
            {
                return (null, null, null, null, 400, "unknown wark (see serverlog for details)");
            }
            if (!header.TryExpand(job, out var hashes, out var xerr))
            {
                return (null, null, null, null, 400, xerr);
            }
            foreach (var h in hashes)
            {
                if (!job.Need.Contains(h))
                {
                    return (null, null, null, null, 400, Array.IndexOf(job.Hashes, h) >= 0 || job.Done
                        ? $"already got that ({h}) but thanks??" : $"unknown chunk wtf: {h}");
                }
                if (job.Busy.Contains(h))
                {
                    var idx = Array.IndexOf(job.Hashes, h);
                    return (null, null, null, null, 400, $"that chunk is already being written to:\n  {wark}\n  {h} {idx}/{job.Hashes.Length}\n  {job.Name}");
                }
            }
            var cs = job.ChunkSize;
            var plan = new List<PlannedChunk>(hashes.Length);
            long total = 0;
            foreach (var h in hashes)
            {
                var idx = job.IndexesOf(h);
                var offsets = new long[idx.Length];
                for (var i = 0; i < idx.Length; i++)
                {
                    offsets[i] = idx[i] * cs;
                }
                if (plan.Count > 0 && offsets[0] - plan[^1].Offsets[0] != cs)
                {
                    var prev = plan[^1].Offsets[0];
                    return (null, null, null, null, 400,
                        $"only sibling chunks can be stitched; gap of {offsets[0] - prev - cs} bytes between offsets {prev} and {offsets[0]} in {job.Name}");
                }
                var len = Math.Min(cs, job.Size - offsets[0]);
                plan.Add(new PlannedChunk(h, offsets, len));
                total += len;
            }
            SubchunkState? sub = null;
            if (subc is { } so)
            {
                var h = hashes[0];
                const string et = "subchunk protocol error; resetting chunk ";
                if (hashes.Length > 1)
                {
                    job.Subchunks.Remove(h);
                    return (null, null, null, null, 400, $"{et}[{h}]: only a single subchunk can be uploaded in one request; you are sending {hashes.Length} chunks");
                }
                job.Subchunks.TryGetValue(h, out sub);
                if (so == 0)
                {
                    // offset 0 starts the chunk over, whatever came before
                    sub?.Hash.Dispose();
                    sub = new SubchunkState(0, IncrementalHash.CreateHash(HashAlgorithmName.SHA512));
                    job.Subchunks[h] = sub;
                }
                var expectedAt = sub?.Next ?? 0;
                if (sub is null || expectedAt != so)
                {
                    job.Subchunks.Remove(h);
                    return (null, null, null, null, 400, $"{et}[{h}]: the expected resume-point was {expectedAt}, not {so}");
                }
                if (so + postSize > plan[0].Length)
                {
                    job.Subchunks.Remove(h);
                    return (null, null, null, null, 400, $"{et}[{h}]: subchunk offset ({so}) plus postsize ({postSize}) exceeds chunksize ({plan[0].Length})");
                }
            }
            else if (postSize > cs * hashes.Length)
            {
                return (null, null, null, null, 400, $"your client is sending {postSize} bytes which is too much (server expected {cs * hashes.Length} bytes at most)");
            }
            else if (postSize != total)
            {
                return (null, null, null, null, 400, $"the body must hold exactly the chunks it names: {total} bytes, not {postSize}");
            }
            try
            {
                job.Handle ??= PartialFile.Open(Path.Combine(reg.VolumeRoot, job.Folder, job.PartialName), job.Size);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reg.Forget(job);
                return (null, null, null, null, 400, "unknown wark (see serverlog for details)");
            }
            foreach (var c in plan)
            {
                job.Busy.Add(c.Hash);
            }
            return (plan, job, job.Handle, sub, 0, null);
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "up2k: {User} finished {Path} ({Size} bytes)")]
    private static partial void LogFinished(ILogger logger, string user, long size, string path);
}
