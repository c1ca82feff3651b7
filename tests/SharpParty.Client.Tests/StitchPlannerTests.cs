using SharpParty.Client.Up2k;

namespace SharpParty.Client.Tests;

public class StitchPlannerTests
{
    private const long MiB = 1 << 20;

    /// <summary>A file of <paramref name="n"/> chunks of <paramref name="cs"/> bytes (the last one <paramref name="last"/>), hashes "h0".."hN".</summary>
    private static Func<string, (long, long)> Layout(int n, long cs, long last) =>
        h =>
        {
            var i = int.Parse(h[1..], System.Globalization.CultureInfo.InvariantCulture);
            return (i * cs, i == n - 1 ? last : cs);
        };

    private static string[] Hashes(params int[] idx) => [.. idx.Select(i => "h" + i)];

    [Fact]
    public void Consecutive_chunks_are_stitched_up_to_the_target_size()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 2, 3, 4), Layout(5, MiB, 100), MiB, 64 * MiB, 96 * MiB, false, 1);
        var s = Assert.Single(plan);
        Assert.Equal(Hashes(0, 1, 2, 3, 4), s.Hashes);
        Assert.Equal((0L, (4 * MiB) + 100), (s.Offset, s.Length));
    }

    [Fact]
    public void Target_size_caps_the_chunks_per_post()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 2, 3, 4), Layout(5, MiB, MiB), MiB, 2 * MiB, 96 * MiB, false, 1);
        Assert.Equal([2, 2, 1], plan.Select(p => p.Hashes.Length));
        Assert.Equal([0, 2 * MiB, 4 * MiB], plan.Select(p => p.Offset));
    }

    [Fact]
    public void Spread_over_connections_cuts_a_mid_size_file_in_parts()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 2, 3, 4), Layout(5, MiB, MiB), MiB, 64 * MiB, 96 * MiB, false, 2);
        Assert.Equal([3, 2], plan.Select(p => p.Hashes.Length));
    }

    [Fact]
    public void A_gap_ends_a_stitch()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 3, 4, 7), Layout(8, MiB, MiB), MiB, 64 * MiB, 96 * MiB, false, 1);
        Assert.Equal([Hashes(0, 1), Hashes(3, 4), Hashes(7)], plan.Select(p => p.Hashes));
    }

    [Fact]
    public void No_join_sends_single_chunks()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 2), Layout(3, MiB, MiB), MiB, 64 * MiB, 96 * MiB, true, 1);
        Assert.Equal(3, plan.Count);
        Assert.All(plan, p => Assert.Single(p.Hashes));
    }

    [Fact]
    public void Chunks_bigger_than_the_target_travel_alone()
    {
        // --sz 1 with 1.5 MiB chunks (files over 256 MiB): u2c's sz // chunksize is 0, so no stitching
        var cs = 3 * MiB / 2;
        var plan = StitchPlanner.Plan(Hashes(0, 1), Layout(2, cs, cs), cs, MiB, MiB, false, 1);
        Assert.Equal(2, plan.Count);
    }

    [Fact]
    public void Stitching_never_passes_the_post_cap()
    {
        var plan = StitchPlanner.Plan(Hashes(0, 1, 2, 3), Layout(4, MiB, MiB), MiB, 64 * MiB, 2 * MiB, false, 1);
        Assert.Equal([2, 2], plan.Select(p => p.Hashes.Length));
    }

    [Fact]
    public void Repeated_chunks_are_located_at_their_first_offset()
    {
        // need lists unique hashes; "z" (a zero block) occurs at chunks 1 and 2, the server copies the second itself
        (long, long) Where(string h) => h switch { "a" => (0, MiB), "z" => (MiB, MiB), _ => (3 * MiB, 10) };
        var plan = StitchPlanner.Plan(["a", "z", "b"], Where, MiB, 64 * MiB, 96 * MiB, false, 1);
        Assert.Equal([["a", "z"], ["b"]], plan.Select(p => p.Hashes));
    }

    [Fact]
    public void A_chunk_over_the_cap_goes_as_subchunks()
    {
        var cs = 3 * MiB / 2;
        var parts = StitchPlanner.Parts(new ChunkSlice(["h"], 10 * cs, cs), MiB);
        Assert.Equal([new PostPart(10 * cs, MiB, 0), new PostPart((10 * cs) + MiB, MiB / 2, MiB)], parts);
    }

    [Fact]
    public void A_slice_within_the_cap_is_one_post()
    {
        Assert.Equal([new PostPart(0, MiB, null)], StitchPlanner.Parts(new ChunkSlice(["h"], 0, MiB), MiB));
    }

    [Fact]
    public void Hash_header_single_and_compact_forms()
    {
        const string h1 = "5pyQhpcSQkIAmYTLxOvExOxssZrvlVUVPkeavYCTXzS2";
        const string h2 = "bKH604_1QxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxX";
        Assert.Equal(h1, StitchPlanner.HashHeader([h1]));
        // captured from u2c against copyparty 1.15.9 (spec §2.7): two chunks, 9 chars of the second
        Assert.Equal("5pyQhpcSQkIAmYTLxOvExOxssZrvlVUVPkeavYCTXzS2,9,bKH604_1Q", StitchPlanner.HashHeader([h1, h2]));
    }

    [Theory]
    [InlineData(2, 9)]
    [InlineData(21, 9)]
    [InlineData(22, 8)]
    [InlineData(30, 6)]
    [InlineData(64, 3)]
    [InlineData(96, 2)]
    [InlineData(200, 2)]
    public void Prefix_length_is_192_over_count_clamped_2_to_9(int count, int n)
    {
        var hashes = Enumerable.Range(0, count).Select(i => i.ToString("D44", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var header = StitchPlanner.HashHeader(hashes);
        Assert.Equal($"{hashes[0]},{n},", header[..47]);
        Assert.Equal(47 + (n * (count - 1)), header.Length);
        Assert.Equal(hashes[1][..n], header.Substring(47, n));
    }
}
