namespace SharpParty.Core.Config;

/// <summary>What one config file (with its includes) contributes, in file order.</summary>
internal sealed record ConfigFileContent(
    IReadOnlyList<KeyValuePair<string, string?>> Global,
    IReadOnlyList<string> Accounts,
    IReadOnlyList<string> Groups,
    IReadOnlyList<VolumeSpec> Volumes);

/// <summary>
/// copyparty's "not actually YAML" config files (reference §4.2): <c>[global]</c>, <c>[accounts]</c>, <c>[groups]</c> and
/// <c>[/vpath]</c> sections; <c>key: value</c> or bare flags, several comma-separated on one line (only the last may take a
/// value: <c>e2d, d2t, fk: 4</c>); comments on their own line, or inline after two spaces; <c>% path</c> includes a file or
/// every <c>*.conf</c> of a folder, relative to the including file. Every error names the file and line.
/// </summary>
internal static class ConfigFile
{
    /// <summary>As copyparty: includes may nest this deep.</summary>
    private const int MaxIncludeDepth = 64;

    private enum Section
    {
        None,
        Global,
        Accounts,
        Groups,
        Volume,
    }

    private enum VolBlock
    {
        Source,
        Top,
        Accs,
        Flags,
    }

    private sealed class State
    {
        public List<KeyValuePair<string, string?>> Global { get; } = [];
        public List<string> Accounts { get; } = [];
        public List<string> Groups { get; } = [];
        public List<VolumeSpec> Volumes { get; } = [];
        public Section Section { get; set; }
        public VolBlock Block { get; set; }
        public string VPath { get; set; } = "";
        public string? Source { get; set; }
        public List<AccessGrant> Grants { get; set; } = [];
        public Dictionary<string, string> Flags { get; set; } = [];
        public string SectionWhere { get; set; } = "";
        public HashSet<string> Open { get; } = new(StringComparer.Ordinal);
    }

    public static bool TryLoad(string path, out ConfigFileContent? content, out string error)
    {
        content = null;
        var st = new State();
        if (!TryLoadPath(path, st, 0, out error) || !TryCloseVolume(st, out error))
        {
            return false;
        }
        content = new ConfigFileContent(st.Global, st.Accounts, st.Groups, st.Volumes);
        return true;
    }

