using System.Globalization;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Browse;

/// <summary><c>?ls=t</c> (plain) and <c>?ls=v</c> (ANSI colours, the default for curl): one line per entry, folders first.</summary>
internal static class ListingText
{
    public static Task WriteAsync(RequestContext rc, ArraySegment<DirEntry> entries, bool ansi)
    {
        var sb = new StringBuilder();
        sb.Append("# acct: ").Append(rc.User).Append('\n');
        sb.Append("# perms: ").Append(string.Join(", ", PermLetters.ToLsNames(rc.Target.Perms))).Append('\n');
        sb.Append("# srvinf: ").Append(ListingJson.ServerInfo(rc, " // ")).Append('\n');
        if (rc.Target.Can(Perm.Read))
        {
            foreach (var e in entries.Where(e => e.IsDir).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
                .Concat(entries.Where(e => !e.IsDir).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)))
            {
                var ts = DateTimeOffset.FromUnixTimeSeconds(e.MTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                var name = e.IsDir ? e.Name + "/" : e.Name;
                if (ansi)
                {
                    var size = ListingJson.Human(e.Size);
                    sb.Append("\u001b[36m").Append(ts).Append("\u001b[0m ")
                        .Append(e.IsDir ? "\u001b[35m" : "\u001b[33m").Append(size.PadLeft(10)).Append("\u001b[0m ")
                        .Append(e.IsDir ? "\u001b[94m" : "").Append(Sanitize(name)).Append(e.IsDir ? "\u001b[0m" : "").Append('\n');
                }
                else
                {
                    sb.Append(ts).Append(' ').Append(e.Size.ToString("N0", CultureInfo.InvariantCulture).PadLeft(14)).Append("  ")
                        .Append(Sanitize(name)).Append('\n');
                }
            }
        }
        return Reply.Text(rc, 200, sb.ToString());
    }

    /// <summary>File names may hold escape characters; never let one reach a terminal raw.</summary>
    private static string Sanitize(string s) =>
        s.Any(char.IsControl) ? new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : s;
}
