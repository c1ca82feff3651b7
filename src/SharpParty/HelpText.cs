using System.Text;
using SharpParty.Core.Config;

namespace SharpParty;

/// <summary><c>-h</c>: every option we implement with its default, then the copyparty options we accept but ignore.</summary>
internal static class HelpText
{
    public static string Render()
    {
        var sb = new StringBuilder();
        sb.AppendLine("sharpparty: a portable file server, command-line compatible with copyparty");
        sb.AppendLine();
        sb.AppendLine("usage: sharpparty [options]     (no options: share the current folder, read-write for everyone, on port 3923)");
        sb.AppendLine("       sharpparty up [options] URL PATH...     (upload to an up2k server, as u2c.py; see sharpparty up -h)");
        sb.AppendLine("       sharpparty send URL CODE PATHS... [--encrypt] [--compress auto|on|off] [--resume]   (through a relay, as p2p-copy)");
        sb.AppendLine("       sharpparty receive URL CODE [--out DIR] [--encrypt]     (see sharpparty send -h, receive -h)");
        sb.AppendLine("       sharpparty relay [HOST [PORT]] [--no-tls] [options]    (a relay alone, sharing no folder)");
        sb.AppendLine();
        sb.AppendLine("options (every --long-option also works in a config file's [global] section, without the dashes):");
        foreach (var o in OptionCatalog.All)
        {
            var left = o.Metavar.Length > 0 ? $"{o.Spelling} {o.Metavar}" : o.Spelling;
            var def = o.Default is null ? "" : $" (default: {o.Default})";
            sb.Append("  ").Append(left.PadRight(22)).Append(' ').Append(o.Help).AppendLine(def);
        }
        sb.AppendLine();
        sb.AppendLine("permissions: r=read w=write m=move d=delete g=get G=upget h=html a=admin .=dotfiles A=all (rwmda.)");
        sb.AppendLine("volume flags (c,...): dots, xvol (symlinks stay in this volume), unsafe_symlinks, hist=PATH");
        sb.AppendLine();
        sb.Append("other copyparty options are accepted with a warning and ignored (").Append(CopypartyFlags.All.Length).AppendLine(" known).");
        return sb.ToString();
    }
}
