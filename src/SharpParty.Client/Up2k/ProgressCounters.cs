namespace SharpParty.Client.Up2k;

/// <summary>Shared tallies of a run, updated from many tasks with Interlocked and read by the progress line.</summary>
internal sealed class ProgressCounters
{
    public int TotalFiles;
    public long TotalBytes;
    public int DoneFiles;

    /// <summary>Bytes accounted for: confirmed chunks of unfinished files plus the whole size of finished ones.</summary>
    public long DoneBytes;

    /// <summary>Payload bytes put on the wire (retries included): the speed.</summary>
    public long SentBytes;

    public long HashedBytes;
    public int Uploaded;
    public int Found;
    public int NotFound;
    public int Skipped;
    public int Failed;

    public ProgressSnapshot Snapshot(TimeSpan elapsed) => new(
        Volatile.Read(ref DoneFiles), Volatile.Read(ref TotalFiles), Interlocked.Read(ref DoneBytes), Interlocked.Read(ref TotalBytes),
        Interlocked.Read(ref SentBytes), Interlocked.Read(ref HashedBytes), elapsed);
}

internal readonly record struct ProgressSnapshot(int DoneFiles, int TotalFiles, long DoneBytes, long TotalBytes, long SentBytes, long HashedBytes, TimeSpan Elapsed);
