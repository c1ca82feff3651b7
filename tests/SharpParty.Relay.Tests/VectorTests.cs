using System.Security.Cryptography;
using System.Text;
using SharpParty.Client.Relay;

namespace SharpParty.Relay.Tests;

/// <summary>The verified test vectors of spec p2p-copy-relay.md §1.3.5 and the message bytes of §1.3, byte for byte.</summary>
public class VectorTests
{
    private static readonly byte[] R = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void PlainHelloHashIsSha256OfTheCode() =>
        Assert.Equal("3c0f5f721a4a6dcb00cfaa2be31b3b10bf978c5c186fa3c389940be895534e93", Convert.ToHexStringLower(E2eCipher.PlainHelloHash("demo-code")));

    [Fact]
    public async Task EncryptedHelloHashKeyAndFirstManifestMatchTheReference()
    {
        var (hello, cipher) = await E2eCipher.DeriveAsync("demo-code");
        Assert.Equal("73066d178e22c6d8c05d7929c1dd2db964e404329f5204f2401d18b27ca87748", Convert.ToHexStringLower(hello));
        Assert.Equal("532f918e1e650d51396747a2804fdc34bae5d17a271f6c559a25d65b99f6e58f",
            Convert.ToHexStringLower(E2eCipher.Argon2("demo-code", Encoding.ASCII.GetBytes("cipher used for E2E-encryption"))));
        cipher.Seed(R);
        var manifest = RelayMessages.Manifest(false, []);
        Assert.Equal("{\"type\":\"manifest\",\"resume\":false,\"entries\":[]}", Encoding.UTF8.GetString(manifest));
        Assert.Equal("0a5888c6be5332838e60217c526d533fde851e79956db0a3f85c073cc8011d19c1d42fb4e96b0f5d19b1f944dffb2603004b74f4f11086a4dc5374de55cc62",
            Convert.ToHexStringLower(cipher.Encrypt(manifest)));

        // the receiver's side of the same chain decrypts it, and a second decrypt with the same nonce position fails
        var (_, other) = await E2eCipher.DeriveAsync("demo-code");
        other.Seed(R);
        var sealedManifest = Convert.FromHexString("0a5888c6be5332838e60217c526d533fde851e79956db0a3f85c073cc8011d19c1d42fb4e96b0f5d19b1f944dffb2603004b74f4f11086a4dc5374de55cc62");
        Assert.Equal(manifest, other.Decrypt(sealedManifest));
        Assert.Null(other.Decrypt(sealedManifest));
    }

    [Fact]
    public void BothArgon2idImplementationsGiveTheReferenceKey()
    {
        var salt = Encoding.ASCII.GetBytes("cipher used for E2E-encryption");
        const string K = "532f918e1e650d51396747a2804fdc34bae5d17a271f6c559a25d65b99f6e58f";
        Assert.Equal(K, Convert.ToHexStringLower(E2eCipher.ManagedArgon2("demo-code", salt)));
        var native = NativeArgon2.TryHash(Encoding.UTF8.GetBytes("demo-code"), salt, 3, 32 * 1024, 8);
        if (native is not null)
        {
            Assert.Equal(K, Convert.ToHexStringLower(native));
        }
    }

    [Fact]
    public void FirstNonceIsSha256OfSha256OfTheSeed()
    {
        var chain = new ChainedHash();
        chain.Next(R);
        Assert.Equal("2f287b4d3d4910f6cada9e1bd1b4648099e8c52c81aa4a6aebfa6fc86f19834e", Convert.ToHexStringLower(chain.Next([])));
        Assert.Equal(SHA256.HashData(SHA256.HashData(R)), chain.Current.ToArray());
    }

    [Fact]
    public void ZstdOfEmptyInputIsTheReferenceFrame()
    {
        using var codec = new ChunkCodec();
        var o = new byte[64];
        var n = codec.Compress([], o);
        Assert.Equal("28b52ffd2000010000", Convert.ToHexStringLower(o.AsSpan(0, n)));
        Assert.Equal(0, codec.Decompress(o.AsSpan(0, n), new byte[16]));
    }

