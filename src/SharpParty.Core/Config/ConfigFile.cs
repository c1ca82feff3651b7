namespace SharpParty.Core.Config;

/// <summary>What one config file (with its includes) contributes, in file order.</summary>
internal sealed record ConfigFileContent(
    IReadOnlyList<KeyValuePair<string, string?>> Global,
    IReadOnlyList<string> Accounts,
    IReadOnlyList<string> Groups,
    IReadOnlyList<VolumeSpec> Volumes);

internal static class ConfigFile
{
    public static bool TryLoad(string path, out ConfigFileContent? content, out string error)
    {
        content = null;
        error = $"-c {path}: config files are not supported in this build yet";
        return false;
    }
}
