using System.Buffers;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Up2k;

/// <summary>
/// Race-the-beam (copyparty's name): a GET of a file that is still being uploaded streams its bytes as the chunks
/// arrive, front to back, waiting for the next chunk when it is not there yet. Without this the reader would get the
/// empty placeholder.
/// </summary>
internal sealed class BeamSender(RegistrySet registries, TimeProvider time)
{
    /// <summary>How often a waiting reader looks again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>A reader gives up when the upload makes no progress for this long (the uploader may never come back).</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(5);

    /// <summary>Returns false when no upload is in progress for this path (the caller serves the file as it is).</summary>
    public async Task<bool> TrySendAsync(RequestContext rc, FileInfo placeholder)
    {
        var t = rc.Target;
        if (placeholder.Length != 0 || t.Volume is not { } vol)
        {
            return false;
        }
        var reg = registries.Opened.FirstOrDefault(r => r.VolumeRoot == vol.RealPath);
        if (reg is null)
        {
            return false;
        }
        var slash = t.Rel.LastIndexOf('/');
        var folder = slash < 0 ? "" : t.Rel[..slash];
        UploadJob? job;
        lock (reg.Gate)
        {
            job = reg.FindUnfinished(folder, t.Rel[(slash + 1)..]);
        }
        if (job is null)
        {
            return false;
        }
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = MimeTypes.ForName(job.Name);
        res.ContentLength = job.Size;
        res.Headers.CacheControl = "no-store";
        rc.Note = "race-the-beam";
        if (rc.IsHead)
        {
            return true;
        }
        using var handle = File.OpenHandle(Path.Combine(reg.VolumeRoot, job.Folder, job.PartialName), FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        var cs = job.ChunkSize;
        var ct = rc.Http.RequestAborted;
        var buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (var i = 0; i < job.Hashes.Length; i++)
            {
                if (!await WaitForChunkAsync(reg, job, i, ct))
                {
                    rc.Http.Abort(); // the uploader went away: end the response short rather than send holes
                    return true;
                }
                var start = i * cs;
                var end = Math.Min(job.Size, start + cs);
                for (var at = start; at < end;)
                {
                    var n = await RandomAccess.ReadAsync(handle, buf.AsMemory(0, (int)Math.Min(buf.Length, end - at)), at, ct);
                    if (n == 0)
                    {
                        rc.Http.Abort();
                        return true;
                    }
                    await res.Body.WriteAsync(buf.AsMemory(0, n), ct);
                    at += n;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
        return true;
    }

    private async Task<bool> WaitForChunkAsync(UploadRegistry reg, UploadJob job, int index, CancellationToken ct)
    {
        var since = time.GetTimestamp();
        var left = -1;
        while (true)
        {
            int now;
            lock (reg.Gate)
            {
                if (job.Done || !job.Need.Contains(job.Hashes[index]))
                {
                    return true;
                }
                now = job.Need.Count;
            }
            if (now != left)
            {
                left = now;
                since = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(since) > Stall)
            {
                return false;
            }
            await Task.Delay(Poll, time, ct);
        }
    }
}
