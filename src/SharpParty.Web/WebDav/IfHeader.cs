namespace SharpParty.Web.WebDav;

/// <summary>One condition of an If header list: a state token or an entity tag, maybe negated (RFC 4918 §10.4.2).</summary>
internal readonly record struct IfCondition(bool Not, string? Token, string? ETag);

/// <summary>A list of conditions, all of which must hold; <see cref="Tag"/> is the resource it is about, or null for
/// the request URI (a No-tag-list).</summary>
internal sealed record IfList(string? Tag, List<IfCondition> Conditions);

/// <summary>Parses the If header (RFC 4918 §10.4): <c>[&lt;uri&gt;] (cond ...) ...</c>, bounded in size.</summary>
internal static class IfHeader
{
    private const int MaxLists = 256;

    public static bool TryParse(string s, out List<IfList> lists)
    {
        lists = [];
        string? tag = null;
        var sawTagged = false;
        var sawUntagged = false;
        var i = 0;
        while (true)
        {
            SkipSpace(s, ref i);
            if (i >= s.Length)
            {
                return lists.Count > 0;
            }
            if (s[i] == '<')
            {
                // a Resource-Tag starts a Tagged-list (§10.4.2); the two forms may not be mixed
                var end = s.IndexOf('>', i);
                if (end < 0)
                {
                    return false;
                }
                tag = s[(i + 1)..end];
                sawTagged = true;
                i = end + 1;
                SkipSpace(s, ref i);
                if (i >= s.Length || s[i] != '(')
                {
                    return false;
                }
                continue;
            }
            if (s[i] != '(')
            {
                return false;
            }
            if (tag is null)
            {
                sawUntagged = true;
            }
            if (sawTagged && sawUntagged)
            {
                return false;
            }
            i++;
            var conds = new List<IfCondition>();
            while (true)
            {
                SkipSpace(s, ref i);
                if (i >= s.Length)
                {
                    return false;
                }
                if (s[i] == ')')
                {
                    i++;
                    break;
                }
                var not = false;
                if (string.CompareOrdinal(s, i, "Not", 0, 3) == 0)
                {
                    not = true;
                    i += 3;
                    SkipSpace(s, ref i);
                    if (i >= s.Length)
                    {
                        return false;
                    }
                }
                if (s[i] == '<')
                {
                    var end = s.IndexOf('>', i);
                    if (end < 0)
                    {
                        return false;
                    }
                    conds.Add(new IfCondition(not, s[(i + 1)..end], null));
                    i = end + 1;
                }
                else if (s[i] == '[')
                {
                    var end = s.IndexOf(']', i);
                    if (end < 0)
                    {
                        return false;
                    }
                    conds.Add(new IfCondition(not, null, s[(i + 1)..end]));
                    i = end + 1;
                }
                else
                {
                    return false;
                }
            }
            if (conds.Count == 0 || lists.Count >= MaxLists)
            {
                return false;
            }
            lists.Add(new IfList(tag, conds));
        }
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
        {
            i++;
        }
    }
}
