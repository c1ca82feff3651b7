using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Storage;

namespace SharpParty.Core.Up2k;

/// <summary>
/// An unfinished upload's file, open twice: an O_DIRECT handle for the aligned chunk writes (most of the bytes; see
/// <see cref="DirectIo"/>) and an ordinary one for everything else (unaligned subchunk slices, copies of repeated
/// chunks, the final size). The kernel keeps the two coherent: a direct write flushes and drops cached pages in its range.
/// </summary>
internal sealed class PartialFile : IDisposable
{
    private PartialFile(SafeFileHandle buffered, SafeFileHandle? direct)
    {
        Buffered = buffered;
        Direct = direct;
    }

    public SafeFileHandle Buffered { get; }

    /// <summary>Null where the filesystem refuses O_DIRECT.</summary>
    public SafeFileHandle? Direct { get; }

    /// <summary>Files below this size skip the O_DIRECT handle: one open(2) fewer per small file, and the page-cache cost
    /// it saves only matters for big bodies.</summary>
    public const long DirectFrom = 1 << 20;

    public static PartialFile Open(string path, long size)
    {
        var buffered = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new PartialFile(buffered, size >= DirectFrom ? DirectIo.TryOpen(path, createNew: false, readWrite: true) : null);
    }

    /// <summary>Padded direct writes may have run past the end: the file gets its exact size back.</summary>
    public void CutTo(long size)
    {
        if (Direct is not null && RandomAccess.GetLength(Buffered) != size)
        {
            RandomAccess.SetLength(Buffered, size);
        }
    }

    public void Dispose()
    {
        Direct?.Dispose();
        Buffered.Dispose();
    }
}
