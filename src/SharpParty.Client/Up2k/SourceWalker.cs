using System.Text.RegularExpressions;

namespace SharpParty.Client.Up2k;

/// <summary>
/// Turns the command line's paths into the entries to upload, with u2c's (and rsync's) rule: "foo" is uploaded as
/// URL/foo/…, "foo/" as its contents into URL/…; a single file goes to URL/name. Folders are walked depth-first in
/// ordinal order, symlinks are followed (a loop is reported, not followed).
/// </summary>
internal sealed class SourceWalker
{
    private readonly Regex? _exclude;

    public SourceWalker(IReadOnlyList<string> excludes)
    {
        // Python's re.match: anchored at the start only, case-insensitive (u2c joins the -x patterns with "|")
        _exclude = excludes.Count == 0 ? null
            : new Regex("^(?:" + string.Join('|', excludes) + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>Local paths that could not be read, with the reason.</summary>
    public List<(string Path, string Error)> Errors { get; } = [];

    public List<LocalEntry> Walk(IEnumerable<string> paths)
    {
        var result = new List<LocalEntry>();
        foreach (var p in paths)
        {
            var contentsOnly = p.EndsWith('/');
            string full;
            try
            {
                full = RealPath(Path.GetFullPath(p));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Errors.Add((p, e.Message));
                continue;
            }
            if (Directory.Exists(full))
            {
                var rel = contentsOnly ? "" : Path.GetFileName(full);
                result.Add(new LocalEntry(full, rel, true, 0, MtimeOf(new DirectoryInfo(full))));
                WalkDir(full, rel, [full], result);
            }
            else if (File.Exists(full))
            {
                var fi = new FileInfo(full);
                result.Add(new LocalEntry(full, fi.Name, false, fi.Length, MtimeOf(fi)));
            }
            else
            {
                Errors.Add((p, "no such file or directory"));
            }
        }
        return result;
    }

    private void WalkDir(string dir, string rel, List<string> seen, List<LocalEntry> result)
    {
        FileSystemInfo[] items;
        try
        {
            items = new DirectoryInfo(dir).GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Errors.Add((dir, e.Message));
            return;
        }
        Array.Sort(items, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var item in items)
        {
            var abs = Path.Join(dir, item.Name);
            if (_exclude?.IsMatch(abs) == true)
            {
                continue;
            }
            var childRel = rel.Length == 0 ? item.Name : rel + "/" + item.Name;
            FileSystemInfo target = item;
            try
            {
                if (item.LinkTarget is not null)
                {
                    target = item.ResolveLinkTarget(returnFinalTarget: true) ?? item;
                    if (!target.Exists)
                    {
                        Errors.Add((abs, "broken symlink"));
                        continue;
                    }
                }
                if (target is DirectoryInfo || (target.Attributes & FileAttributes.Directory) != 0)
                {
                    var real = RealPath(abs);
                    if (seen.Contains(real))
                    {
                        Errors.Add((abs, "recursive-symlink"));
                        continue;
                    }
                    result.Add(new LocalEntry(abs, childRel, true, 0, MtimeOf(target)));
                    WalkDir(abs, childRel, [.. seen, real], result);
                }
                else if (target is FileInfo fi)
                {
                    // .NET cannot tell a fifo or device from an empty file; harmless, as a 0-byte file is never opened
                    result.Add(new LocalEntry(abs, childRel, false, fi.Length, MtimeOf(fi)));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Errors.Add((abs, e.Message));
            }
        }
    }

    /// <summary>Seconds since 1970 with the fraction: the <c>lmod</c> u2c sends (Python's st_mtime).</summary>
    internal static double MtimeOf(FileSystemInfo fi) => (fi.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>The path with every symlink in it resolved, so loops are seen (u2c's os.path.realpath).</summary>
    private static string RealPath(string path) =>
        OperatingSystem.IsWindows() ? path : SharpParty.Core.Vfs.SymlinkGuard.RealPath(path) ?? path;
}
