namespace SharpParty.Client.Up2k;

/// <summary>One POST's worth of needed chunks: consecutive in the file, sent as one body.</summary>
/// <param name="Hashes">the chunk hashes in file order (the first names the slice on the wire)</param>
internal sealed record ChunkSlice(string[] Hashes, long Offset, long Length);

/// <summary>One HTTP request of a slice: the whole slice, or with <see cref="SubchunkOffset"/> a piece of a single big chunk.</summary>
internal readonly record struct PostPart(long Offset, long Length, long? SubchunkOffset);

/// <summary>
/// Decides how the chunks a server asked for travel: consecutive chunks are stitched into one POST of about
/// <c>--sz</c> bytes (fewer requests; copyparty 1.13.5+ and SharpParty accept it), and a single chunk larger than
/// <c>--szm</c> is cut into X-Up2k-Subc pieces (1.15.8+), so no POST exceeds what a proxy lets through.
/// </summary>
internal static class StitchPlanner
{
    /// <param name="need">the server's list of missing chunks (unique hashes, file order)</param>
    /// <param name="locate">offset and length of a hash's first occurrence in the file (the server copies the others)</param>
    /// <param name="noJoin">the server refused a stitched POST of this file: one chunk per POST from now on (as u2c)</param>
    /// <param name="spread">cut the stitched POSTs so that at least this many exist, letting -j connections share a mid-size file</param>
    public static List<ChunkSlice> Plan(IReadOnlyList<string> need, Func<string, (long Offset, long Length)> locate, long chunkSize,
        long stitchBytes, long maxPost, bool noJoin, int spread)
    {
        var slices = new List<ChunkSlice>();
        if (need.Count == 0)
        {
            return slices;
        }
        // never stitch past the POST cap; "--sz 1" with 1.5 MiB chunks means no stitching at all (u2c: sz // chunksize)
        var maxJoin = noJoin ? 1 : (int)Math.Max(1, Math.Min(stitchBytes, maxPost) / chunkSize);
        if (spread > 1)
        {
            maxJoin = Math.Max(1, Math.Min(maxJoin, (int)Math.Ceiling(need.Count / (double)spread)));
        }
        var i = 0;
        while (i < need.Count)
        {
            var (off, len) = locate(need[i]);
            var n = 1;
            while (n < maxJoin && i + n < need.Count)
            {
                var (o2, l2) = locate(need[i + n]);
                if (o2 != off + len)
                {
                    break; // only siblings can be stitched
                }
                len += l2;
                n++;
            }
            slices.Add(new ChunkSlice(need.Skip(i).Take(n).ToArray(), off, len));
            i += n;
        }
        return slices;
    }

    /// <summary>The requests for one slice, in the order they must be sent (subchunks of a chunk are strictly sequential).</summary>
    public static List<PostPart> Parts(ChunkSlice slice, long maxPost)
    {
        if (slice.Length <= maxPost)
        {
            return [new PostPart(slice.Offset, slice.Length, null)];
        }
        var parts = new List<PostPart>();
        for (long sub = 0; sub < slice.Length; sub += maxPost)
        {
            parts.Add(new PostPart(slice.Offset + sub, Math.Min(maxPost, slice.Length - sub), sub));
        }
        return parts;
    }

    /// <summary>
    /// The X-Up2k-Hash value: one hash, or copyparty 1.13.8's compact form "H1,N,P2P3…" where N = clamp(192 / count, 2, 9)
    /// leading characters of each following hash are enough for the server to pick them from its list.
    /// </summary>
    public static string HashHeader(IReadOnlyList<string> hashes)
    {
        if (hashes.Count == 1)
        {
            return hashes[0];
        }
        var n = Math.Clamp(192 / hashes.Count, 2, 9);
        var sb = new System.Text.StringBuilder(44 + 3 + (n * hashes.Count));
        sb.Append(hashes[0]).Append(',').Append((char)('0' + n)).Append(',');
        for (var i = 1; i < hashes.Count; i++)
        {
            sb.Append(hashes[i].AsSpan(0, n));
        }
        return sb.ToString();
    }
}
