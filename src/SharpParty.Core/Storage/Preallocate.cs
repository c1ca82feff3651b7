using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharpParty.Core.Storage;

/// <summary>posix_fallocate(3): reserve a file's blocks before writing it (fewer extents, and ENOSPC up front).</summary>
internal static partial class Preallocate
{
    internal enum Result
    {
        Reserved,
        NoSpace,
        /// <summary>The filesystem cannot preallocate: fine, the writes will allocate.</summary>
        Unsupported,
    }

    private const int Enospc = 28;
    private const int Edquot = 122;

    public static Result Reserve(SafeFileHandle handle, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Result.Unsupported;
        }
        var rc = Native.posix_fallocate((int)handle.DangerousGetHandle(), 0, length);
        return rc switch
        {
            0 => Result.Reserved,
            Enospc or Edquot => Result.NoSpace,
            _ => Result.Unsupported,
        };
    }

    private static partial class Native
    {
        // returns the error number itself (not -1 + errno)
        [LibraryImport("libc", EntryPoint = "posix_fallocate64")]
        internal static partial int posix_fallocate(int fd, long offset, long len);
    }
}

/// <summary>fdatasync(2): the file's data is on the disk, not only in the page cache (for <c>--u2-fsync</c>).</summary>
internal static partial class DataSync
{
    public static void Flush(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Native.fdatasync(handle);
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        internal static partial int fdatasync(SafeFileHandle fd);
    }
}
