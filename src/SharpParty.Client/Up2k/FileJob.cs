namespace SharpParty.Client.Up2k;

/// <summary>
/// One local file on its way to the server: its chunk hashes once hashed, then what the handshakes taught us
/// (final name, chunk URL, wark). Owned by one <see cref="FileDriver"/> at a time, so it needs no locks.
/// </summary>
internal sealed class FileJob(LocalEntry entry)
{
    public LocalEntry Entry { get; } = entry;

    public long ChunkSize { get; private set; }

    /// <summary>Every chunk's hash in file order, duplicates included (what the handshake sends).</summary>
    public string[] Hashes { get; private set; } = [];

    /// <summary>Where each distinct hash first occurs: the bytes sent for it (the server copies repeats itself).</summary>
    private Dictionary<string, int> _firstIndex = new(StringComparer.Ordinal);

    public TimeSpan HashTime { get; private set; }

    /// <summary>The folder URL path the handshake goes to; after the first reply, the server's <c>purl</c> (quoted).</summary>
    public string? Url { get; set; }

    /// <summary>The server's name for the file (it may rename on collision).</summary>
    public string? RemoteName { get; set; }

    public string Wark { get; set; } = "";

    /// <summary>Handshakes made so far; u2c gives up on a file after 32.</summary>
    public int Handshakes { get; set; }

    /// <summary>The server refused a stitched POST: one chunk per POST from now on (u2c's nojoin).</summary>
    public bool NoJoin { get; set; }

    /// <summary>Payload bytes of this file sent so far (for --spd and the summary).</summary>
    public long SentBytes;

    /// <summary>Bytes of this file the server confirmed (counted once into the run's DoneBytes).</summary>
    public long ConfirmedBytes;

    /// <summary>A chunk reply said the server has the whole file (SharpParty's <c>X-Up2k-Left: 0</c>).</summary>
    public bool ServerCompleted { get; set; }

    /// <summary>When the first chunk of this file went out (for --spd).</summary>
    public TimeSpan? UploadStart { get; set; }

    public void SetHashes(long chunkSize, string[] hashes, TimeSpan took)
    {
        ChunkSize = chunkSize;
        Hashes = hashes;
        HashTime = took;
        var first = new Dictionary<string, int>(hashes.Length, StringComparer.Ordinal);
        for (var i = 0; i < hashes.Length; i++)
        {
            first.TryAdd(hashes[i], i);
        }
        _firstIndex = first;
    }

    /// <summary>Offset and length of the first chunk with this hash; false for a hash we never computed.</summary>
    public bool TryLocate(string hash, out long offset, out long length)
    {
        if (!_firstIndex.TryGetValue(hash, out var i))
        {
            offset = length = 0;
            return false;
        }
        offset = i * ChunkSize;
        length = Math.Min(ChunkSize, Entry.Size - offset);
        return true;
    }
}
