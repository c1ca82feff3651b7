using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Storage;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// Writes an FTP upload's pieces at their file offsets the way an HTTP PUT body is written (<see cref="DirectIo"/>):
/// whole 4 KiB blocks at aligned offsets bypass the page cache (O_DIRECT, a third of the kernel CPU per GiB), the rest
/// (a REST offset's unaligned start, the last short piece, TYPE A output) goes through the plan's ordinary handle; the
/// kernel keeps the two coherent. The O_DIRECT handle is opened on the first full piece only, so a small file costs no
/// extra open(2). No fsync, as PUT (copyparty does not either); the file is complete when the rename happens.
/// </summary>
internal sealed class UploadWriter(SafeFileHandle buffered, string path) : IDisposable
{
    /// <summary>Pieces at least this big are worth the O_DIRECT handle.</summary>
    public const int DirectFrom = 1 << 20;

    private SafeFileHandle? _direct;
    private bool _tried;

    /// <summary>Writes <paramref name="data"/> at <paramref name="at"/>. <paramref name="aligned"/> says the memory
    /// starts on a 4 KiB boundary (an <see cref="AlignedBuffer"/>), which O_DIRECT needs as much as the offset.</summary>
    public void Write(ReadOnlySpan<byte> data, long at, bool aligned)
    {
        var whole = data.Length & ~(DirectIo.Align - 1);
        if (aligned && whole >= DirectFrom && (at & (DirectIo.Align - 1)) == 0 && Direct() is { } d)
        {
            RandomAccess.Write(d, data[..whole], at);
            data = data[whole..];
            at += whole;
        }
        if (!data.IsEmpty)
        {
            RandomAccess.Write(buffered, data, at);
        }
    }

    private SafeFileHandle? Direct()
    {
        if (!_tried)
        {
            _tried = true;
            _direct = DirectIo.TryOpen(path, createNew: false);
        }
        return _direct;
    }

    /// <summary>Closes the O_DIRECT handle; the ordinary one belongs to the plan.</summary>
    public void Dispose() => _direct?.Dispose();
}
