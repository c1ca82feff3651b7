using System.Collections.Frozen;

namespace SharpParty.Core.Vfs;

/// <summary>A mounted volume with its permissions already expanded for every user (groups and <c>*</c> folded in).</summary>
internal sealed class Volume
{
    public Volume(string vpath, string realPath, FrozenDictionary<string, string> flags, Perm everyone,
        FrozenDictionary<string, Perm> users, string histPath)
    {
        VPath = vpath;
        RealPath = realPath;
        Flags = flags;
        Everyone = everyone;
        Users = users;
        HistPath = histPath;
    }

    /// <summary>URL path without leading or trailing slash; "" is the root.</summary>
    public string VPath { get; }

    /// <summary>Absolute filesystem path with symlinks resolved, no trailing slash (except "/").</summary>
    public string RealPath { get; }

    public FrozenDictionary<string, string> Flags { get; }

    /// <summary>What anyone (<c>*</c>) may do here; every account gets at least this.</summary>
    public Perm Everyone { get; }

    public FrozenDictionary<string, Perm> Users { get; }

    /// <summary>Folder for this volume's databases and caches (<c>VOL/.hist</c> unless <c>--hist</c>/<c>hist=</c>).</summary>
    public string HistPath { get; }

    public Perm PermsFor(string user) =>
        user == Identity.Anonymous ? Everyone : Everyone | Users.GetValueOrDefault(user);

    public bool HasFlag(string name) => Flags.ContainsKey(name);
}

internal static class Identity
{
    /// <summary>copyparty's name for the anonymous user.</summary>
    public const string Anonymous = "*";
}
