using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SharpParty.Core.Config;

namespace SharpParty.Core.Storage;

/// <summary>How a duplicate ended up on disk.</summary>
internal enum DupeResult
{
    Copied,
    Cloned,
    Symlinked,
    Hardlinked,
    Failed,
}

/// <summary>
/// Puts a second copy of an existing file at a new path without the client sending its bytes (up2k dedup, spec §1.6).
/// The new path must already be reserved (an empty placeholder); it is replaced atomically, so a reader never sees a
/// half-copied file under that name.
/// </summary>
internal static partial class DupeMaker
{
    /// <summary>ioctl FICLONE (linux/fs.h _IOW(0x94, 9, int)): share the source's extents, copy-on-write.</summary>
    private const uint Ficlone = 0x40049409;

    public static DupeResult Make(string source, string target, DedupMode mode)
    {
        switch (mode)
        {
            case DedupMode.Symlink:
                return Symlink(source, target) ? DupeResult.Symlinked : CopyInto(source, target, false);
            case DedupMode.Hardlink:
                return Hardlink(source, target) ? DupeResult.Hardlinked
                    : Symlink(source, target) ? DupeResult.Symlinked : CopyInto(source, target, false);
            case DedupMode.HardlinkOnly:
                return Hardlink(source, target) ? DupeResult.Hardlinked : CopyInto(source, target, false);
            case DedupMode.Reflink:
                return CopyInto(source, target, true);
            default:
                return CopyInto(source, target, false);
        }
    }

    /// <summary>Copies (or clones) into a temp name next to the target, then renames over it.</summary>
    private static DupeResult CopyInto(string source, string target, bool tryClone)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, TempNames.New());
        try
        {
            var cloned = tryClone && TryClone(source, temp);
            if (!cloned)
            {
                // .NET's File.Copy on Linux already tries FICLONE, then copy_file_range: the kernel moves the bytes
                File.Copy(source, temp, overwrite: true);
            }
            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(source));
            File.Move(temp, target, overwrite: true);
            return cloned ? DupeResult.Cloned : DupeResult.Copied;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return DupeResult.Failed;
        }
    }

    private static bool TryClone(string source, string temp)
    {
        using var src = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var dst = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write);
        if (Native.ioctl(dst, Ficlone, src.DangerousGetHandle()) == 0)
        {
            return true;
        }
        dst.Dispose();
        File.Delete(temp);
        return false;
    }

    /// <summary>A relative link where both are under one root (so the volume can move), as copyparty's --dedup.</summary>
    private static bool Symlink(string source, string target)
    {
        var rel = Path.GetRelativePath(Path.GetDirectoryName(target)!, source);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, TempNames.New());
        try
        {
            File.CreateSymbolicLink(temp, rel);
            File.Move(temp, target, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return false;
        }
    }

    private static bool Hardlink(string source, string target)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, TempNames.New());
        if (Native.link(source, temp) != 0)
        {
            return false;
        }
        try
        {
            File.Move(temp, target, overwrite: true);
            return true;
        }
        catch (IOException)
        {
            TryDelete(temp);
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover temp name is hidden and never served
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int link(string oldpath, string newpath);

        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        internal static partial int ioctl(SafeFileHandle fd, nuint request, nint arg);
    }
}
