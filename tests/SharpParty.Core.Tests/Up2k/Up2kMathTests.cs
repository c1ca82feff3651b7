using System.Text;
using SharpParty.Core.Up2k;
using Xunit;

namespace SharpParty.Core.Tests.Up2k;

public sealed class Up2kMathTests
{
    private const long M = 1 << 20;

    /// <summary>The ladder of spec §2.3, checked at each boundary against copyparty 1.15.9's up2k_chunksize.</summary>
    [Theory]
    [InlineData(0, 1048576)]
    [InlineData(1, 1048576)]
    [InlineData(256 * M, 1048576)]
    [InlineData(256 * M + 1, 1572864)]
    [InlineData(384 * M + 1, 2097152)]
    [InlineData(512 * M + 1, 3145728)]
    [InlineData(768 * M + 1, 4194304)]
    [InlineData(1024 * M + 1, 6291456)]
    [InlineData(1536 * M + 1, 8388608)]
    [InlineData(2048 * M + 1, 12582912)]
    [InlineData(3072 * M + 1, 16777216)]
    [InlineData(4096 * M + 1, 25165824)]
    [InlineData(6144 * M + 1, 33554432)]
    [InlineData(128 * 1024 * M, 33554432)]
    [InlineData(128 * 1024 * M + 1, 50331648)]
    [InlineData(192 * 1024 * M + 1, 67108864)]
    [InlineData(256 * 1024 * M + 1, 100663296)]
    [InlineData(384 * 1024 * M + 1, 134217728)]
    [InlineData(2000 * 1024 * M, 536870912)]
    public void ChunkSizeLadder(long size, long expected) => Assert.Equal(expected, ChunkSize.For(size));

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, M, 1)]
    [InlineData(M, M, 1)]
    [InlineData(M + 1, M, 2)]
    public void ChunkCount(long size, long cs, long n) => Assert.Equal(n, ChunkSize.Chunks(size, cs));

    /// <summary>Vectors of spec §2.2 (salt hunter2, from copyparty's own tests).</summary>
    [Theory]
    [InlineData("one", "BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w", "XMbpLRqVdtGmgggqjUI6uSoNMTqZVX4K6zr74XA1BRKc")]
    [InlineData("two", "ko1Q0eJNq3zKYs_oT83Pn8aVFgonj5G1wK8itwnYL4qj", "fxvihWlnQIbVbUPr--TxyV41913kPLhXPD1ngXYxDfou")]
    public void SpecVectors(string body, string chunk, string wark)
    {
        var h = Up2kHash.OfChunk(Encoding.UTF8.GetBytes(body));
        Assert.Equal(chunk, h);
        Assert.Equal(wark, Up2kHash.Wark(Up2kHash.DefaultSalt, body.Length, [h]));
    }

    [Fact]
    public void WarkUsesTheSalt() =>
        Assert.Equal("WS3s71-KzOZWKK9dQK0fKmNrRC3ZEFvrL4-gFfbJOIew", Up2kHash.Wark("salt2", 3, [new string('a', 44)]));

    /// <summary>Metadata warks computed with copyparty 1.15.9's up2k_wark_from_metadata.</summary>
    [Theory]
    [InlineData(0, 1700000000, "inc/raw", "empty.txt", "#rI_15t6uukVTjIEKjHMujdcZSvSrAUVDDcXLPh5jzNv")]
    [InlineData(5, 1700000000, "", "ünï côde.txt", "#-1YPeVprD9h2f9nQ1hXIRPdAzPDDnGMDDrie4SJvgMQ")]
    public void MetaWark(long size, long lmod, string folder, string name, string expected) =>
        Assert.Equal(expected, Up2kHash.MetaWark(Up2kHash.DefaultSalt, size, lmod, folder, name));

    [Theory]
    [InlineData("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w", true)]
    [InlineData("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6", false)]
    [InlineData("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w=", false)]
    [InlineData("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq+w", false)]
    [InlineData("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq/w", false)]
    [InlineData("", false)]
    public void HashValidation(string h, bool ok) => Assert.Equal(ok, Up2kHash.IsValid(h));
}
