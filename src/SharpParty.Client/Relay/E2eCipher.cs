using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SharpParty.Client.Relay;

/// <summary>
/// p2p-copy's end-to-end encryption (spec §1.3.2): AES-256-GCM, no AAD, with a key from Argon2id(code) and a 32-byte
/// IV taken from a SHA-256 chain that both sides advance once per encrypt or decrypt, in one shared order. .NET's
/// <c>AesGcm</c> only takes 12-byte nonces, so GCM comes from BouncyCastle (with AES-NI through <c>AesUtilities</c>).
/// </summary>
internal sealed class E2eCipher
{
    public const int TagSize = 16;

    private static readonly byte[] HelloSalt = "code_hash used for hello-match"u8.ToArray();
    private static readonly byte[] KeySalt = "cipher used for E2E-encryption"u8.ToArray();

    private readonly KeyParameter _key;
    private readonly ChainedHash _nonces = new();
    private readonly GcmBlockCipher _gcm = new(AesUtilities.CreateEngine());

    /// <summary>Whether the GCM object holds the key: later inits pass no key, which skips BouncyCastle's key
    /// schedule and GHASH table set-up (two per small file otherwise).</summary>
    private bool _keyed;

    private E2eCipher(byte[] key) => _key = new KeyParameter(key);

    private AeadParameters Next()
    {
        var p = new AeadParameters(_keyed ? null : _key, TagSize * 8, _nonces.Next([]).ToArray());
        _keyed = true;
        return p;
    }

    /// <summary>Both derivations (hello hash and key) at once: each is Argon2id t=3, m=32 MiB, p=8, 32 bytes.</summary>
    public static async Task<(byte[] HelloHash, E2eCipher Cipher)> DeriveAsync(string code)
    {
        var hello = Task.Run(() => Argon2(code, HelloSalt));
        var key = Task.Run(() => Argon2(code, KeySalt));
        return (await hello, new E2eCipher(await key));
    }

    public static byte[] Argon2(string code, byte[] salt) =>
        NativeArgon2.TryHash(Encoding.UTF8.GetBytes(code), salt, 3, 32 * 1024, 8) ?? ManagedArgon2(code, salt);

    public static byte[] ManagedArgon2(string code, byte[] salt)
    {
        using var a = new Argon2id(Encoding.UTF8.GetBytes(code))
        {
            Salt = salt,
            Iterations = 3,
            MemorySize = 32 * 1024,
            DegreeOfParallelism = 8,
        };
        return a.GetBytes(32);
    }

    /// <summary>The hello hash without encryption: plain sha256 of the code (unsalted, as p2p-copy).</summary>
    public static byte[] PlainHelloHash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));

    /// <summary>Starts the nonce chain from the sender's random seed R (sent in hex as <c>nonce</c> in <c>enc_manifest</c>).</summary>
    public void Seed(ReadOnlySpan<byte> r) => _nonces.Next(r);

    /// <summary>Writes ciphertext || tag (input length + 16 bytes) to <paramref name="output"/>; returns its length.</summary>
    public int Encrypt(ReadOnlySpan<byte> plain, Span<byte> output)
    {
        _gcm.Init(true, Next());
        var n = _gcm.ProcessBytes(plain, output);
        return n + _gcm.DoFinal(output[n..]);
    }

    /// <summary>Returns the plaintext length, or -1 when the tag does not verify.</summary>
    public int Decrypt(ReadOnlySpan<byte> sealedData, Span<byte> output)
    {
        if (sealedData.Length < TagSize)
        {
            return -1;
        }
        _gcm.Init(false, Next());
        try
        {
            var n = _gcm.ProcessBytes(sealedData, output);
            return n + _gcm.DoFinal(output[n..]);
        }
        catch (InvalidCipherTextException)
        {
            return -1;
        }
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plain)
    {
        var o = new byte[plain.Length + TagSize];
        Encrypt(plain, o);
        return o;
    }

    public byte[]? Decrypt(ReadOnlySpan<byte> sealedData)
    {
        var o = new byte[Math.Max(0, sealedData.Length - TagSize) + TagSize];
        var n = Decrypt(sealedData, o);
        return n < 0 ? null : o[..n];
    }
}
