using System.Text.RegularExpressions;

namespace SharpParty.Web.Hosting;

/// <summary>
/// The static imports of the web UI's ES modules, read from their source (no build step writes a manifest). The folder
/// page names them all in <c>modulepreload</c> links, so the browser fetches the whole graph at once while it parses the
/// page, instead of one import level per round trip after the entry module arrives (measured, bench/webui.sh: the
/// imports of app.js started 260 ms after it had loaded, the media modules 250 ms after those).
/// </summary>
internal static partial class ModuleGraph
{
    /// <summary><c>import … from './x.js'</c> and <c>import './x.js'</c> at the start of a line; <c>import()</c> (the
    /// panels loaded when first opened) is dynamic and deliberately not matched.</summary>
    [GeneratedRegex("""^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]""", RegexOptions.Multiline)]
    private static partial Regex StaticImport();

    /// <summary>The entry and every module it imports statically, breadth first, each once; names relative to the
    /// assets root (<c>js/util.js</c>). A module <paramref name="source"/> does not know is left out.</summary>
    public static IReadOnlyList<string> StaticClosure(string entry, Func<string, string?> source)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { entry };
        var queue = new Queue<string>([entry]);
        while (queue.Count > 0 && order.Count < 256)
        {
            var name = queue.Dequeue();
            if (source(name) is not { } text)
            {
                continue;
            }
            order.Add(name);
            foreach (Match m in StaticImport().Matches(text))
            {
                if (Resolve(name, m.Groups[1].Value) is { } dep && seen.Add(dep))
                {
                    queue.Enqueue(dep);
                }
            }
        }
        return order;
    }

    /// <summary>A relative specifier against the importing module's folder; null for anything else (bare or absolute
    /// specifiers, or one that climbs out of the assets root).</summary>
    internal static string? Resolve(string from, string spec)
    {
        if (!spec.StartsWith("./", StringComparison.Ordinal) && !spec.StartsWith("../", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = new List<string>(from.Split('/')[..^1]);
        foreach (var seg in spec.Split('/'))
        {
            if (seg == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
            }
            else if (seg is not ("." or ""))
            {
                parts.Add(seg);
            }
        }
        return string.Join('/', parts);
    }
}
