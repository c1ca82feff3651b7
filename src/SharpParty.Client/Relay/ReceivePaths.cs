using SharpParty.Core.Vfs;

namespace SharpParty.Client.Relay;

/// <summary>
/// Where a manifest path may be written: only below <c>--out</c> (p2p-copy's receiver resolves whatever it is sent,
/// so <c>../x</c> and <c>/etc/x</c> escape: spec §1.4 defect 1). Each segment passes the same check as an upload's
/// name (<see cref="UrlPath.SegmentOk"/>: no dot segments, backslashes, control characters or lookalikes), and the
/// deepest existing folder must resolve, through symlinks, to a place inside <c>--out</c>.
/// </summary>
internal sealed class ReceivePaths
{
    private readonly string _root;
    private readonly string _realRoot;

    /// <summary>When set, decides where a (shape-checked) path goes instead of the symlink check below <c>--out</c>:
    /// the full path, or null and why not. The relay's mailbox resolves through the server's Vfs here.</summary>
    private readonly Func<string, (string? Full, string Error)>? _resolve;

    public ReceivePaths(string outDir, Func<string, (string? Full, string Error)>? resolve = null)
    {
        _resolve = resolve;
        _root = Path.GetFullPath(outDir).TrimEnd('/');
        if (_root.Length == 0)
        {
            _root = "/";
        }
        _realRoot = SymlinkGuard.RealPath(_root) ?? _root;
    }

    public string Root => _root;

    /// <summary>Checks the path's shape only (no disk access): used on the whole manifest before anything is written.</summary>
    public static bool IsSafe(string rel, out string error)
    {
        error = "";
        if (rel.Length == 0)
        {
            error = "empty path";
            return false;
        }
        if (rel[0] == '/')
        {
            error = "absolute path";
            return false;
        }
        foreach (var seg in rel.Split('/'))
        {
            if (!UrlPath.SegmentOk(seg, out error))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The full path to write, or false when the path is unsafe or a symlinked folder leads outside <c>--out</c>.</summary>
    public bool TryResolve(string rel, out string full, out string error)
    {
        full = "";
        if (!IsSafe(rel, out error))
        {
            return false;
        }
        if (_resolve is not null)
        {
            (var f, error) = _resolve(rel);
            full = f ?? "";
            return f is not null;
        }
        full = _root == "/" ? "/" + rel : _root + "/" + rel;
        var real = SymlinkGuard.RealPathOfDeepestExisting(Path.GetDirectoryName(full)!);
        if (real is null || !SymlinkGuard.IsUnder(real, _realRoot))
        {
            error = "a symlink leads outside the output folder";
            return false;
        }
        return true;
    }

    /// <summary>Where a file grows until it is complete: <c>.NAME.PARTIAL</c> beside it (hidden, as copyparty's --dotpart).</summary>
    public static string TempOf(string full) => Path.Join(Path.GetDirectoryName(full), "." + Path.GetFileName(full) + ".PARTIAL");
}
