using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SharpParty.Web.Archive;

/// <summary>
/// Writes a zip to a forward-only stream (PKWARE APPNOTE 6.3.x), entry by entry, never seeking and never holding a
/// file in memory. Files are stored, not deflated (as copyparty: media does not shrink, and CPU would cap the speed);
/// the CRC-32 is computed while the bytes go out and follows each file in a data descriptor (flag bit 3), unless
/// <c>?zip=crc</c> asked for it up front (a first pass over the file) for unzippers that cannot read descriptors.
/// Zip64 records appear only where a value does not fit (a file or offset of 4 GiB or more, 65535+ entries).
/// </summary>
internal sealed class ZipWriter(PipeWriter output, bool forceUtf8, bool preCrc)
{
    private const uint LocalSig = 0x04034b50;
    private const uint CentralSig = 0x02014b50;
    private const uint DescriptorSig = 0x08074b50;
    private const uint EndSig = 0x06054b50;
    private const uint End64Sig = 0x06064b50;
    private const uint End64LocatorSig = 0x07064b50;
    private const ushort FlagDescriptor = 1 << 3;
    private const ushort FlagUtf8 = 1 << 11;
    private const uint Max32 = 0xFFFFFFFF;

    /// <summary>Bytes per read of a file, read straight into the response pipe's memory (architecture rule 5: the
    /// measured fast path); large enough that each read and socket write is one syscall of real work.</summary>
    private const int CopyBuffer = 1 << 20;

    /// <summary>Headers of small files are gathered up to this much before the pipe is flushed.</summary>
    private const int FlushEvery = 64 * 1024;

    private long _unflushed;

    private static readonly Encoding Cp437 = CodePage437();

    private readonly List<CentralRecord> _central = [];
    private long _pos;

    private readonly record struct CentralRecord(byte[] Name, bool Utf8, bool IsDir, uint Crc, long Size, long Offset, uint DosTime, uint MTime, bool Descriptor);

    public async Task AddDirectoryAsync(string name, long mtime, CancellationToken ct)
    {
        var (bytes, utf8) = EncodeName(name);
        var rec = new CentralRecord(bytes, utf8, true, 0, 0, _pos, DosTime(mtime), (uint)Math.Clamp(mtime, 0, uint.MaxValue), false);
        await WriteAsync(LocalHeader(rec), ct);
        _central.Add(rec);
    }

