using System.Security.Cryptography;

namespace SharpParty.Core.Storage;

/// <summary>
/// Names of files still being written (PUT, multipart): hidden dotfiles next to their target, never listed and never
/// served, so a half-written upload is never seen as a finished file.
/// </summary>
internal static class TempNames
{
    private const string Prefix = ".sp-";
    private const string Suffix = ".PARTIAL";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + Suffix;

    public static bool IsTemp(ReadOnlySpan<char> name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal);
}
