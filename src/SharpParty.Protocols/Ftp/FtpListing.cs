using System.Globalization;
using System.Text;
using SharpParty.Core.Vfs;
using SharpParty.Web.Browse;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// Folder listings in the three shapes clients ask for: LIST as <c>ls -l</c> (the format every client parses, dates
/// within six months with a time, older ones with a year), NLST as bare names, and MLSD/MLST facts (RFC 3659 §7) with a
/// <c>perm</c> fact saying what this user may do.
/// </summary>
internal static class FtpListing
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static void AppendLs(StringBuilder sb, DirEntry e, DateTimeOffset now)
    {
        sb.Append(e.IsDir ? "drwxr-xr-x" : "-rw-r--r--").Append(" 1 ftp ftp ")
            .Append(e.Size.ToString(CultureInfo.InvariantCulture).PadLeft(13)).Append(' ');
        var t = DateTimeOffset.FromUnixTimeSeconds(e.MTime).UtcDateTime;
        sb.Append(Months[t.Month - 1]).Append(' ').Append(t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)).Append(' ');
        // ls: a time for the last six months, else the year (clients parse both)
        if (Math.Abs((now.UtcDateTime - t).TotalDays) < 180)
        {
            sb.Append(t.ToString("HH:mm", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(' ').Append(t.Year.ToString(CultureInfo.InvariantCulture));
        }
        sb.Append(' ').Append(e.Name).Append("\r\n");
    }

    /// <summary>MLSD/MLST facts then a space and the name (RFC 3659 §7.2); <paramref name="type"/> is file, dir, cdir or pdir.</summary>
    public static void AppendFacts(StringBuilder sb, DirEntry e, string type, Perm perms, string name)
    {
        sb.Append("type=").Append(type).Append(';');
        if (!e.IsDir)
        {
            sb.Append("size=").Append(e.Size.ToString(CultureInfo.InvariantCulture)).Append(';');
        }
        sb.Append("modify=").Append(Timestamp(e.MTime)).Append(';');
        sb.Append("perm=").Append(PermFact(e.IsDir, perms)).Append(';');
        sb.Append(' ').Append(name).Append("\r\n");
    }

    /// <summary>RFC 3659 §7.5.5: for files a(ppend) d(elete) f(rename) r(etrieve) w(rite); for folders c(reate) d e(nter) f l(ist) m(kdir) p(urge).</summary>
    public static string PermFact(bool isDir, Perm p)
    {
        var sb = new StringBuilder(8);
        bool Has(Perm x) => (p & x) == x;
        if (isDir)
        {
            if (Has(Perm.Write)) sb.Append('c');
            if (Has(Perm.Delete)) sb.Append('d');
            sb.Append('e');
            if (Has(Perm.Move)) sb.Append('f');
            if (Has(Perm.Read)) sb.Append('l');
            if (Has(Perm.Write)) sb.Append('m');
            if (Has(Perm.Delete)) sb.Append('p');
        }
        else
        {
            if (Has(Perm.Write)) sb.Append('a');
            if (Has(Perm.Delete)) sb.Append('d');
            if (Has(Perm.Move)) sb.Append('f');
            if (Has(Perm.Read)) sb.Append('r');
            if (Has(Perm.Write)) sb.Append('w');
        }
        return sb.ToString();
    }

    /// <summary>RFC 3659 §2.3 time-val: YYYYMMDDHHMMSS in UTC.</summary>
    public static string Timestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string s, out DateTime utc) =>
        DateTime.TryParseExact(s.Length > 14 && s[14] == '.' ? s[..14] : s, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc);
}
