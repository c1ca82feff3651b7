using System.Buffers;
using System.Net;

namespace SharpParty.Client.Up2k;

/// <summary>
/// A request body that streams [offset, offset+length) of a file from disk through one pooled buffer: a 64 MiB POST
/// costs 512 KiB of memory. Each block written counts towards progress and keeps the request's idle timer alive.
/// </summary>
internal sealed class FileRangeContent(string path, long offset, long bodyLength, Action<long> sent) : HttpContent
{
    private const int BlockSize = 512 << 10;

    /// <summary>Set by <see cref="Up2kHttp"/>: called after each block, to re-arm the idle timeout.</summary>
    public Action? Progressed { get; set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        var buf = ArrayPool<byte>.Shared.Rent((int)Math.Min(BlockSize, Math.Max(1, bodyLength)));
        try
        {
            long done = 0;
            while (done < bodyLength)
            {
                var want = (int)Math.Min(buf.Length, bodyLength - done);
                var r = await RandomAccess.ReadAsync(handle, buf.AsMemory(0, want), offset + done, cancellationToken);
                if (r == 0)
                {
                    throw new IOException("file shrank during upload");
                }
                await stream.WriteAsync(buf.AsMemory(0, r), cancellationToken);
                done += r;
                sent(r);
                Progressed?.Invoke();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = bodyLength;
        return true;
    }
}
