using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharpParty.Index;

/// <summary>A parsed search: an SQL condition over <c>files f</c> with its parameters ($vp is the volume's URL prefix).</summary>
/// <remarks><c>name like</c> terms carry a marker, <c>/*names $pN KIND*/</c>, where <see cref="ForVolume"/> puts the row
/// ids found in that volume's <see cref="NameTable"/>.</remarks>
internal sealed partial record ParsedQuery(string Where, IReadOnlyList<(string Name, object Value)> Parameters, bool UsesTags)
{
    /// <summary>At most this many candidates go to SQLite as an id list; a broader pattern is left to its scan.</summary>
    public const int MaxNameCandidates = 20_000;

    /// <summary>
    /// The condition and parameters for one volume: each name marker becomes <c>and f.id in (ids)</c> when the
    /// volume's names in memory give a short enough candidate list (then SQLite looks rows up by id instead of reading
    /// them all), or nothing (a plain LIKE scan). The LIKE itself stays, so the result is SQLite's either way.
    /// </summary>
    public (string Where, List<(string Name, object Value)> Parameters) ForVolume(Func<NameMatch, string, int, List<long>?> matchNames)
    {
        var args = Parameters.ToList();
        var where = NameMarker().Replace(Where, m =>
        {
            var param = m.Groups[1].Value;
            var literal = (string)Parameters.First(a => a.Name == param).Value;
            var ids = matchNames(Enum.Parse<NameMatch>(m.Groups[2].Value), literal, MaxNameCandidates);
            if (ids is null)
            {
                return "";
            }
            args.Add((param + "ids", "[" + string.Join(',', ids) + "]"));
            return $" and f.id in (select value from json_each({param}ids))";
        });
        return (where, args);
    }

    [GeneratedRegex(@"/\*names (\$p\d+) (\w+)\*/")]
    private static partial Regex NameMarker();
}

/// <summary>
/// copyparty's search language (spec §1.14): <c>( ) and or not</c>, operators <c>== = != &gt; &gt;= &lt; &lt;= like</c>,
/// keys <c>size</c> (MiB), <c>date</c> and <c>up_at</c> (<c>YYYY[-MM[-DD[ HH[:MM[:SS]]]]]</c>, UTC), <c>path</c>,
/// <c>name</c>, <c>tags</c> or a tag key; values may be quoted; a leading or trailing <c>*</c> is a wildcard. Parsed into
/// a parameterised condition (never text pasted into SQL); anything that does not parse is an error with a reason.
/// </summary>
internal static partial class QueryParser
{
    private static readonly string[] Operators = ["==", "!=", ">=", "<=", "=", ">", "<", "like"];

    public static bool TryParse(string q, out ParsedQuery? parsed, out string error)
    {
        parsed = null;
        var tokens = new List<string>();
        if (!TryTokenize(q, tokens, out error))
        {
            return false;
        }
        var sql = new StringBuilder();
        var args = new List<(string, object)>();
        var pos = 0;
        var usesTags = false;
        if (tokens.Count == 0)
        {
            parsed = new ParsedQuery("1", args, false);
            return true;
        }
        if (!ParseExpr(tokens, ref pos, sql, args, ref usesTags, out error))
        {
            return false;
        }
        if (pos != tokens.Count)
        {
            error = $"unexpected '{tokens[pos]}' in the query";
            return false;
        }
        parsed = new ParsedQuery(sql.ToString(), args, usesTags);
        return true;
    }

