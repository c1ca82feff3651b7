using System.Formats.Tar;

namespace SharpParty.Web.Archive;

/// <summary>
/// Writes a tar entry by entry with the BCL's <see cref="TarWriter"/>: GNU format by default (long names through
/// <c>././@LongLink</c>, as GNU tar and copyparty's <c>?tar</c>), POSIX pax with <c>?tar=pax</c> (long and non-ASCII
/// names in extended headers). Each file is read from disk as it goes out; the size is taken when it is opened.
/// </summary>
internal sealed class TarArchiveWriter(Stream output, bool pax) : IAsyncDisposable
{
    private readonly TarWriter _tar = new(output, pax ? TarEntryFormat.Pax : TarEntryFormat.Gnu, leaveOpen: true);

    public Task AddDirectoryAsync(string name, long mtime, CancellationToken ct)
    {
        var e = Entry(TarEntryType.Directory, name, mtime);
        e.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        return _tar.WriteEntryAsync(e, ct);
    }

    /// <summary>Adds a file; false (nothing written) when it cannot be opened any more.</summary>
    public async Task<bool> AddFileAsync(string name, string fsPath, long mtime, CancellationToken ct)
    {
        FileStream fs;
        try
        {
            fs = new FileStream(fsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        await using (fs)
        {
            var e = Entry(TarEntryType.RegularFile, name, mtime);
            e.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            e.DataStream = fs;
            await _tar.WriteEntryAsync(e, ct);
            return true;
        }
    }

    private TarEntry Entry(TarEntryType type, string name, long mtime)
    {
        TarEntry e = pax ? new PaxTarEntry(type, name) : new GnuTarEntry(type, name);
        e.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(Math.Max(0, mtime));
        return e;
    }

    public ValueTask DisposeAsync() => _tar.DisposeAsync(); // the two zero blocks that end a tar
}
