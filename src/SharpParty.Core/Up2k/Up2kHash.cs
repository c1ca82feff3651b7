using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SharpParty.Core.Up2k;

/// <summary>
/// The identifiers of up2k (spec §2.2): a chunk hash is SHA-512 of the chunk cut to 33 bytes, in base64url (44 chars);
/// the wark is the same cut of SHA-512 over "salt\nsize\nh1\nh2…", so it depends on content only; the metadata wark
/// ("#" + 43 chars) stands in where there is no content hash (empty files, <c>noclone</c>).
/// </summary>
internal static class Up2kHash
{
    /// <summary>Length of every chunk hash and content wark.</summary>
    public const int Length = 44;

    /// <summary>Bytes of SHA-512 kept: 33 bytes are exactly 44 base64 chars with no padding.</summary>
    private const int Kept = 33;

    /// <summary>copyparty's default <c>--warksalt</c>.</summary>
    public const string DefaultSalt = "hunter2";

    /// <summary>Encodes the first 33 bytes of a SHA-512 digest as 44 base64url chars.</summary>
    public static string Encode(ReadOnlySpan<byte> sha512) => Base64Url.EncodeToString(sha512[..Kept]);

    public static string OfChunk(ReadOnlySpan<byte> data)
    {
        Span<byte> d = stackalloc byte[64];
        SHA512.HashData(data, d);
        return Encode(d);
    }

    public static string Wark(string salt, long size, IReadOnlyList<string> hashes)
    {
        var sb = new StringBuilder(salt.Length + 24 + (hashes.Count * (Length + 1)));
        sb.Append(salt).Append('\n').Append(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var h in hashes)
        {
            sb.Append('\n').Append(h);
        }
        Span<byte> d = stackalloc byte[64];
        SHA512.HashData(Encoding.UTF8.GetBytes(sb.ToString()), d);
        return Encode(d);
    }

    /// <param name="folder">the file's folder relative to its volume, as copyparty's <c>rd</c></param>
    public static string MetaWark(string salt, long size, long lmod, string folder, string name)
    {
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{salt}\n{lmod}\n{size}\n{folder}\n{name}");
        Span<byte> d = stackalloc byte[64];
        SHA512.HashData(Encoding.UTF8.GetBytes(text), d);
        return ("#" + Base64Url.EncodeToString(d))[..Length];
    }

    /// <summary>True for exactly 44 chars of <c>[0-9A-Za-z_-]</c>, the only form copyparty accepts.</summary>
    public static bool IsValid(ReadOnlySpan<char> h)
    {
        if (h.Length != Length)
        {
            return false;
        }
        foreach (var c in h)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }
        return true;
    }
}
