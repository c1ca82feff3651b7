namespace SharpParty.Media.Tags;

/// <summary>
/// One <c>-mtm NEW=a,b,c</c>: tag NEW is read from raw fields a, b, c (in that order of preference), replacing the
/// default sources if NEW is one of copyparty's tags.
/// </summary>
internal sealed record TagMapping(string Tag, IReadOnlyList<string> Sources)
{
    public static bool TryParse(string arg, out TagMapping mapping, out string error)
    {
        mapping = new TagMapping("", []);
        var parts = arg.Split('=');
        if (parts.Length != 2 || parts[0].Trim().Length == 0)
        {
            error = $"-mtm wants NEW=field,field,… (got '{arg}')";
            return false;
        }

        // copyparty compares sources with the lowercased field name, so "TPE1" could never match there; we lowercase
        var sources = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).ToArray();
        if (sources.Length == 0)
        {
            error = $"-mtm {parts[0]}= names no source field";
            return false;
        }

        mapping = new TagMapping(parts[0].Trim(), sources);
        error = "";
        return true;
    }
}
