namespace SharpParty.Client.Relay;

/// <summary>A file to send: where it is, its manifest path, its size when walked.</summary>
internal readonly record struct SourceFile(string FullPath, string RelPath, long Size);

/// <summary>
/// The sender's file list, as p2p-copy builds it (spec §1.2): a file is sent under its name, a folder as
/// <c>folder/relpath</c> for every regular file below it, sorted by path components. Empty folders, modes and
/// mtimes are not carried. Symlinked folders are not followed (a loop could never end).
/// </summary>
internal static class SendSources
{
    public static List<SourceFile> Walk(IEnumerable<string> paths, List<string> problems)
    {
        var list = new List<SourceFile>();
        foreach (var raw in paths)
        {
            var p = raw.StartsWith("~/", StringComparison.Ordinal)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), raw[2..])
                : raw;
            var full = Path.GetFullPath(p).TrimEnd('/');
            if (full.Length == 0)
            {
                full = "/";
            }
            if (File.Exists(full))
            {
                list.Add(new SourceFile(full, Path.GetFileName(full), new FileInfo(full).Length));
            }
            else if (Directory.Exists(full))
            {
                var name = Path.GetFileName(full);
                var files = new List<(string[] Parts, string Full, long Size)>();
                Collect(full, [], files, problems);
                files.Sort((a, b) => CompareParts(a.Parts, b.Parts));
                foreach (var (parts, f, size) in files)
                {
                    list.Add(new SourceFile(f, name.Length == 0 ? string.Join('/', parts) : name + "/" + string.Join('/', parts), size));
                }
            }
            else
            {
                problems.Add($"file does not exist: {raw}");
            }
        }
        return list;
    }

    private static void Collect(string dir, string[] prefix, List<(string[], string, long)> files, List<string> problems)
    {
        IEnumerable<FileSystemInfo> items;
        try
        {
            items = new DirectoryInfo(dir).EnumerateFileSystemInfos().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot read {dir}: {e.Message}");
            return;
        }
        foreach (var i in items)
        {
            string[] parts = [.. prefix, i.Name];
            if (i is DirectoryInfo d)
            {
                if (d.LinkTarget is null)
                {
                    Collect(d.FullName, parts, files, problems);
                }
            }
            else if (i is FileInfo f && File.Exists(f.FullName))
            {
                // a symlink to a file is sent as that file's content (Python's is_file() follows it too)
                files.Add((parts, f.FullName, f.LinkTarget is null ? f.Length : ResolvedLength(f.FullName)));
            }
        }
    }

    private static long ResolvedLength(string path)
    {
        using var fh = File.OpenHandle(path);
        return RandomAccess.GetLength(fh);
    }

    /// <summary>Python's ordering of Path objects: component by component, by code point.</summary>
    private static int CompareParts(string[] a, string[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
