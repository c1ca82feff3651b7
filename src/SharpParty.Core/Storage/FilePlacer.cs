using System.Runtime.InteropServices;

namespace SharpParty.Core.Storage;

internal enum PlaceResult
{
    Placed,
    /// <summary>The target name is taken (and overwriting was not asked for).</summary>
    Exists,
    /// <summary>The target is a folder, or the folder is gone: cannot place there.</summary>
    Conflict,
    IoError,
}

/// <summary>
/// Moves a finished temp file to its final name in one atomic step, never replacing an existing file unless told to:
/// link(2) + unlink(2) fails with Eexist instead of racing a check against a rename.
/// </summary>
internal static partial class FilePlacer
{
    private const int Eexist = 17;
    private const int Eisdir = 21;
    private const int Enoent = 2;

    public static PlaceResult Place(string tempPath, string finalPath, bool overwrite)
    {
        if (overwrite)
        {
            if (Directory.Exists(finalPath))
            {
                return PlaceResult.Conflict;
            }
            try
            {
                File.Move(tempPath, finalPath, overwrite: true);
                return PlaceResult.Placed;
            }
            catch (IOException)
            {
                return PlaceResult.IoError;
            }
        }
        if (Native.link(tempPath, finalPath) == 0)
        {
            Native.unlink(tempPath);
            return PlaceResult.Placed;
        }
        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case Eexist:
                return PlaceResult.Exists;
            case Eisdir or Enoent:
                return PlaceResult.Conflict;
        }
        // filesystems without hard links (FAT, some FUSE): check then rename, the best they allow
        if (File.Exists(finalPath) || Directory.Exists(finalPath))
        {
            return PlaceResult.Exists;
        }
        try
        {
            File.Move(tempPath, finalPath, overwrite: false);
            return PlaceResult.Placed;
        }
        catch (IOException)
        {
            return File.Exists(finalPath) ? PlaceResult.Exists : PlaceResult.IoError;
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int link(string oldpath, string newpath);

        [LibraryImport("libc", EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int unlink(string path);
    }
}
