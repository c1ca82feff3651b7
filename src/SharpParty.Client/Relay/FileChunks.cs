using Microsoft.Win32.SafeHandles;

namespace SharpParty.Client.Relay;

internal static class FileChunks
{
    /// <summary>Reads until <paramref name="buf"/> is full or the file ends (as Python's <c>fp.read(n)</c>): frames are
    /// whole chunks except the last.</summary>
    public static async ValueTask<int> FillAsync(SafeFileHandle fh, Memory<byte> buf, long offset, CancellationToken ct)
    {
        var got = 0;
        while (got < buf.Length)
        {
            var n = await RandomAccess.ReadAsync(fh, buf[got..], offset + got, ct);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        return got;
    }
}
