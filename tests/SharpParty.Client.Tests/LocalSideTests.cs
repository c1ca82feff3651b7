using System.Text.Json;
using SharpParty.Client.Up2k;

namespace SharpParty.Client.Tests;

public sealed class LocalSideTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-client-" + Guid.NewGuid().ToString("N")[..10]);

    public LocalSideTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "top", "sub", "deeper"));
        File.WriteAllText(Path.Combine(_root, "top", "b.txt"), "b");
        File.WriteAllText(Path.Combine(_root, "top", "a b.txt"), "ab");
        File.WriteAllText(Path.Combine(_root, "top", "sub", "c.txt"), "ccc");
        File.WriteAllText(Path.Combine(_root, "top", "sub", "deeper", "skip.log"), "x");
        File.WriteAllText(Path.Combine(_root, "single.bin"), "single");
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void A_folder_keeps_its_name_as_u2c()
    {
        var w = new SourceWalker([]);
        var e = w.Walk([Path.Combine(_root, "top")]);
        Assert.Empty(w.Errors);
        Assert.Equal(["top", "top/a b.txt", "top/b.txt", "top/sub", "top/sub/c.txt", "top/sub/deeper", "top/sub/deeper/skip.log"], e.Select(x => x.Rel));
        var c = e.Single(x => x.Rel == "top/sub/c.txt");
        Assert.Equal((3L, "c.txt", "top/sub", false), (c.Size, c.Name, c.RelDir, c.IsDir));
    }

    [Fact]
    public void A_trailing_slash_uploads_the_contents()
    {
        var e = new SourceWalker([]).Walk([Path.Combine(_root, "top") + "/"]);
        Assert.Equal(["", "a b.txt", "b.txt", "sub", "sub/c.txt", "sub/deeper", "sub/deeper/skip.log"], e.Select(x => x.Rel));
    }

    [Fact]
    public void A_file_goes_to_the_top()
    {
        var e = Assert.Single(new SourceWalker([]).Walk([Path.Combine(_root, "single.bin")]));
        Assert.Equal(("single.bin", ""), (e.Rel, e.RelDir));
    }

    [Fact]
    public void Exclusions_match_the_absolute_path_from_the_start()
    {
        var e = new SourceWalker([".*\\.LOG$"]).Walk([Path.Combine(_root, "top")]);
        Assert.DoesNotContain(e, x => x.Rel.EndsWith(".log", StringComparison.Ordinal));
        var none = new SourceWalker(["skip"]).Walk([Path.Combine(_root, "top")]);
        Assert.Contains(none, x => x.Rel.EndsWith(".log", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_paths_are_errors()
    {
        var w = new SourceWalker([]);
        Assert.Empty(w.Walk([Path.Combine(_root, "nope")]));
        Assert.Single(w.Errors);
    }

    [Fact]
    public void Mtime_has_its_fraction()
    {
        var p = Path.Combine(_root, "single.bin");
        File.SetLastWriteTimeUtc(p, DateTime.UnixEpoch.AddSeconds(1_700_000_000.25));
        var e = Assert.Single(new SourceWalker([]).Walk([p]));
        Assert.Equal(1_700_000_000.25, e.Mtime, 6);
    }

    [Fact]
    public async Task Hashes_match_copyparty_vectors_and_the_handshake_carries_them()
    {
        var p = Path.Combine(_root, "one.txt");
        await File.WriteAllTextAsync(p, "one");
        File.SetLastWriteTimeUtc(p, DateTime.UnixEpoch.AddSeconds(1_700_000_000.5));
        var job = new FileJob(new SourceWalker([]).Walk([p])[0]);
        using (var hasher = new ChunkHasher(2, _ => { }))
        {
            await hasher.HashAsync(job, CancellationToken.None);
        }
        // spec §2.2: "one" hashes to this
        Assert.Equal(["BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w"], job.Hashes);
        var opts = UpArgs.Parse(["http://h/", "f", "--ow", "--touch"], out _, out _)!;
        using var doc = JsonDocument.Parse(new Handshake(null!, opts).Body(job));
        var r = doc.RootElement;
        Assert.Equal("one.txt", r.GetProperty("name").GetString());
        Assert.Equal(3, r.GetProperty("size").GetInt64());
        Assert.Equal(1_700_000_000.5, r.GetProperty("lmod").GetDouble());
        Assert.Equal("BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w", r.GetProperty("hash")[0].GetString());
        Assert.True(r.GetProperty("replace").GetBoolean());
        Assert.True(r.GetProperty("umod").GetBoolean());
        Assert.False(r.TryGetProperty("srch", out _));
    }

    [Fact]
    public async Task Chunks_of_a_multi_chunk_file_hash_in_parallel_and_in_order()
    {
        var p = Path.Combine(_root, "three-chunks.bin");
        var data = new byte[(2 << 20) + 5];
        new Random(1).NextBytes(data);
        await File.WriteAllBytesAsync(p, data);
        var job = new FileJob(new SourceWalker([]).Walk([p])[0]);
        long seen = 0;
        using (var hasher = new ChunkHasher(3, n => Interlocked.Add(ref seen, n)))
        {
            await hasher.HashAsync(job, CancellationToken.None);
        }
        Assert.Equal(data.Length, seen);
        Assert.Equal(3, job.Hashes.Length);
        for (var i = 0; i < 3; i++)
        {
            var len = Math.Min(1 << 20, data.Length - (i << 20));
            Assert.Equal(SharpParty.Core.Up2k.Up2kHash.OfChunk(data.AsSpan(i << 20, len)), job.Hashes[i]);
        }
        Assert.True(job.TryLocate(job.Hashes[2], out var off, out var l));
        Assert.Equal((2L << 20, 5L), (off, l));
    }
}
