using SharpParty.Core.Up2k;

namespace SharpParty.Web.Up2k;

/// <summary>
/// <c>X-Up2k-Hash</c> in its three forms (spec §2.7): one hash; a comma list of full hashes (stitched chunks); or the
/// compact form <c>H1,N,P2P3…</c> — the first hash, a one-digit prefix length, then the first N chars of each
/// following chunk's hash, resolved against the job's unique hashes (<see cref="Expand"/>).
/// </summary>
internal readonly record struct ChunkHeader(string[] Hashes, int PrefixLength)
{
    public bool IsCompact => PrefixLength > 0;

    public static bool TryParse(string header, out ChunkHeader parsed, out string error)
    {
        parsed = default;
        error = "";
        var parts = header.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 3 && parts[1].Length == 1)
        {
            if (parts[1][0] is < '1' or > '9' || !Up2kHash.IsValid(parts[0]) || parts[2].Length % (parts[1][0] - '0') != 0)
            {
                error = "bad X-Up2k-Hash: compact form needs H1,N,PREFIXES with N in 1-9 and whole prefixes";
                return false;
            }
            var n = parts[1][0] - '0';
            var list = new string[1 + (parts[2].Length / n)];
            list[0] = parts[0];
            for (var i = 1; i < list.Length; i++)
            {
                list[i] = parts[2].Substring((i - 1) * n, n);
            }
            parsed = new ChunkHeader(list, n);
            return true;
        }
        foreach (var p in parts)
        {
            if (!Up2kHash.IsValid(p))
            {
                error = "at least one hash is not according to spec: " + (p.Length < Up2kHash.Length ? "short" : "long");
                return false;
            }
        }
        parsed = new ChunkHeader(parts, 0);
        return true;
    }

    /// <summary>Resolves compact prefixes to full hashes: each must start the next unique hash after the previous one.</summary>
    public bool TryExpand(UploadJob job, out string[] full, out string error)
    {
        full = Hashes;
        error = "";
        if (!IsCompact)
        {
            return true;
        }
        var uniq = job.UniqueHashes();
        var at = uniq.IndexOf(Hashes[0]);
        if (at < 0)
        {
            error = $"unknown chunk0 [{Hashes[0]}]";
            return false;
        }
        full = new string[Hashes.Length];
        full[0] = Hashes[0];
        for (var i = 1; i < Hashes.Length; i++)
        {
            at++;
            if (at >= uniq.Count || !uniq[at].StartsWith(Hashes[i], StringComparison.Ordinal))
            {
                error = $"next sibling chunk does not start with expected prefix [{Hashes[i]}]: [{(at < uniq.Count ? uniq[at] : "")}]";
                return false;
            }
            full[i] = uniq[at];
        }
        return true;
    }
}
