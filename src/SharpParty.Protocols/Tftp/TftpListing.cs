using System.Globalization;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Browse;

namespace SharpParty.Protocols.Tftp;

/// <summary>
/// The folder listing a TFTP client gets for <c>.ls</c> (or a folder's own name), in copyparty's layout so that scripts
/// written against it keep working: a "# permissions:" line, then "YYYY-MM-DD HH:MM:SS  SIZE  NAME" per entry, folders
/// first with a trailing slash, each group sorted by name, sizes right-aligned with thousands separators, times in UTC.
/// </summary>
internal static class TftpListing
{
    public static byte[] Render(VfsTree vfs, VfsPath folder)
    {
        using var list = DirectoryLister.List(vfs, folder, folder.Can(Perm.Dots), Identity.Anonymous);
        var rows = new List<(string When, long Size, string Name)>(list.Count);
        foreach (var dir in list.Items.Where(e => e.IsDir).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            rows.Add((When(dir.MTime), dir.Size, dir.Name + "/"));
        }
        foreach (var file in list.Items.Where(e => !e.IsDir).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            rows.Add((When(file.MTime), file.Size, file.Name));
        }
        var perms = new List<string>(3);
        if (folder.Can(Perm.Read))
        {
            perms.Add("read");
        }
        if (folder.Can(Perm.Dots))
        {
            perms.Add("hidden");
        }
        if (folder.Can(Perm.Write))
        {
            perms.Add(folder.Can(Perm.Delete) ? "overwrite" : "write");
        }
        var width = rows.Count == 0 ? 1 : rows.Max(r => r.Size.ToString("N0", CultureInfo.InvariantCulture).Length);
        var sb = new StringBuilder();
        sb.Append("# permissions: ").AppendJoin(", ", perms).Append('\n');
        foreach (var (when, size, name) in rows)
        {
            sb.Append(when).Append("  ").Append(size.ToString("N0", CultureInfo.InvariantCulture).PadLeft(width)).Append("  ").Append(name).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string When(long unix) => unix <= 0
        ? "????-??-?? ??:??:??"
        : DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