    private static bool ParseExpr(List<string> t, ref int pos, StringBuilder sql, List<(string, object)> args, ref bool usesTags, out string error)
    {
        if (!ParseTerm(t, ref pos, sql, args, ref usesTags, out error))
        {
            return false;
        }
        while (pos < t.Count && t[pos] != ")")
        {
            var op = "and";
            if (t[pos] is "and" or "or")
            {
                op = t[pos];
                pos++;
            }
            sql.Append(' ').Append(op).Append(' ');
            if (!ParseTerm(t, ref pos, sql, args, ref usesTags, out error))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ParseTerm(List<string> t, ref int pos, StringBuilder sql, List<(string, object)> args, ref bool usesTags, out string error)
    {
        error = "";
        if (pos >= t.Count)
        {
            error = "the query ends too early";
            return false;
        }
        if (t[pos] == "not")
        {
            pos++;
            sql.Append("not ");
            return ParseTerm(t, ref pos, sql, args, ref usesTags, out error);
        }
        if (t[pos] == "(")
        {
            pos++;
            sql.Append('(');
            if (!ParseExpr(t, ref pos, sql, args, ref usesTags, out error))
            {
                return false;
            }
            if (pos >= t.Count || t[pos] != ")")
            {
                error = "missing ')' in the query";
                return false;
            }
            pos++;
            sql.Append(')');
            return true;
        }
        if (pos + 2 >= t.Count)
        {
            error = $"expected KEY OPERATOR VALUE at '{t[pos]}'";
            return false;
        }
        var key = t[pos];
        var op = t[pos + 1];
        var value = t[pos + 2];
        if (!Operators.Contains(op))
        {
            error = $"unknown operator '{op}' after '{key}' (use == = != > >= < <= like)";
            return false;
        }
        pos += 3;
        var sqlOp = op == "==" ? "=" : op;
        var p = "$p" + args.Count.ToString(CultureInfo.InvariantCulture);
        switch (key)
        {
            case "size":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var mib))
                {
                    error = $"size wants a number of MiB, not '{value}'";
                    return false;
                }
                sql.Append($"f.size {sqlOp} {p}");
                args.Add((p, (long)(mib * 1024 * 1024)));
                return true;
            case "date" or "up_at":
                if (!TryDate(value, out var unix))
                {
                    error = $"{key} wants YYYY[-MM[-DD[ HH[:MM[:SS]]]]], not '{value}'";
                    return false;
                }
                sql.Append($"f.{(key == "date" ? "mtime" : "up_at")} {sqlOp} {p}");
                args.Add((p, unix));
                return true;
            case "path":
                sql.Append($"trim($vp || f.dir, '/') {sqlOp} {Wild(value, p, args)}");
                return true;
            case "name":
                if (sqlOp == "like" && NameKind(value) is { } kind)
                {
                    // parenthesised, so a "not" before it covers the id list ForVolume adds
                    sql.Append($"(f.name like {Wild(value, p, args)}/*names {p} {kind}*/)");
                    return true;
                }
                sql.Append($"f.name {sqlOp} {Wild(value, p, args)}");
                return true;
            default:
                if (key != "tags" && !TagKey().IsMatch(key))
                {
                    error = $"invalid key [{key}]";
                    return false;
                }
                usesTags = true;
                sql.Append("exists(select 1 from tags t where t.file_id = f.id and ");
                if (key != "tags")
                {
                    var pk = p + "k";
                    sql.Append($"t.k = {pk} and ");
                    args.Add((pk, key));
                }
                if (key.StartsWith('.') && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var num))
                {
                    // keys that start with '.' hold numbers (copyparty's rule): compare them as numbers
                    sql.Append($"t.v {sqlOp} {p})");
                    args.Add((p, num));
                    return true;
                }
                // as copyparty: tag values compare without regard to case
                var lowered = value.ToLowerInvariant();
                sql.Append(sqlOp is "=" ? $"t.v like {Wild(lowered, p, args)})" : $"lower(t.v) {sqlOp} {Wild(lowered, p, args)})");
                return true;
        }
    }

    /// <summary>How a LIKE value anchors its literal, or null when the literal holds SQL wildcards of its own (% _),
    /// which only SQLite matches.</summary>
    private static NameMatch? NameKind(string value)
    {
        var core = value.Trim('*');
        if (core.Length == 0 || core.AsSpan().IndexOfAny('%', '_') >= 0)
        {
            return null;
        }
        var head = value.StartsWith('*');
        var tail = value.Length > 1 && value.EndsWith('*');
        return (head, tail) switch
        {
            (true, true) => NameMatch.Contains,
            (true, false) => NameMatch.Suffix,
            (false, true) => NameMatch.Prefix,
            _ => NameMatch.Exact,
        };
    }

    /// <summary>Leading/trailing '*' become SQL '%' (copyparty's rule); the value itself is always a parameter.</summary>
    private static string Wild(string value, string p, List<(string, object)> args)
    {
        var head = value.StartsWith('*') ? "'%' || " : "";
        var tail = value.Length > 1 && value.EndsWith('*') ? " || '%'" : "";
        var core = value.Trim('*');
        args.Add((p, core));
        return head + p + tail;
    }

    private static bool TryDate(string v, out long unix)
    {
        unix = 0;
        var s = SeparatorRun().Replace(v, " ").Trim();
        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH", "yyyy-MM-dd", "yyyy-MM", "yyyy"];
        if (DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
        {
            unix = new DateTimeOffset(dt, TimeSpan.Zero).ToUnixTimeSeconds();
            return true;
        }
        return long.TryParse(v, CultureInfo.InvariantCulture, out unix);
    }

    private static bool TryTokenize(string q, List<string> tokens, out string error)
    {
        error = "";
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < q.Length ? q.Substring(i, 2) : "";
                var op = two is "==" or "!=" or ">=" or "<=" ? two : c.ToString();
                if (op == "!")
                {
                    error = "'!' must be followed by '='";
                    return false;
                }
                tokens.Add(op);
                i += op.Length;
                continue;
            }
            if (c == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < q.Length && q[i] != '"')
                {
                    if (q[i] == '\\' && i + 1 < q.Length)
                    {
                        i++;
                    }
                    sb.Append(q[i]);
                    i++;
                }
                if (i >= q.Length)
                {
                    error = "unterminated quote in the query";
                    return false;
                }
                i++;
                tokens.Add(sb.ToString());
                continue;
            }
            var start = i;
            while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] is not '(' and not ')' and not '=' and not '!' and not '<' and not '>')
            {
                i++;
            }
            tokens.Add(q[start..i]);
        }
        return true;
    }

    [GeneratedRegex(@"^\.?[a-z_-]+$")]
    private static partial Regex TagKey();

    [GeneratedRegex(@"[tzTZ, ]+")]
    private static partial Regex SeparatorRun();
}
