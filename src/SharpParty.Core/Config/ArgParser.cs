namespace SharpParty.Core.Config;

/// <summary>One option as given, in order: from the command line or a config file's <c>[global]</c>.</summary>
internal readonly record struct Setting(OptionDef Def, string Value, string Origin);

internal sealed class ParsedArgs
{
    public List<Setting> Settings { get; } = [];

    /// <summary>copyparty options we accept but do not implement yet: one startup warning each.</summary>
    public List<string> Unsupported { get; } = [];
}

/// <summary>
/// Reads a copyparty-style command line. An option we implement is recorded; an option only copyparty has is
/// accepted (with its value, if it takes one) and named in a warning; anything else is an error (exit code 2).
/// </summary>
internal static class ArgParser
{
    public static bool TryParse(IReadOnlyList<string> args, out ParsedArgs parsed, out string error)
    {
        parsed = new ParsedArgs();
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.Length < 2 || a[0] != '-')
            {
                error = $"unexpected argument '{a}' (copyparty takes no positional arguments; did you mean -v {a}::rw ?)";
                return false;
            }
            string name = a;
            string? inline = null;
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                inline = a[(eq + 1)..];
            }
            if (!TryAdd(parsed, name, inline, () => i + 1 < args.Count ? args[++i] : null, "argument", out error))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Records one option; <paramref name="next"/> supplies the value when it is not inline.</summary>
    public static bool TryAdd(ParsedArgs parsed, string name, string? inline, Func<string?> next, string origin, out string error)
    {
        error = "";
        var def = OptionCatalog.Find(name);
        if (def is not null)
        {
            if (def.Kind == OptKind.Flag)
            {
                if (inline is not null && !IsTrue(inline))
                {
                    if (IsFalse(inline))
                    {
                        parsed.Settings.RemoveAll(s => s.Def == def);
                        return true;
                    }
                    error = $"option {def.Spelling} takes no value (got '{inline}')";
                    return false;
                }
                parsed.Settings.Add(new Setting(def, "1", origin));
                return true;
            }
            var v = inline ?? next();
            if (v is null)
            {
                error = $"option {def.Spelling} needs a value ({def.Metavar})";
                return false;
            }
            parsed.Settings.Add(new Setting(def, v, origin));
            return true;
        }
        if (OptionCatalog.IsCopypartyOption(name, out var takes))
        {
            if (takes && inline is null && next() is null)
            {
                error = $"option {name} needs a value";
                return false;
            }
            var canon = OptionCatalog.Canon(name);
            if (!parsed.Unsupported.Any(u => OptionCatalog.Canon(u) == canon))
            {
                // keep copyparty's spelling for the warning (-e2dsa, --no-robots)
                parsed.Unsupported.Add(OptionCatalog.CopypartySpelling(canon));
            }
            return true;
        }
        error = $"unknown option '{name}' (see -h)";
        return false;
    }

    private static bool IsTrue(string v) => v is "" or "1" or "true" or "yes" or "y";

    private static bool IsFalse(string v) => v is "0" or "false" or "no" or "n";
}
