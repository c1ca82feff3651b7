using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace SharpParty.Client.Relay;

/// <summary>The file being received: its temp file, where the next bytes go, and its chain and sequence.</summary>
internal sealed class IncomingFile(FileHeader header, string final, string temp, SafeFileHandle? handle, long offset, bool hashed = false) : IDisposable
{
    public FileHeader Header { get; } = header;

    public string Final { get; } = final;

    public string Temp { get; } = temp;

    /// <summary>Null when this file's data is read and dropped (its resume point no longer matches what is here).</summary>
    public SafeFileHandle? Handle { get; } = handle;

    public long Offset { get; set; } = offset;

    public long Written { get; set; }

    public long Expected => Header.Size - Header.AppendFrom;

    public ChainedHash Chain { get; } = new();

    public ulong Seq { get; set; }

    /// <summary>The whole file's SHA-256 so far (prefix and written bytes), when the sender sends one to compare.</summary>
    public IncrementalHash? Sha { get; } = hashed && handle is not null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

    /// <summary>Adds the first <paramref name="length"/> bytes already in <paramref name="path"/> (a resumed file's prefix).</summary>
    public void HashPrefix(string path, long length)
    {
        if (Sha is null || length <= 0)
        {
            return;
        }
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        var buf = new byte[1 << 16];
        for (long left = length; left > 0;)
        {
            var n = fs.Read(buf, 0, (int)Math.Min(buf.Length, left));
            if (n == 0)
            {
                break;
            }
            Sha.AppendData(buf, 0, n);
            left -= n;
        }
    }

    public void Dispose()
    {
        Handle?.Dispose();
        Sha?.Dispose();
    }
}
