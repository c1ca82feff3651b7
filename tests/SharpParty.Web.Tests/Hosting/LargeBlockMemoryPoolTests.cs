using SharpParty.Web.Hosting;

namespace SharpParty.Web.Tests.Hosting;

/// <summary>The pool behind Kestrel's pipes: whole blocks, reused after a return, a double return harmless.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_whole_reused_and_a_second_dispose_is_harmless()
    {
        using var pool = (LargeBlockMemoryPool)new LargeBlockMemoryPoolFactory().Create(new());
        var a = pool.Rent(2048);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, a.Memory.Length);
        a.Memory.Span.Fill(7);
        var first = a.Memory;
        a.Dispose();
        a.Dispose(); // a second return must not put the block in the pool twice
        using var b = pool.Rent();
        using var c = pool.Rent();
        Assert.True(b.Memory.Span.Overlaps(first.Span) ^ c.Memory.Span.Overlaps(first.Span));
        Assert.False(b.Memory.Span.Overlaps(c.Memory.Span));
        Assert.Throws<ObjectDisposedException>(() => a.Memory);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task The_server_runs_its_connections_on_this_pool()
    {
        await using var s = await Infra.TestServer.StartAsync(["-v", "up::rw"], root => Directory.CreateDirectory(Path.Combine(root, "up")));
        var factory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(s.Services);
        Assert.IsType<LargeBlockMemoryPoolFactory>(factory);
        // a body bigger than many blocks goes through the pipes intact
        var data = new byte[(3 << 20) + 12345];
        new Random(5).NextBytes(data);
        using var res = await s.Client.PutAsync("/big.bin", new ByteArrayContent(data));
        Assert.True(res.IsSuccessStatusCode, res.StatusCode.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(s.PathOf("up/big.bin")));
    }
}
