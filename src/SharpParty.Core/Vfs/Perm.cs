namespace SharpParty.Core.Vfs;

/// <summary>
/// Permission letters as copyparty parses them (set <c>rwmdgGhaA.</c>); see the reference §1.2.
/// </summary>
[Flags]
internal enum Perm : ushort
{
    None = 0,
    /// <summary><c>r</c>: list folders, download, zip/tar.</summary>
    Read = 1,
    /// <summary><c>w</c>: upload, move into.</summary>
    Write = 2,
    /// <summary><c>m</c>: move/rename out of.</summary>
    Move = 4,
    /// <summary><c>d</c>: delete; also needed to overwrite.</summary>
    Delete = 8,
    /// <summary><c>g</c>: download when the exact URL is known; no listing.</summary>
    Get = 16,
    /// <summary><c>G</c>: upget, <c>g</c> plus filekeys of one's own uploads.</summary>
    UpGet = 32,
    /// <summary><c>h</c>: <c>g</c> plus folder URLs return their index.html.</summary>
    Html = 64,
    /// <summary><c>a</c>: admin.</summary>
    Admin = 128,
    /// <summary><c>.</c>: may see dotfiles.</summary>
    Dots = 256,
}

internal static class PermLetters
{
    /// <summary>Parses a permission word such as <c>rwmd</c>, <c>wG</c> or <c>A</c>; false on an unknown letter.</summary>
    public static bool TryParse(ReadOnlySpan<char> letters, out Perm perm, out char bad)
    {
        perm = Perm.None;
        bad = '\0';
        foreach (var c in letters)
        {
            switch (c)
            {
                case 'r': perm |= Perm.Read; break;
                case 'w': perm |= Perm.Write; break;
                case 'm': perm |= Perm.Move; break;
                case 'd': perm |= Perm.Delete; break;
                case 'g': perm |= Perm.Get; break;
                // copyparty expands G to gG and h to gh
                case 'G': perm |= Perm.Get | Perm.UpGet; break;
                case 'h': perm |= Perm.Get | Perm.Html; break;
                case 'a': perm |= Perm.Admin; break;
                case '.': perm |= Perm.Dots; break;
                // A = "all" = rwmda.
                case 'A': perm |= Perm.Read | Perm.Write | Perm.Move | Perm.Delete | Perm.Admin | Perm.Dots; break;
                default:
                    bad = c;
                    return false;
            }
        }
        return letters.Length > 0;
    }

    /// <summary>The names copyparty puts in <c>?ls</c> "perms", in its order.</summary>
    public static List<string> ToLsNames(Perm p)
    {
        var list = new List<string>(7);
        if ((p & Perm.Read) != 0) list.Add("read");
        if ((p & Perm.Write) != 0) list.Add("write");
        if ((p & Perm.Move) != 0) list.Add("move");
        if ((p & Perm.Delete) != 0) list.Add("delete");
        if ((p & Perm.Get) != 0) list.Add("get");
        if ((p & Perm.UpGet) != 0) list.Add("upget");
        if ((p & Perm.Admin) != 0) list.Add("admin");
        return list;
    }
}
