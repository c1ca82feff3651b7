namespace SharpParty.Core.Up2k;

/// <summary>
/// The end of an upload (spec §2.7): when the last missing chunk is confirmed, the partial file is renamed over the
/// placeholder in one atomic step, gets the client's mtime, and the job is journaled as done. Readers of the final
/// name see either the empty placeholder or the whole file, never a part of it.
/// </summary>
internal static class JobFinisher
{
    public static bool TryFinish(UploadRegistry reg, UploadJob job, out string error)
    {
        error = "";
        lock (reg.Gate)
        {
            if (job.Done || job.Need.Count > 0 || job.Busy.Count > 0)
            {
                return true; // someone else finishes it, or it is not complete
            }
            try
            {
                job.Handle?.CutTo(job.Size);
            }
            catch (IOException)
            {
                // checked below: the moved file must have the right size
            }
            job.Handle?.Dispose();
            job.Handle = null;
        }
        var dir = Path.Combine(reg.VolumeRoot, job.Folder);
        var final = Path.Combine(dir, job.Name);
        try
        {
            File.Move(Path.Combine(dir, job.PartialName), final, overwrite: true);
            File.SetLastWriteTimeUtc(final, DateTime.UnixEpoch.AddSeconds(job.Lmod));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            if (!File.Exists(final) || new FileInfo(final).Length != job.Size)
            {
                lock (reg.Gate)
                {
                    reg.Forget(job);
                }
                error = "the upload could not be moved into place (was its partial file deleted?)";
                return false;
            }
        }
        lock (reg.Gate)
        {
            reg.MarkDone(job);
        }
        return true;
    }
}
