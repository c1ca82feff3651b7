namespace SharpParty.Core.Up2k;

/// <summary>
/// The up2k chunk size for a file size: the same ladder in copyparty's server, u2c.py and up2k.js (spec §2.3), so
/// client and server agree on chunk boundaries without saying them. 1 MiB up to 256 chunks, then growing by ×1.5 and
/// ×4/3 in turn; from 32 MiB on, up to 4096 chunks are allowed before it grows again.
/// </summary>
internal static class ChunkSize
{
    private const long Start = 1 << 20;
    private const long FirstStep = 512 << 10;
    private const long Big = 32L << 20;

    public static long For(long fileSize)
    {
        var cs = Start;
        var step = FirstStep;
        while (true)
        {
            for (var phase = 0; phase < 2; phase++)
            {
                var n = Chunks(fileSize, cs);
                if (n <= 256 || (cs >= Big && n <= 4096))
                {
                    return cs;
                }
                cs += step;
            }
            step *= 2;
        }
    }

    /// <summary>Number of chunks of <paramref name="chunkSize"/> that hold <paramref name="fileSize"/> bytes (0 for an empty file).</summary>
    public static long Chunks(long fileSize, long chunkSize) => fileSize <= 0 ? 0 : ((fileSize - 1) / chunkSize) + 1;
}
