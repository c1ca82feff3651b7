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

    /// <summary>Jobs by "folder/name" (a name has no slash), so path lookups (index scans ask once per file, unpost,
    /// race-the-beam GETs) do not walk up to <see cref="FinishedCap"/> jobs each.</summary>
    private readonly Dictionary<string, List<UploadJob>> _byPath = new(StringComparer.Ordinal);

    /// <summary>How many jobs are <see cref="UploadJob.Done"/>: counting them on every finished upload was O(n) per
    /// file (2.6% of the server's CPU for 2,000 small files, measured with perf).</summary>
    private int _doneCount;

    private UploadRegistry(string volumeRoot, RegistryJournal journal, Dictionary<string, UploadJob> jobs)
    {
        VolumeRoot = volumeRoot;
        _journal = journal;
        _jobs = jobs;
        foreach (var j in jobs.Values)
        {
            Track(j);
        }
    }

    private static string PathKey(string folder, string name) => folder + "/" + name;

    private void Track(UploadJob job)
    {
        var key = PathKey(job.Folder, job.Name);
        if (!_byPath.TryGetValue(key, out var list))
        {
            _byPath[key] = list = new List<UploadJob>(1);
        }
        list.Add(job);
        _doneCount += job.Done ? 1 : 0;
    }

    private void Untrack(UploadJob job)
    {
        var key = PathKey(job.Folder, job.Name);
        if (_byPath.TryGetValue(key, out var list) && list.Remove(job))
        {
            _doneCount -= job.Done ? 1 : 0;
            if (list.Count == 0)
            {
                _byPath.Remove(key);
            }
        }
    }

    /// <summary>Removes a job from the table and the path index (the journal is the caller's business).</summary>
    private void RemoveJob(UploadJob job)
    {
        _jobs.Remove(job.Wark);
        Untrack(job);
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
        if (_byPath.TryGetValue(PathKey(folder, name), out var list))
        {
            foreach (var j in list)
            {
                if (!j.Done)
                {
                    return j;
                }
            }
        }
        return null;
    }

    /// <summary>Call under <see cref="Gate"/>: the job (finished or not) whose final name is folder/name.</summary>
    public UploadJob? FindByPath(string folder, string name)
    {
        UploadJob? best = null;
        if (!_byPath.TryGetValue(PathKey(folder, name), out var list))
        {
            return null;
        }
        foreach (var j in list)
        {
            // an unfinished upload first (it is what unpost aborts), else the newest; not the order of the list
            if (best is null || (!j.Done && best.Done) || (j.Done == best.Done && j.Started > best.Started))
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Call under <see cref="Gate"/>. Replaces any job with the same wark.</summary>
    public void Add(UploadJob job)
    {
        if (_jobs.TryGetValue(job.Wark, out var old))
        {
            Untrack(old);
        }
        _jobs[job.Wark] = job;
        Track(job);
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
        if (!job.Done && _jobs.TryGetValue(job.Wark, out var cur) && ReferenceEquals(cur, job))
        {
            _doneCount++;
        }
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
            RemoveJob(job);
            _journal.Append(new JournalRecord { Op = "drop", Wark = job.Wark });
        }
    }

    private void TrimFinished()
    {
        if (_doneCount <= FinishedCap)
        {
            return;
        }
        // drop the oldest down to 90% of the cap, so the sort runs once per FinishedCap/10 uploads, not on each one
        var drop = _doneCount - (FinishedCap - (FinishedCap / 10));
        foreach (var j in _jobs.Values.Where(j => j.Done).OrderBy(j => j.Started).Take(drop).ToList())
        {
            RemoveJob(j);
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
