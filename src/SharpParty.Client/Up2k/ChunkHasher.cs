using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Up2k;

namespace SharpParty.Client.Up2k;

/// <summary>
/// Computes a file's up2k chunk hashes (spec §2.2: SHA-512 cut to 33 bytes, base64url) with at most <c>-J</c> chunks
/// hashing at once across all files, reading with RandomAccess into pooled buffers: memory stays at J buffers whatever
/// the file sizes.
/// </summary>
internal sealed class ChunkHasher(int threads, Action<long> progress) : IDisposable
{
    /// <summary>Read size: big enough that syscalls do not matter, small enough to stay in L2-ish territory per thread.</summary>
    private const int ReadSize = 1 << 20;

    private readonly SemaphoreSlim _cores = new(Math.Max(1, threads));

    public async Task HashAsync(FileJob job, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var size = job.Entry.Size;
        var cs = ChunkSize.For(size);
        var n = (int)ChunkSize.Chunks(size, cs);
        var hashes = new string[n];
        if (n > 0)
        {
            using var handle = File.OpenHandle(job.Entry.AbsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (RandomAccess.GetLength(handle) < size)
            {
                throw new IOException("file shrank since it was listed");
            }
            var started = new List<Task>(n);
            OperationCanceledException? stopped = null;
            try
            {
                for (var i = 0; i < n; i++)
                {
                    var idx = i;
                    await _cores.WaitAsync(ct);
                    started.Add(Task.Run(() =>
                    {
                        try
                        {
                            var off = idx * cs;
                            hashes[idx] = HashRange(handle, off, Math.Min(cs, size - off));
                        }
                        finally
                        {
                            _cores.Release();
                        }
                    }, CancellationToken.None));
                }
            }
            catch (OperationCanceledException e)
            {
                stopped = e;
            }
            // always wait for the readers already running: the handle must outlive them
            await Task.WhenAll(started);
            if (stopped is not null)
            {
                throw stopped;
            }
        }
        job.SetHashes(cs, hashes, sw.Elapsed);
    }

    private string HashRange(SafeFileHandle handle, long offset, long length)
    {
        var buf = ArrayPool<byte>.Shared.Rent((int)Math.Min(ReadSize, length));
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            long done = 0;
            while (done < length)
            {
                var want = (int)Math.Min(buf.Length, length - done);
                var r = RandomAccess.Read(handle, buf.AsSpan(0, want), offset + done);
                if (r == 0)
                {
                    throw new IOException("file shrank while hashing");
                }
                sha.AppendData(buf, 0, r);
                done += r;
                progress(r);
            }
            Span<byte> d = stackalloc byte[64];
            sha.GetHashAndReset(d);
            return Up2kHash.Encode(d);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    public void Dispose() => _cores.Dispose();
}
