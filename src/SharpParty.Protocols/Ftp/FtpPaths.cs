namespace SharpParty.Protocols.Ftp;

/// <summary>
/// FTP paths are absolute ("/a/b") or relative to the working folder, with "." and ".." meaning what a shell means;
/// ".." at the root stays at the root (as pyftpdlib and vsftpd). What comes out is a virtual path for the one Vfs
/// resolver, which still refuses backslashes, control characters and Unicode lookalikes of dots and slashes.
/// </summary>
internal static class FtpPaths
{
    /// <summary>The virtual path ("a/b", "" for the root) that <paramref name="arg"/> names from <paramref name="cwd"/>.</summary>
    public static string Combine(string cwd, string arg)
    {
        var parts = new List<string>();
        if (!arg.StartsWith('/'))
        {
            parts.AddRange(cwd.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var seg in arg.Split('/'))
        {
            switch (seg)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                    continue;
                default:
                    parts.Add(seg);
                    continue;
            }
        }
        return string.Join('/', parts);
    }

    /// <summary>RFC 959 §7 / RFC 1123 §4.1.2.7: a path in a reply is quoted, with a double quote in it doubled.</summary>
    public static string Quote(string vpath) => "\"/" + vpath.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Parent(string vpath)
    {
        var i = vpath.LastIndexOf('/');
        return i < 0 ? "" : vpath[..i];
    }

    public static string Name(string vpath) => vpath[(vpath.LastIndexOf('/') + 1)..];
}