    /// <summary>Adds a file; false (nothing written) when it cannot be opened any more.</summary>
    public async Task<bool> AddFileAsync(string name, string fsPath, long mtime, CancellationToken ct)
    {
        SafeFileHandle fh;
        try
        {
            fh = File.OpenHandle(fsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        using (fh)
        {
            // the size as of opening is what goes into the archive, even if the file grows meanwhile
            var size = RandomAccess.GetLength(fh);
            uint crc = 0;
            if (preCrc)
            {
                crc = await CrcAsync(fh, size, ct);
            }
            var (bytes, utf8) = EncodeName(name);
            var rec = new CentralRecord(bytes, utf8, false, crc, size, _pos, DosTime(mtime), (uint)Math.Clamp(mtime, 0, uint.MaxValue), !preCrc);
            await WriteAsync(LocalHeader(rec), ct);
            var hasher = preCrc ? null : new Crc32();
            long at = 0;
            while (at < size)
            {
                var mem = output.GetMemory((int)Math.Min(CopyBuffer, size - at));
                var want = (int)Math.Min(mem.Length, size - at);
                var n = await RandomAccess.ReadAsync(fh, mem[..want], at, ct);
                if (n == 0)
                {
                    // the file shrank under us: the entry would lie about its size, so the archive is cut off here
                    throw new IOException("file shrank while being archived: " + name);
                }
                hasher?.Append(mem.Span[..n]);
                output.Advance(n);
                at += n;
                _pos += n;
                _unflushed += n;
                await FlushIfDueAsync(ct);
            }
            if (hasher is not null)
            {
                rec = rec with { Crc = hasher.GetCurrentHashAsUInt32() };
                await WriteAsync(Descriptor(rec), ct);
            }
            _central.Add(rec);
            return true;
        }
    }

    /// <summary>The central directory and the end records; the archive is complete after this.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        var cdStart = _pos;
        var batch = new MemoryStream(64 * 1024);
        foreach (var rec in _central)
        {
            var h = CentralHeader(rec);
            batch.Write(h);
            if (batch.Length >= 60 * 1024)
            {
                await WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), ct);
                batch.SetLength(0);
            }
        }
        if (batch.Length > 0)
        {
            await WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), ct);
        }
        var cdSize = _pos - cdStart;
        var count = _central.Count;
        var needs64 = count >= 0xFFFF || cdStart >= Max32 || cdSize >= Max32;
        var tail = new byte[(needs64 ? 56 + 20 : 0) + 22];
        var t = tail.AsSpan();
        if (needs64)
        {
            // APPNOTE 4.3.14: zip64 end of central directory record, then its locator (4.3.15)
            var end64At = _pos;
            BinaryPrimitives.WriteUInt32LittleEndian(t, End64Sig);
            BinaryPrimitives.WriteUInt64LittleEndian(t[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(t[12..], 0x031E);
            BinaryPrimitives.WriteUInt16LittleEndian(t[14..], 45);
            BinaryPrimitives.WriteUInt64LittleEndian(t[24..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(t[32..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(t[40..], (ulong)cdSize);
            BinaryPrimitives.WriteUInt64LittleEndian(t[48..], (ulong)cdStart);
            t = t[56..];
            BinaryPrimitives.WriteUInt32LittleEndian(t, End64LocatorSig);
            BinaryPrimitives.WriteUInt64LittleEndian(t[8..], (ulong)end64At);
            BinaryPrimitives.WriteUInt32LittleEndian(t[16..], 1);
            t = t[20..];
        }
        BinaryPrimitives.WriteUInt32LittleEndian(t, EndSig);
        BinaryPrimitives.WriteUInt16LittleEndian(t[8..], (ushort)Math.Min(count, 0xFFFF));
        BinaryPrimitives.WriteUInt16LittleEndian(t[10..], (ushort)Math.Min(count, 0xFFFF));
        BinaryPrimitives.WriteUInt32LittleEndian(t[12..], (uint)Math.Min(cdSize, Max32));
        BinaryPrimitives.WriteUInt32LittleEndian(t[16..], (uint)Math.Min(cdStart, Max32));
        await WriteAsync(tail, ct);
    }

    private static byte[] LocalHeader(CentralRecord r)
    {
        // a local header carries the sizes when known (they are: the size as opened), which infozip also does with
        // bit 3 set; zip64 sizes go into the extra field (APPNOTE 4.5.3) and then the descriptor has 8-byte sizes too
        var z64 = r.Size >= Max32;
        var extra = 9 + (z64 ? 20 : 0);
        var h = new byte[30 + r.Name.Length + extra];
        var s = h.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, LocalSig);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], (ushort)(z64 ? 45 : r.IsDir ? 20 : 10));
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], Flags(r));
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], 0); // stored
        BinaryPrimitives.WriteUInt32LittleEndian(s[10..], r.DosTime);
        BinaryPrimitives.WriteUInt32LittleEndian(s[14..], r.Descriptor ? 0 : r.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[18..], z64 ? Max32 : (uint)r.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[22..], z64 ? Max32 : (uint)r.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], (ushort)r.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)extra);
        r.Name.CopyTo(s[30..]);
        var x = s[(30 + r.Name.Length)..];
        WriteTimestampExtra(x, r.MTime);
        if (z64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(x[9..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(x[11..], 16);
            BinaryPrimitives.WriteUInt64LittleEndian(x[13..], (ulong)r.Size);
            BinaryPrimitives.WriteUInt64LittleEndian(x[21..], (ulong)r.Size);
        }
        return h;
    }

    private static byte[] Descriptor(CentralRecord r)
    {
        var z64 = r.Size >= Max32;
        var d = new byte[z64 ? 24 : 16];
        BinaryPrimitives.WriteUInt32LittleEndian(d, DescriptorSig);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(4), r.Crc);
        if (z64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(8), (ulong)r.Size);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(16), (ulong)r.Size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8), (uint)r.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), (uint)r.Size);
        }
        return d;
    }

    private static byte[] CentralHeader(CentralRecord r)
    {
        var bigSize = r.Size >= Max32;
        var bigOffset = r.Offset >= Max32;
        var z64Len = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
        var extra = 9 + (z64Len > 0 ? 4 + z64Len : 0);
        var h = new byte[46 + r.Name.Length + extra];
        var s = h.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, CentralSig);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 0x031E); // made by: unix, APPNOTE 3.0
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], (ushort)(z64Len > 0 ? 45 : r.IsDir ? 20 : 10));
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], Flags(r));
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], r.DosTime);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], r.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], bigSize ? Max32 : (uint)r.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(s[24..], bigSize ? Max32 : (uint)r.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)r.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[30..], (ushort)extra);
        // unix mode in the high half (0644 files, 0755 folders) and the MS-DOS folder bit
        BinaryPrimitives.WriteUInt32LittleEndian(s[38..], r.IsDir ? (0x41EDu << 16) | 0x10 : 0x81A4u << 16);
        BinaryPrimitives.WriteUInt32LittleEndian(s[42..], bigOffset ? Max32 : (uint)r.Offset);
        r.Name.CopyTo(s[46..]);
        var x = s[(46 + r.Name.Length)..];
        WriteTimestampExtra(x, r.MTime);
        if (z64Len > 0)
        {
            var z = x[9..];
            BinaryPrimitives.WriteUInt16LittleEndian(z, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(z[2..], (ushort)z64Len);
            var at = 4;
            if (bigSize)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(z[at..], (ulong)r.Size);
                BinaryPrimitives.WriteUInt64LittleEndian(z[(at + 8)..], (ulong)r.Size);
                at += 16;
            }
            if (bigOffset)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(z[at..], (ulong)r.Offset);
            }
        }
        return h;
    }

    /// <summary>Extended timestamp (0x5455, Info-ZIP): the mtime in UTC seconds, which DOS time cannot hold.</summary>
    private static void WriteTimestampExtra(Span<byte> x, uint mtime)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(x, 0x5455);
        BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 5);
        x[4] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(x[5..], mtime);
    }

    private static ushort Flags(CentralRecord r) => (ushort)((r.Descriptor ? FlagDescriptor : 0) | (r.Utf8 ? FlagUtf8 : 0));

    /// <summary>
    /// Names in CP437 (the zip default every unzipper reads) when every character fits; otherwise UTF-8 with the
    /// language-encoding flag (APPNOTE appendix D), or always with <c>?zip=utf8</c>. copyparty turns characters CP437
    /// lacks into '_' unless asked for utf8; we keep the name instead.
    /// </summary>
    private (byte[] Bytes, bool Utf8) EncodeName(string name)
    {
        if (!forceUtf8)
        {
            var bytes = Cp437.GetBytes(name);
            if (Cp437.GetString(bytes) == name)
            {
                return (bytes, false);
            }
        }
        return (Encoding.UTF8.GetBytes(name), true);
    }

    private static Encoding CodePage437()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(437, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    }

    /// <summary>MS-DOS date and time (local fields, here UTC as copyparty), 2-second resolution, 1980 at the earliest.</summary>
    private static uint DosTime(long unix)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unix, 315532800, 4354819199)).UtcDateTime;
        var date = ((t.Year - 1980) << 9) | (t.Month << 5) | t.Day;
        var time = (t.Hour << 11) | (t.Minute << 5) | (t.Second / 2);
        return (uint)((date << 16) | time);
    }

    private static async Task<uint> CrcAsync(SafeFileHandle fh, long size, CancellationToken ct)
    {
        var crc = new Crc32();
        var buf = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyBuffer, Math.Max(size, 4096)));
        try
        {
            long at = 0;
            while (at < size)
            {
                var n = await RandomAccess.ReadAsync(fh, buf.AsMemory(0, (int)Math.Min(buf.Length, size - at)), at, ct);
                if (n == 0)
                {
                    break;
                }
                crc.Append(buf.AsSpan(0, n));
                at += n;
            }
            return crc.GetCurrentHashAsUInt32();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        output.Write(data.Span);
        _pos += data.Length;
        _unflushed += data.Length;
        return FlushIfDueAsync(ct);
    }

    private async ValueTask FlushIfDueAsync(CancellationToken ct)
    {
        if (_unflushed >= FlushEvery)
        {
            _unflushed = 0;
            var r = await output.FlushAsync(ct);
            if (r.IsCanceled || r.IsCompleted)
            {
                throw new OperationCanceledException("the client went away");
            }
        }
    }

    /// <summary>Sends what is still buffered (call once at the end).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        _unflushed = 0;
        await output.FlushAsync(ct);
    }
}
