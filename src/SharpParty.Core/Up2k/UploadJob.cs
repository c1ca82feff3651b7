namespace SharpParty.Core.Up2k;

/// <summary>
/// One up2k upload: what the client declared in its handshake, where the bytes go, and which chunks are still missing.
/// The declared part never changes after the handshake; the mutable part (<see cref="Need"/>, <see cref="Busy"/>,
/// <see cref="Done"/>) is only touched under the owning <see cref="UploadRegistry"/>'s lock.
/// </summary>
internal sealed class UploadJob
{
    /// <summary>Content wark (or the metadata wark on <c>noclone</c> volumes and for empty files).</summary>
    public required string Wark { get; init; }

    /// <summary>Content wark ("dwrk" on the wire); equals <see cref="Wark"/> except on <c>noclone</c> volumes.</summary>
    public required string DataWark { get; init; }

    /// <summary>Folder relative to the volume root, '/'-separated, "" for the root.</summary>
    public required string Folder { get; init; }

    /// <summary>The folder the client posted to; differs from <see cref="Folder"/> when rotation (<c>rotn</c>/<c>rotf</c>) chose a subfolder.</summary>
    public string? ClientFolder { get; init; }

    /// <summary>Final file name (after collision renaming or <c>rand</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The name the client asked for: a restarted client sends it again and resumes this job
    /// (copyparty answers 422 there when the name had been changed by a collision).</summary>
    public required string ClientName { get; init; }

    public required long Size { get; init; }

    /// <summary>Unix seconds to set as the file's mtime when it is complete.</summary>
    public required long Lmod { get; init; }

    /// <summary>Chunk hashes in file order, repeats included.</summary>
    public required string[] Hashes { get; init; }

    public required string User { get; init; }

    public required string Ip { get; set; }

    /// <summary>Unix seconds of the handshake that created the job.</summary>
    public required long Started { get; init; }

    /// <summary>Last activity (handshake or chunk), unix seconds: idle unfinished jobs are dropped after a while.</summary>
    public long Poked { get; set; }

    /// <summary>Requested lifetime in seconds (volume <c>lifetime</c> and the client's <c>life</c>), 0 = none.</summary>
    public long Life { get; init; }

    /// <summary>Unique hashes not yet confirmed, in file order (the handshake reply's <c>hash</c>).</summary>
    public List<string> Need { get; init; } = [];

    /// <summary>Hashes a request is writing right now: a second writer gets 400 until the first one is done.</summary>
    public HashSet<string> Busy { get; } = new(StringComparer.Ordinal);

    public bool Done { get; set; }

    /// <summary>Subchunk progress per chunk hash (spec §2.7): offset expected next and the running hash; in memory only.</summary>
    public Dictionary<string, SubchunkState> Subchunks { get; } = new(StringComparer.Ordinal);

    /// <summary>The partial file, open while the upload is unfinished; shared by all chunk writers (pwrite needs no seek).</summary>
    public PartialFile? Handle { get; set; }

    /// <summary>Where the bytes go until the last chunk: <c>NAME.PARTIAL</c> (<c>.NAME.PARTIAL</c> with <c>--dotpart</c>).</summary>
    public required string PartialName { get; init; }

    public long ChunkSize => Up2k.ChunkSize.For(Size);

    /// <summary>Chunk indexes of each hash (a repeated chunk, e.g. zeros, is received once and copied).</summary>
    public int[] IndexesOf(string hash)
    {
        var n = 0;
        foreach (var h in Hashes)
        {
            if (h == hash)
            {
                n++;
            }
        }
        var r = new int[n];
        n = 0;
        for (var i = 0; i < Hashes.Length; i++)
        {
            if (Hashes[i] == hash)
            {
                r[n++] = i;
            }
        }
        return r;
    }

    /// <summary>The unique hashes in file order (what compact stitched headers are resolved against).</summary>
    public List<string> UniqueHashes()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var r = new List<string>(Hashes.Length);
        foreach (var h in Hashes)
        {
            if (seen.Add(h))
            {
                r.Add(h);
            }
        }
        return r;
    }
}

/// <summary>A chunk sent in several POSTs: where the next slice must start, and the SHA-512 so far.</summary>
internal sealed class SubchunkState(long next, System.Security.Cryptography.IncrementalHash hash)
{
    public long Next { get; set; } = next;

    public System.Security.Cryptography.IncrementalHash Hash { get; } = hash;
}
