namespace SharpParty.Media.Tags;

/// <summary>
/// <c>-mte</c> (tags indexed and shown) and <c>-mth</c> (tags hidden by default) and their volume flags: a comma list
/// that replaces the list, or "+a,b" to add to it, or "-a,b" / "/a,b" to remove from it (copyparty's ordered-set merge).
/// </summary>
internal static class TagKeyList
{
    /// <summary>copyparty's default <c>-mte</c>.</summary>
    public const string DefaultMte = ".files,circle,album,.tn,artist,title,.bpm,key,.dur,.q,.vq,.aq,vc,ac,fmt,res,.fps,ahash,vhash";

    /// <summary>copyparty's default <c>-mth</c>.</summary>
    public const string DefaultMth = ".vq,.aq,vc,ac,fmt,res,.fps";

    public static IReadOnlyList<string> Parse(string list) => Apply([], list);

    /// <summary>Merges <paramref name="arg"/> into <paramref name="current"/>, keeping order and dropping duplicates.</summary>
    public static IReadOnlyList<string> Apply(IReadOnlyList<string> current, string arg)
    {
        var mode = arg.Length > 0 ? arg[0] : ' ';
        var words = (mode is '+' or '-' or '/' ? arg[1..] : arg)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = mode is '+' or '-' or '/' ? new List<string>(current) : [];
        foreach (var w in words)
        {
            if (mode is '-' or '/')
            {
                result.Remove(w);
            }
            else if (!result.Contains(w))
            {
                result.Add(w);
            }
        }

        return result;
    }
}
