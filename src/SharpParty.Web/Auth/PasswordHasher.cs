using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace SharpParty.Web.Auth;

/// <summary>
/// <c>--ah-alg argon2[,T,M,P]</c>: passwords as argon2id hashes, in copyparty's format ("+" and the 24-byte hash in
/// base64url), with copyparty's defaults (3 iterations, 256 MiB, 4 lanes, version 19) and its static <c>--ah-salt</c>,
/// so a copyparty config holding hashed passwords works unchanged given the same salt. A presented password is hashed
/// once and cached, as copyparty does, so only the first request with it pays for argon2.
/// </summary>
internal sealed class PasswordHasher
{
    /// <summary>copyparty clears its cache past 9000 entries; so do we.</summary>
    private const int CacheMax = 9000;

    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);
    private readonly byte[] _salt;
    private readonly int _iterations = 3;
    private readonly int _memoryMiB = 256;
    private readonly int _lanes = 4;

    public PasswordHasher(string alg, string salt)
    {
        var parts = alg.Split(',');
        Enabled = parts[0] == "argon2";
        _salt = Encoding.UTF8.GetBytes(salt);
        if (parts.Length >= 4)
        {
            _iterations = int.Parse(parts[1], CultureInfo.InvariantCulture);
            _memoryMiB = int.Parse(parts[2], CultureInfo.InvariantCulture);
            _lanes = int.Parse(parts[3], CultureInfo.InvariantCulture);
        }
    }

    public bool Enabled { get; }

    /// <summary>A configured password: "+hash" as given, or plain text hashed now.</summary>
    public string Stored(string configured) => !Enabled || configured.StartsWith('+') ? configured : Hash(configured);

    /// <summary>What a presented password is compared against: itself, or its hash.</summary>
    public string Hash(string plain)
    {
        if (!Enabled)
        {
            return plain;
        }
        if (_cache.TryGetValue(plain, out var h))
        {
            return h;
        }
        if (plain.Length is 0 or > 255)
        {
            return "";
        }
        using var a = new Argon2id(Encoding.UTF8.GetBytes(plain))
        {
            Salt = _salt,
            Iterations = _iterations,
            MemorySize = _memoryMiB * 1024,
            DegreeOfParallelism = _lanes,
        };
        var raw = a.GetBytes(24);
        h = "+" + Convert.ToBase64String(raw).TrimEnd('=').Replace('/', '_').Replace('+', '-');
        if (_cache.Count > CacheMax)
        {
            _cache.Clear();
        }
        _cache[plain] = h;
        return h;
    }

    /// <summary>A random salt for first start (copyparty keeps its own in ah-salt.txt).</summary>
    public static string GenerateSalt() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('/', '_').Replace('+', '-');
}
