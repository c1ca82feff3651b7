using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace SharpParty.Media.Tags;

/// <summary>
/// A file opened for the built-in tag readers: positioned reads through <see cref="RandomAccess"/> (never the whole file),
/// with a budget on bytes, reads and wall time so that no hostile layout can keep a reader busy. When the budget runs
/// out every further read returns nothing and <see cref="Exhausted"/> is set; readers then return what they have.
/// </summary>
internal sealed class MediaFile : IDisposable
{
    /// <summary>Bytes a reader may pull from one file: tags and headers live in the first and last few hundred KiB.</summary>
    public const long DefaultByteBudget = 32L << 20;

    /// <summary>Positioned reads per file; each box/frame/page costs one or two.</summary>
    public const int DefaultReadBudget = 20_000;

    /// <summary>Wall time per file for the built-in readers (copyparty gives FFprobe 60 s; ours need milliseconds).</summary>
    public static readonly TimeSpan DefaultTimeBudget = TimeSpan.FromSeconds(5);

    private readonly SafeFileHandle _handle;
    private readonly CancellationToken _ct;
    private readonly long _deadline;
    private long _bytesLeft;
    private int _readsLeft;

    private MediaFile(SafeFileHandle handle, long length, long bytes, int reads, TimeSpan time, CancellationToken ct)
    {
        _handle = handle;
        Length = length;
        _ct = ct;
        _bytesLeft = bytes;
        _readsLeft = reads;
        _deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
    }

    public long Length { get; }

    public bool Exhausted { get; private set; }

    /// <summary>Opens a regular file for reading; null when it cannot be opened (gone, locked, a folder).</summary>
    public static MediaFile? Open(string path, CancellationToken ct, long byteBudget = DefaultByteBudget,
        int readBudget = DefaultReadBudget, TimeSpan? timeBudget = null)
    {
        try
        {
            var h = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            try
            {
                return new MediaFile(h, RandomAccess.GetLength(h), byteBudget, readBudget, timeBudget ?? DefaultTimeBudget, ct);
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Reads up to <paramref name="dest"/>.Length bytes at <paramref name="offset"/>; fewer at the end of the file, 0 past it or when the budget is spent.</summary>
    public int ReadAt(long offset, Span<byte> dest)
    {
        if (offset < 0 || offset >= Length || dest.IsEmpty || !Spend(dest.Length))
        {
            return 0;
        }

        var want = (int)Math.Min(dest.Length, Length - offset);
        var got = 0;
        try
        {
            while (got < want)
            {
                var n = RandomAccess.Read(_handle, dest.Slice(got, want - got), offset + got);
                if (n <= 0)
                {
                    break;
                }

                got += n;
            }
        }
        catch (IOException)
        {
            Exhausted = true;
        }

        return got;
    }

    /// <summary>True when all of <paramref name="dest"/> could be read.</summary>
    public bool TryRead(long offset, Span<byte> dest) => ReadAt(offset, dest) == dest.Length;

    /// <summary>
    /// Reads <paramref name="length"/> bytes into a new array, or as many as the file holds, never more than
    /// <paramref name="cap"/>: a declared length is a claim, not a fact.
    /// </summary>
    public byte[] ReadBlock(long offset, long length, int cap)
    {
        if (offset < 0 || offset >= Length || length <= 0)
        {
            return [];
        }

        var n = (int)Math.Min(Math.Min(length, cap), Length - offset);
        var buf = new byte[n];
        var got = ReadAt(offset, buf);
        return got == n ? buf : buf[..got];
    }

    public uint ReadUInt32BE(long offset, out bool ok)
    {
        Span<byte> b = stackalloc byte[4];
        ok = TryRead(offset, b);
        return ok ? BinaryPrimitives.ReadUInt32BigEndian(b) : 0;
    }

    private bool Spend(int bytes)
    {
        if (Exhausted)
        {
            return false;
        }

        if (_ct.IsCancellationRequested || --_readsLeft < 0 || (_bytesLeft -= bytes) < 0
            || Stopwatch.GetTimestamp() > _deadline)
        {
            Exhausted = true;
            return false;
        }

        return true;
    }

    public void Dispose() => _handle.Dispose();
}
