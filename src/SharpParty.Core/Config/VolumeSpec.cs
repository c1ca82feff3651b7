using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>One grant of a volume: permission letters for a list of users (<c>*</c>, names, <c>@group</c>).</summary>
internal sealed record AccessGrant(Perm Perms, IReadOnlyList<string> Users);

/// <summary>A volume as written by the user (<c>-v</c> or a <c>[/vpath]</c> section), before accounts are applied.</summary>
/// <param name="Source">Filesystem path, as given.</param>
/// <param name="VPath">URL path without leading or trailing slash; "" is the root.</param>
internal sealed record VolumeSpec(string Source, string VPath, IReadOnlyList<AccessGrant> Grants, IReadOnlyDictionary<string, string> Flags);
