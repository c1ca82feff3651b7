namespace SharpParty.Core.Storage;

internal enum TreeResult
{
    Ok,
    Exists,
    DiskFull,
    IoError,
}

/// <summary>
/// Move, copy and recursive delete of files and folders. A move is one rename(2) within a filesystem; across
/// filesystems it is a copy followed by a delete of the source, and a failed copy removes what it made.
/// </summary>
internal static class TreeOps
{
    private const int CopyBuffer = 1 << 20;

    public static TreeResult Move(string src, string dst, bool isDir)
    {
        try
        {
            if (isDir)
            {
                Directory.Move(src, dst);
            }
            else
            {
                File.Move(src, dst, overwrite: false);
            }
            return TreeResult.Ok;
        }
        catch (IOException e) when (IsCrossDevice(e))
        {
            var r = Copy(src, dst, isDir);
            if (r != TreeResult.Ok)
            {
                return r;
            }
            var (_, _, ok) = isDir ? DeleteTree(src) : (1, 0, TryDeleteFile(src));
            return ok ? TreeResult.Ok : TreeResult.IoError;
        }
        catch (IOException) when (File.Exists(dst) || Directory.Exists(dst))
        {
            return TreeResult.Exists;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TreeResult.IoError;
        }
    }

    /// <summary>Copies a file (through a temp name, so a half copy never has the final name) or a whole tree; keeps mtimes.</summary>
    public static TreeResult Copy(string src, string dst, bool isDir)
    {
        if (!isDir)
        {
            return CopyFile(src, dst);
        }
        try
        {
            Directory.CreateDirectory(dst);
            foreach (var entry in new DirectoryInfo(src).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    continue; // symlinks are not followed by a copy: the target may be outside the volume
                }
                var r = Copy(entry.FullName, Path.Combine(dst, entry.Name), entry is DirectoryInfo);
                if (r != TreeResult.Ok)
                {
                    DeleteTree(dst);
                    return r;
                }
            }
            Directory.SetLastWriteTimeUtc(dst, Directory.GetLastWriteTimeUtc(src));
            return TreeResult.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteTree(dst);
            return IsDiskFull(e) ? TreeResult.DiskFull : TreeResult.IoError;
        }
    }

    private static TreeResult CopyFile(string src, string dst)
    {
        var folder = Path.GetDirectoryName(dst)!;
        var temp = Path.Combine(folder, TempNames.New());
        try
        {
            using (var i = new FileStream(src, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, CopyBuffer, FileOptions.SequentialScan))
            using (var o = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBuffer))
            {
                i.CopyTo(o, CopyBuffer);
            }
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(src));
            var placed = FilePlacer.Place(temp, dst, overwrite: false);
            if (placed != PlaceResult.Placed)
            {
                TryDeleteFile(temp);
                return placed == PlaceResult.Exists ? TreeResult.Exists : TreeResult.IoError;
            }
            return TreeResult.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDeleteFile(temp);
            return IsDiskFull(e) ? TreeResult.DiskFull : TreeResult.IoError;
        }
    }

    /// <summary>Deletes a folder and everything in it (symlinks are removed, never followed). Returns counts.</summary>
    public static (int Files, int Dirs, bool Ok) DeleteTree(string dir)
    {
        int files = 0, dirs = 0;
        var ok = true;
        try
        {
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    var (f, d, o) = DeleteTree(entry.FullName);
                    files += f;
                    dirs += d;
                    ok &= o;
                }
                else
                {
                    if (TryDeleteFile(entry.FullName))
                    {
                        files++;
                    }
                    else
                    {
                        ok = false;
                    }
                }
            }
            Directory.Delete(dir, recursive: false);
            dirs++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ok = false;
        }
        return (files, dirs, ok);
    }

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>EXDEV (18): rename across filesystems.</summary>
    private static bool IsCrossDevice(IOException e) =>
        e.HResult == 18 || (e.HResult & 0xFFFF) == 0x11 || e.Message.Contains("cross-device", StringComparison.OrdinalIgnoreCase);

    internal static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult is 28 or 112 || io.Message.Contains("No space left", StringComparison.Ordinal));
}