    private static bool TryLoadPath(string path, State st, int depth, out string error)
    {
        if (Directory.Exists(path))
        {
            foreach (var f in Directory.GetFiles(path, "*.conf").Order(StringComparer.Ordinal))
            {
                if (!TryLoadPath(f, st, depth, out error))
                {
                    return false;
                }
            }
            error = "";
            return true;
        }
        if (!File.Exists(path))
        {
            error = $"-c {path}: file not found";
            return false;
        }
        var full = Path.GetFullPath(path);
        if (!st.Open.Add(full))
        {
            error = $"{full}: included from itself (include loop)";
            return false;
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"-c {full}: cannot read: {e.Message}";
            return false;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TryLine(full, i + 1, lines[i], st, depth, out error))
            {
                return false;
            }
        }
        st.Open.Remove(full);
        error = "";
        return true;
    }

    private static bool TryLine(string file, int no, string raw, State st, int depth, out string error)
    {
        error = "";
        var where = $"{file}:{no}";
        var line = StripComment(raw).Trim();
        if (line.Length == 0)
        {
            return true;
        }
        if (line.StartsWith('%'))
        {
            var inc = line[1..].Trim();
            if (inc.Length == 0)
            {
                error = $"{where}: '%' needs a file or folder to include";
                return false;
            }
            if (depth >= MaxIncludeDepth)
            {
                error = $"{where}: includes nested deeper than {MaxIncludeDepth}";
                return false;
            }
            var target = Path.GetFullPath(inc, Path.GetDirectoryName(file)!);
            if (!TryLoadPath(target, st, depth + 1, out error))
            {
                error = error.StartsWith("-c ", StringComparison.Ordinal) ? $"{where}: include {error[3..]}" : error;
                return false;
            }
            return true;
        }
        if (line.StartsWith('[') && line.EndsWith(']'))
        {
            if (!TryCloseVolume(st, out error))
            {
                return false;
            }
            var name = line[1..^1].Trim();
            st.SectionWhere = where;
            switch (name)
            {
                case "global":
                    st.Section = Section.Global;
                    return true;
                case "accounts":
                    st.Section = Section.Accounts;
                    return true;
                case "groups":
                    st.Section = Section.Groups;
                    return true;
            }
            if (!name.StartsWith('/'))
            {
                error = $"{where}: unknown section [{name}] (expected [global], [accounts], [groups] or [/url/path])";
                return false;
            }
            if (!VolumeArg.TryNormalizeVPath(name, out var vpath, out var verr))
            {
                error = $"{where}: {verr}";
                return false;
            }
            st.Section = Section.Volume;
            st.Block = VolBlock.Source;
            st.VPath = vpath;
            st.Source = null;
            st.Grants = [];
            st.Flags = [];
            return true;
        }
        switch (st.Section)
        {
            case Section.Global:
                foreach (var (k, v) in SplitEntries(line))
                {
                    st.Global.Add(new(k.TrimStart('-'), v));
                }
                return true;
            case Section.Accounts:
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0 || line[(colon + 1)..].Trim().Length == 0)
                    {
                        error = $"{where}: expected 'user: password' in [accounts]";
                        return false;
                    }
                    st.Accounts.Add(line[..colon].Trim() + ":" + line[(colon + 1)..].Trim());
                    return true;
                }
            case Section.Groups:
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        error = $"{where}: expected 'group: user1, user2' in [groups]";
                        return false;
                    }
                    var users = line[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    st.Groups.Add(line[..colon].Trim() + ":" + string.Join(',', users));
                    return true;
                }
            case Section.Volume:
                return TryVolumeLine(where, line, st, out error);
            default:
                error = $"{where}: '{Clip(line)}' is outside any section";
                return false;
        }
    }

    private static bool TryVolumeLine(string where, string line, State st, out string error)
    {
        error = "";
        if (st.Block == VolBlock.Source)
        {
            st.Source = line;
            st.Block = VolBlock.Top;
            return true;
        }
        if (line is "accs:")
        {
            st.Block = VolBlock.Accs;
            return true;
        }
        if (line is "flags:")
        {
            st.Block = VolBlock.Flags;
            return true;
        }
        switch (st.Block)
        {
            case VolBlock.Accs:
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        error = $"{where}: expected 'PERMS: user, user' under accs:";
                        return false;
                    }
                    var text = line[..colon].Trim() + "," + line[(colon + 1)..].Trim();
                    if (!VolumeArg.TryParseGrant(text.TrimEnd(','), out var grant, out var gerr))
                    {
                        error = $"{where}: {gerr}";
                        return false;
                    }
                    st.Grants.Add(grant!);
                    return true;
                }
            case VolBlock.Flags:
                foreach (var (k, v) in SplitEntries(line))
                {
                    if (!VolumeArg.TryAddFlag(st.Flags, v is null ? k : k + "=" + v, out var ferr))
                    {
                        error = $"{where}: {ferr}";
                        return false;
                    }
                }
                return true;
            default:
                error = $"{where}: expected 'accs:' or 'flags:' in volume [/{st.VPath}], got '{Clip(line)}'";
                return false;
        }
    }

    private static bool TryCloseVolume(State st, out string error)
    {
        error = "";
        if (st.Section != Section.Volume)
        {
            return true;
        }
        if (st.Source is null)
        {
            error = $"{st.SectionWhere}: volume [/{st.VPath}] has no filesystem path (its first line)";
            return false;
        }
        st.Volumes.Add(new VolumeSpec(st.Source, st.VPath, st.Grants, st.Flags));
        st.Section = Section.None;
        return true;
    }

    /// <summary>"a, b, c: v" → a, b, then c=v; "p: 80, 443" → p="80, 443" (only the last name takes the value).</summary>
    private static IEnumerable<(string Key, string? Value)> SplitEntries(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var names = colon < 0 ? line : line[..colon];
        string? value = colon < 0 ? null : line[(colon + 1)..].Trim();
        var parts = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            yield return (parts[i], i == parts.Length - 1 ? value : null);
        }
    }

    /// <summary>A line that starts with '#' is a comment; elsewhere '#' starts one only after two spaces.</summary>
    private static string StripComment(string raw)
    {
        var t = raw.TrimStart();
        if (t.StartsWith('#'))
        {
            return "";
        }
        var i = raw.IndexOf("  #", StringComparison.Ordinal);
        return i < 0 ? raw : raw[..i];
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
