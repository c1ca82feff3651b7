using Microsoft.Win32.SafeHandles;

namespace SharpParty.Client.Relay;

/// <summary>The file being received: its temp file, where the next bytes go, and its chain and sequence.</summary>
internal sealed class IncomingFile(FileHeader header, string final, string temp, SafeFileHandle? handle, long offset) : IDisposable
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

    public void Dispose() => Handle?.Dispose();
}
