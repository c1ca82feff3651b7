namespace SharpParty.Core.Up2k;

/// <summary>
/// The up2k uploads of one volume, by wark: unfinished ones (with the chunks they still need) and recently finished
/// ones (so that a dupe is recognised without the index, as copyparty's "droppable" entries). Every change is journaled
/// before it is acknowledged (<see cref="RegistryJournal"/>). Callers take <see cref="Gate"/> around each look-and-change;
/// file I/O (chunk bytes, copies, the final rename) happens outside it.
/// </summary>
internal sealed class UploadRegistry : IDisposable
{
    /// <summary>Finished uploads remembered for dedup without an index (copyparty's <c>--reg-cap</c>).</summary>
    public const int FinishedCap = 38400;

    private readonly Dictionary<string, UploadJob> _jobs;
    private readonly RegistryJournal _journal;

    private UploadRegistry(string volumeRoot, RegistryJournal journal, Dictionary<string, UploadJob> jobs)
    {
        VolumeRoot = volumeRoot;
        _journal = journal;
        _jobs = jobs;
    }

    public Lock Gate { get; } = new();

    /// <summary>Real path of the volume root: job folders are relative to it.</summary>
    public string VolumeRoot { get; }

    /// <summary>
    /// Opens the registry of a volume: replays its journal, drops unfinished jobs whose files vanished or that sat idle
    /// longer than <paramref name="dropIdleSeconds"/> (copyparty's <c>--snap-drop</c>), and compacts the journal.
    /// </summary>
    public static UploadRegistry Open(string volumeRoot, string journalPath, long now, long dropIdleSeconds)
    {
        var journal = new RegistryJournal(journalPath);
        var jobs = journal.Load();
        foreach (var job in jobs.Values.ToList())
        {
            if (job.Done)
            {
                continue;
            }
            var final = Path.Combine(volumeRoot, job.Folder, job.Name);
            var partial = Path.Combine(volumeRoot, job.Folder, job.PartialName);
            var partialThere = File.Exists(partial);
            if (!partialThere && job.Need.Count == 0 && File.Exists(final) && new FileInfo(final).Length == job.Size)
            {
                // stopped between the final rename and its journal line: the file is complete
                job.Done = true;
                continue;
            }
            if (!partialThere || !File.Exists(final) || now - job.Poked > dropIdleSeconds)
            {
                jobs.Remove(job.Wark);
                DeleteLeftovers(final, partial);
            }
        }
        var reg = new UploadRegistry(volumeRoot, journal, jobs);
        reg.TrimFinished();
        journal.Compact(jobs.Values);
        return reg;
    }

    /// <summary>An abandoned upload leaves its 0-byte placeholder and its partial file: both go.</summary>
    private static void DeleteLeftovers(string final, string partial)
    {
        try
        {
            if (File.Exists(final) && new FileInfo(final).Length == 0)
            {
                File.Delete(final);
            }
            File.Delete(partial);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort; a leftover partial file is visible and can be deleted by hand
        }
    }

    /// <summary>Call under <see cref="Gate"/>.</summary>
    public UploadJob? Find(string wark) => _jobs.GetValueOrDefault(wark);

    /// <summary>Snapshot of all jobs (unfinished and remembered finished ones); takes the lock itself.</summary>
    public List<UploadJob> All()
    {
        lock (Gate)
        {
            return [.. _jobs.Values];
        }
    }

    /// <summary>Call under <see cref="Gate"/>: the unfinished upload whose final name is folder/name, if any.</summary>
    public UploadJob? FindUnfinished(string folder, string name)
    {
        foreach (var j in _jobs.Values)
        {
            if (!j.Done && j.Name == name && j.Folder == folder)
            {
                return j;
            }
        }
        return null;
    }

    /// <summary>Call under <see cref="Gate"/>: the job (finished or not) whose final name is folder/name.</summary>
    public UploadJob? FindByPath(string folder, string name)
    {
        UploadJob? best = null;
        foreach (var j in _jobs.Values)
        {
            if (j.Name == name && j.Folder == folder && (best is null || (!j.Done && best.Done) || j.Started > best.Started))
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Call under <see cref="Gate"/>. Replaces any job with the same wark.</summary>
    public void Add(UploadJob job)
    {
        _jobs[job.Wark] = job;
        _journal.Append(new JournalRecord { Op = "new", Job = JobRecord.From(job) });
        if (job.Done)
        {
            TrimFinished();
        }
        MaybeCompact();
    }

    /// <summary>Call under <see cref="Gate"/>, after the chunk's bytes are in the file. Returns the count still needed.</summary>
    public int Confirm(UploadJob job, string hash)
    {
        if (job.Need.Remove(hash))
        {
            _journal.Append(new JournalRecord { Op = "got", Wark = job.Wark, Hash = hash });
        }
        return job.Need.Count;
    }

    /// <summary>Call under <see cref="Gate"/>, after the file is in place under its final name.</summary>
    public void MarkDone(UploadJob job)
    {
        job.Done = true;
        job.Need.Clear();
        _journal.Append(new JournalRecord { Op = "done", Wark = job.Wark });
        TrimFinished();
    }

    /// <summary>Call under <see cref="Gate"/>.</summary>
    public void Forget(UploadJob job)
    {
        if (_jobs.TryGetValue(job.Wark, out var cur) && ReferenceEquals(cur, job))
        {
            _jobs.Remove(job.Wark);
            _journal.Append(new JournalRecord { Op = "drop", Wark = job.Wark });
        }
    }

    private void TrimFinished()
    {
        var finished = 0;
        foreach (var j in _jobs.Values)
        {
            finished += j.Done ? 1 : 0;
        }
        if (finished <= FinishedCap)
        {
            return;
        }
        foreach (var j in _jobs.Values.Where(j => j.Done).OrderBy(j => j.Started).Take(finished - FinishedCap).ToList())
        {
            _jobs.Remove(j.Wark);
        }
    }

    private void MaybeCompact()
    {
        // the journal holds a line per chunk; rewrite it once it is much longer than what is live
        if (_journal.Records > 4096 + (8L * _jobs.Count))
        {
            _journal.Compact(_jobs.Values);
        }
    }

    /// <summary>Closes the partial files that are open and the journal (graceful stop).</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            foreach (var j in _jobs.Values)
            {
                j.Handle?.Dispose();
                j.Handle = null;
            }
            _journal.Dispose();
        }
    }
}