    [Fact]
    public void ZstdFramesCarryTheirSizeAndBombsAreRefused()
    {
        using var codec = new ChunkCodec();
        var raw = new byte[1 << 20];
        var o = new byte[ChunkCodec.Bound(raw.Length)];
        var n = codec.Compress(raw, o);
        Assert.Equal((ulong)raw.Length, ZstdSharp.Decompressor.GetDecompressedSize(o.AsSpan(0, n)));
        Assert.Equal(-1, codec.Decompress(o.AsSpan(0, n), new byte[1000]));
        Assert.Equal(raw.Length, codec.Decompress(o.AsSpan(0, n), new byte[2 << 20]));
    }

    [Fact]
    public void ControlMessagesAreP2pCopysBytes()
    {
        Assert.Equal("{\"type\":\"hello\",\"code_hash_hex\":\"ab\",\"role\":\"sender\"}", Encoding.UTF8.GetString(RelayMessages.Hello("ab", true)));
        Assert.Equal("{\"type\":\"manifest\",\"resume\":true,\"entries\":[{\"path\":\"d/empty\",\"size\":0},{\"path\":\"d/ü €.bin\",\"size\":2500000}]}",
            Encoding.UTF8.GetString(RelayMessages.Manifest(true, [new("d/empty", 0), new("d/ü €.bin", 2500000)])));
        Assert.Equal("{\"type\":\"file\",\"path\":\"d/rand.bin\",\"size\":2500000,\"compression\":\"zstd\",\"append_from\":1500000}",
            Encoding.UTF8.GetString(RelayMessages.File(new FileHeader("d/rand.bin", 2500000, true, 1500000))));
        Assert.Equal("{\"type\":\"receiver_manifest\",\"entries\":[{\"path\":\"a\",\"size\":3,\"chain_hex\":\"00ff\"}]}",
            Encoding.UTF8.GetString(RelayMessages.ReceiverManifest([new("a", 3, "00ff")])));
        Assert.Equal("{\"type\":\"enc_file\",\"hidden_file\":\"0aff\"}", Encoding.UTF8.GetString(RelayMessages.EncFile([0x0a, 0xff])));
        Assert.Equal("{\"type\":\"file_eof\"}", Encoding.UTF8.GetString(RelayMessages.FileEof));
        Assert.Equal("{\"type\":\"eof\"}", Encoding.UTF8.GetString(RelayMessages.Eof));
    }

    [Fact]
    public void AnEmptyChunkFrameIs40BytesWithTheHashOfNothing()
    {
        using var b = new FrameBuilder(CompressMode.Off, null);
        Assert.False(b.Decide([]));
        b.StartFile();
        var (frame, len) = b.Build([]);
        Assert.Equal(40, len);
        Assert.Equal(new byte[8], frame[..8]);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(frame.AsSpan(8, 32)));
    }

    [Fact]
    public void FramesChainOverTheCompressedPlaintextAndCountFromZero()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 100000).Select(i => i + "\n")));
        using var b = new FrameBuilder(CompressMode.Auto, null);
        Assert.True(b.Decide(text));
        b.StartFile();
        var (f0, l0) = b.Build(text);
        var (f1, l1) = b.Build(text);
        using var codec = new ChunkCodec();
        var z = new byte[ChunkCodec.Bound(text.Length)];
        var zn = codec.Compress(text, z);
        Assert.Equal(40 + zn, l0);
        Assert.Equal(1UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(f1));
        var c0 = SHA256.HashData(z.AsSpan(0, zn));
        Assert.Equal(c0, f0[8..40]);
        Assert.Equal(SHA256.HashData([.. c0, .. z.AsSpan(0, zn)]), f1[8..40]);
        Assert.Equal(z.AsSpan(0, zn).ToArray(), f1.AsSpan(40, l1 - 40).ToArray());
    }

    [Fact]
    public void RandomDataIsNotCompressedInAutoButIsWithOn()
    {
        var rnd = new byte[1 << 20];
        new Random(1).NextBytes(rnd);
        using var auto = new FrameBuilder(CompressMode.Auto, null);
        Assert.False(auto.Decide(rnd));
        using var on = new FrameBuilder(CompressMode.On, null);
        Assert.True(on.Decide(rnd));
    }
}
