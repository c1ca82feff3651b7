using System.Runtime.InteropServices;

namespace SharpParty.Core.Vfs;

/// <summary>
/// Symlink policy: the real location of a path (every symlink resolved, by the kernel via realpath(3)) must stay inside
/// a volume; with volume flag <c>xvol</c>, inside its own volume. copyparty follows symlinks anywhere unless
/// <c>xvol</c>/<c>xdev</c> is set; we make the safe choice the default (README: "better than copyparty").
/// </summary>
internal static partial class SymlinkGuard
{
    public static bool StaysInside(string fsPath, Volume vol, IReadOnlyList<Volume> all)
    {
        var real = RealPathOfDeepestExisting(fsPath);
        if (real is null)
        {
            return false;
        }
        if (real == fsPath || IsUnder(real, vol.RealPath))
        {
            return true;
        }
        if (vol.HasFlag("xvol"))
        {
            return false;
        }
        foreach (var v in all)
        {
            if (IsUnder(real, v.RealPath))
            {
                return true;
            }
        }
        return false;
    }

    public static bool IsUnder(string path, string root) =>
        path == root || root == "/" || (path.StartsWith(root, StringComparison.Ordinal) && path.Length > root.Length && path[root.Length] == '/');

    /// <summary>realpath(3) of the path, or of its deepest existing ancestor with the missing tail appended.</summary>
    public static string? RealPathOfDeepestExisting(string path)
    {
        var probe = path;
        var tail = "";
        for (var i = 0; i < 4096; i++)
        {
            var r = RealPath(probe);
            if (r is not null)
            {
                return tail.Length == 0 ? r : (r == "/" ? "/" + tail : r + "/" + tail);
            }
            // a dangling symlink fails realpath too: it must not pass as "missing, create it here"
            if (IsSymlink(probe))
            {
                return null;
            }
            var slash = probe.LastIndexOf('/');
            if (slash <= 0)
            {
                return null;
            }
            tail = tail.Length == 0 ? probe[(slash + 1)..] : probe[(slash + 1)..] + "/" + tail;
            probe = probe[..slash];
        }
        return null;
    }

    private static bool IsSymlink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static string? RealPath(string path)
    {
        var p = Native.realpath(path, IntPtr.Zero);
        if (p == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(p);
        }
        finally
        {
            Native.free(p);
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr realpath(string path, IntPtr resolved);

        [LibraryImport("libc", EntryPoint = "free")]
        internal static partial void free(IntPtr ptr);
    }
}
