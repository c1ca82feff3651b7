using SharpParty.Core.Up2k;
using Xunit;

namespace SharpParty.Core.Tests.Up2k;

/// <summary>The scanner's one-read small-file hash (O_DIRECT where the filesystem takes it, tmpfs the ordinary way) gives
/// the same wark as the chunked async hasher, which matches the up2k clients.</summary>
public sealed class FileHasherTests
{
    public static TheoryData<string, int> Cases()
    {
        var d = new TheoryData<string, int>();
        // /tmp: a disk filesystem (O_DIRECT); /dev/shm: tmpfs, which refuses O_DIRECT
        foreach (var root in new[] { Path.GetTempPath(), "/dev/shm/" })
        {
            foreach (var size in new[] { 1, 511, 4095, 4096, 4097, 65536, 1_000_003, (1 << 20) - 4096, (1 << 20) - 1, 1 << 20 })
            {
                d.Add(root, size);
            }
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_small_file_hash_equals_the_chunked_one(string root, int size)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        var path = Path.Combine(root, "sp-fh-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var data = new byte[size];
            new Random(size).NextBytes(data);
            await File.WriteAllBytesAsync(path, data);
            var (want, _, wantSize) = await FileHasher.HashAsync(path, "salt", 1, default);
            var (got, gotSize) = FileHasher.HashSmall(path, "salt");
            Assert.Equal(size, wantSize);
            Assert.Equal(size, gotSize);
            Assert.Equal(want, got);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_bigger_than_one_chunk_is_not_hashed_as_small()
    {
        var path = Path.Combine(Path.GetTempPath(), "sp-fh-big-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.WriteAllBytes(path, new byte[(1 << 20) + 1]);
            var (wark, size) = FileHasher.HashSmall(path, "salt");
            Assert.Equal("", wark);
            Assert.Equal((1 << 20) + 1, size);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task With_a_cpu_gate_the_hashing_waits_for_a_slot_and_gives_the_same_wark()
    {
        // --hash-mt: the scan's readers hold one of the cores' slots only while they hash
        var small = Path.Combine(Path.GetTempPath(), "sp-fh-gate-" + Guid.NewGuid().ToString("N")[..8]);
        var big = small + "-big";
        try
        {
            File.WriteAllBytes(small, [.. Enumerable.Range(0, 70_000).Select(i => (byte)i)]);
            File.WriteAllBytes(big, [.. Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7))]);
            using var gate = new SemaphoreSlim(0, 1);
            var gatedSmall = Task.Run(() => FileHasher.HashSmall(small, "salt", gate));
            var gatedBig = FileHasher.HashAsync(big, "salt", 1, default, gate);
            await Task.Delay(300);
            Assert.False(gatedSmall.IsCompleted);
            Assert.False(gatedBig.IsCompleted);
            gate.Release();
            Assert.Equal(FileHasher.HashSmall(small, "salt"), await gatedSmall.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal((await FileHasher.HashAsync(big, "salt", 1, default)).Wark, (await gatedBig.WaitAsync(TimeSpan.FromSeconds(10))).Wark);
            Assert.Equal(1, gate.CurrentCount); // every slot taken was given back
        }
        finally
        {
            File.Delete(small);
            File.Delete(big);
        }
    }
}
