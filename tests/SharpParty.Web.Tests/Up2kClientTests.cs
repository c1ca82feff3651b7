using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharpParty.Web.Tests.Infra;
using SharpParty.Web.Tests.Up2k;

namespace SharpParty.Web.Tests;

/// <summary>
/// <c>sharpparty up</c> end to end, in-process, against our server; with UP2K_TEST_URL set, against that server instead
/// (copyparty started with -e2d, for the search test). Checks go over HTTP: bytes by GET, mtimes by ?ls.
/// </summary>
public partial class Up2kClientTests
{
    private const int MiB = 1 << 20;

    /// <summary>Differs per run: a server that outlives the tests (UP2K_TEST_URL) would otherwise dedup every upload.</summary>
    private static readonly int RunSalt = Random.Shared.Next();

    private static byte[] Rand(int size, int seed)
    {
        var b = new byte[size];
        new Random(seed ^ RunSalt).NextBytes(b);
        return b;
    }

    [GeneratedRegex(@"; ([0-9.]+) (B|KiB|MiB|GiB) sent")]
    private static partial Regex SentRx();

    /// <summary>Bytes the client said it sent, from its summary line.</summary>
    private static double SentMiB(string output)
    {
        var m = SentRx().Match(output);
        Assert.True(m.Success, output);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "B" => v / MiB, "KiB" => v / 1024, "MiB" => v, _ => v * 1024 };
    }

    private static async Task AssertSame(Up2kTarget t, string rel, byte[] expected)
    {
        var got = await t.GetAsync(rel);
        Assert.True(got is not null, "missing on the server: " + rel);
        Assert.True(expected.AsSpan().SequenceEqual(got), $"{rel}: {got!.Length} bytes differ from the {expected.Length} sent");
    }

    [Fact]
    public async Task A_tree_arrives_byte_identical_with_mtimes_and_a_rerun_sends_nothing()
    {
        await using var t = await Up2kTarget.StartAsync();
        var zeros = new byte[3 * MiB];
        var mixed = new byte[6 * MiB];
        Rand(MiB, 5).CopyTo(mixed, 0);
        Rand(MiB, 6).CopyTo(mixed, 5 * MiB);
        var files = new Dictionary<string, byte[]>
        {
            ["tree/empty.bin"] = [],
            ["tree/one.txt"] = "one"u8.ToArray(),
            ["tree/300k.bin"] = Rand(300_000, 1),
            ["tree/five MB stitched.bin"] = Rand(5_000_000, 2),
            ["tree/zeros.bin"] = zeros,
            ["tree/mixed zeros.bin"] = mixed,
            ["tree/ünï cödé 日本.txt"] = Encoding.UTF8.GetBytes("日本語"),
            ["tree/a/b c/d/deep.bin"] = Rand(1_500_000, 3),
        };
        foreach (var (rel, data) in files)
        {
            t.Write(rel, data, 1_700_000_000.75);
        }
        var (rc, output, err) = await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "tree"));
        Assert.True(rc == 0, output + err);
        foreach (var (rel, data) in files)
        {
            await AssertSame(t, rel, data);
        }
        var ls = await t.ListAsync("tree");
        Assert.Equal((5_000_000L, 1_700_000_000L), ls["five MB stitched.bin"]);
        Assert.Equal(1_700_000_000L, (await t.ListAsync("tree/a/b c/d"))["deep.bin"].Ts);
        // the zero blocks are sent once: 3 MiB of zeros + 4 of the mixed file's 6 MiB are copies on the server
        var total = files.Values.Sum(d => (double)d.Length) / MiB;
        Assert.True(SentMiB(output) < total - 4.9, output);

        var again = await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "tree"));
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Equal(0, SentMiB(again.Out));
        Assert.Contains($"0 uploaded, {files.Count} found", again.Out);
        Assert.Equal(files.Count, again.Out.Split('\n').Count(l => l.StartsWith("   found ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Trailing_slash_uploads_the_contents_and_a_file_goes_to_the_top()
    {
        await using var t = await Up2kTarget.StartAsync();
        var a = t.Write("dir/sub/a.txt", "aaa"u8.ToArray());
        var b = t.Write("single.txt", "bb"u8.ToArray());
        var (rc, output, err) = await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "dir") + "/", b);
        Assert.True(rc == 0, output + err);
        await AssertSame(t, "sub/a.txt", File.ReadAllBytes(a));
        await AssertSame(t, "single.txt", File.ReadAllBytes(b));
        Assert.Null(await t.GetAsync("dir/sub/a.txt"));
    }

    [Fact]
    public async Task An_interrupted_upload_resumes_with_only_the_missing_chunks()
    {
        await using var t = await Up2kTarget.StartAsync();
        var data = Rand(8 * MiB, 7);
        var path = t.Write("resume.bin", data);
        // half of the chunks arrive as from an earlier, interrupted run (8 chunks of 1 MiB)
        var f = new Up2kFile(data, "resume.bin");
        var hs = await Up2kWire.HandshakeAsync(t.Http, t.Folder, f);
        Assert.Equal(8, hs.Need.Length);
        foreach (var h in hs.Need.Take(4))
        {
            var (st, body) = await Up2kWire.PostChunkAsync(t.Http, hs, f, h);
            Assert.True(st == System.Net.HttpStatusCode.OK, body);
        }
        var (rc, output, err) = await Up2kTarget.UpAsync(t.Url, path);
        Assert.True(rc == 0, output + err);
        Assert.Equal(4.0, SentMiB(output));
        await AssertSame(t, "resume.bin", data);
    }

    [Fact]
    public async Task A_cancelled_run_is_finished_by_the_next()
    {
        await using var t = await Up2kTarget.StartAsync();
        var data = Rand(48 * MiB, 8);
        var path = t.Write("cut.bin", data);
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400)))
        {
            using var o = new StringWriter();
            var rc = await SharpParty.Client.Up2k.UpCommand.RunAsync(["-j", "1", "--sz", "1", t.Url, path], o, o, false, cts.Token);
            Assert.True(rc is 0 or 130, o.ToString());
        }
        var (rc2, output, err) = await Up2kTarget.UpAsync(t.Url, path);
        Assert.True(rc2 == 0, output + err);
        Assert.True(SentMiB(output) <= 48, output);
        await AssertSame(t, "cut.bin", data);
    }

    [Fact]
    public async Task Big_chunks_go_as_subchunks_under_the_post_cap()
    {
        // 300 MiB has 1.5 MiB chunks; --szm 1 sends each as 1 MiB + 0.5 MiB (X-Up2k-Subc)
        await using var t = await Up2kTarget.StartAsync();
        var data = Rand(300 * MiB, 9);
        var path = t.Write("big.bin", data);
        var (rc, output, err) = await Up2kTarget.UpAsync("--sz", "1", "--szm", "1", "-j", "4", t.Url, path);
        Assert.True(rc == 0, output + err);
        await AssertSame(t, "big.bin", data);
    }

    [Fact]
    public async Task Many_small_files_and_duplicates_in_one_run()
    {
        await using var t = await Up2kTarget.StartAsync();
        var files = new Dictionary<string, byte[]>();
        for (var i = 0; i < 300; i++)
        {
            files[$"many/d{i % 7}/f{i:D3}.bin"] = Rand(8192, 100 + i);
        }
        // the same content in two places at once: one is uploaded, the other is a 422 until then, then a server-side copy
        var twin = Rand(2 * MiB, 42);
        files["many/twin-a.bin"] = twin;
        files["many/z/twin-b.bin"] = twin;
        foreach (var (rel, data) in files)
        {
            t.Write(rel, data);
        }
        var (rc, output, err) = await Up2kTarget.UpAsync("-j", "4", t.Url, Path.Combine(t.Local, "many"));
        Assert.True(rc == 0, output + err);
        foreach (var (rel, data) in files)
        {
            await AssertSame(t, rel, data);
        }
        Assert.True(SentMiB(output) < 2 * 2.4, output);
    }

    [Fact]
    public async Task Search_finds_uploaded_content_and_not_other()
    {
        // file-search needs the index, on copyparty as on ours
        await using var t = await Up2kTarget.StartAsync(["-e2d", "-v", "srv::rw"]);
        var known = t.Write("known.bin", Rand(100_000, 11));
        var unknown = t.Write("unknown.bin", Rand(100_000, 12));
        Assert.Equal(0, (await Up2kTarget.UpAsync(t.Url, known)).Code);
        var (rc, output, err) = await Up2kTarget.UpAsync("-s", t.Url, known, unknown);
        Assert.True(rc == 0, output + err);
        Assert.Contains($"found: {known}\n  {t.BaseUrl}{t.Folder}known.bin\n", output);
        Assert.Contains($"NOT found: {unknown}", output);
        Assert.Null(await t.GetAsync("unknown.bin"));
    }

    [Fact]
    public async Task Overwrite_replaces_and_without_it_the_server_renames()
    {
        // replace needs the delete permission (copyparty drops it otherwise)
        await using var t = await Up2kTarget.StartAsync(["-v", "srv::rwd"]);
        var p = t.Write("f.txt", "first"u8.ToArray());
        Assert.Equal(0, (await Up2kTarget.UpAsync(t.Url, p)).Code);
        t.Write("f.txt", "second"u8.ToArray());
        Assert.Equal(0, (await Up2kTarget.UpAsync(t.Url, p)).Code);
        await AssertSame(t, "f.txt", "first"u8.ToArray());
        Assert.Equal(2, (await t.ListAsync()).Count);
        t.Write("f.txt", "third!"u8.ToArray());
        Assert.Equal(0, (await Up2kTarget.UpAsync("--ow", t.Url, p)).Code);
        await AssertSame(t, "f.txt", "third!"u8.ToArray());
    }

    [Fact]
    public async Task Skip_same_size_and_mtime_without_hashing()
    {
        await using var t = await Up2kTarget.StartAsync();
        t.Write("z/a.bin", Rand(5000, 1));
        t.Write("z/b.bin", Rand(5000, 2));
        Assert.Equal(0, (await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "z"))).Code);
        // same size, different bytes, same mtime: -z trusts the listing and skips it, as u2c
        t.Write("z/a.bin", Rand(5000, 3));
        t.Write("z/c.bin", Rand(10, 4));
        var (rc, output, err) = await Up2kTarget.UpAsync("-z", t.Url, Path.Combine(t.Local, "z"));
        Assert.True(rc == 0, output + err);
        Assert.Contains("1 uploaded, 0 found, 2 skipped, 0 failed", output);
        await AssertSame(t, "z/a.bin", Rand(5000, 1));
        await AssertSame(t, "z/c.bin", Rand(10, 4));
    }

    [Fact]
    public async Task Delete_remote_removes_what_is_gone_locally()
    {
        await using var t = await Up2kTarget.StartAsync(["-v", "srv::rwmd"]);
        t.Write("dr/keep.txt", "k"u8.ToArray());
        var gone = t.Write("dr/sub/gone.txt", "g"u8.ToArray());
        Assert.Equal(0, (await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "dr"))).Code);
        File.Delete(gone);
        var (rc, output, err) = await Up2kTarget.UpAsync("--dr", t.Url, Path.Combine(t.Local, "dr"));
        Assert.True(rc == 0, output + err);
        Assert.Null(await t.GetAsync("dr/sub/gone.txt"));
        await AssertSame(t, "dr/keep.txt", "k"u8.ToArray());
    }

    [Fact]
    public async Task Wrong_password_stops_with_an_error()
    {
        if (Up2kTarget.ExternalUrl is not null)
        {
            return; // needs a server with accounts
        }
        await using var t = await Up2kTarget.StartAsync(["-a", "ed:wark", "-v", "srv::rw,ed"]);
        var p = t.Write("x.txt", "x"u8.ToArray());
        var (rc, _, err) = await Up2kTarget.UpAsync("-a", "nope", t.Url, p);
        Assert.Equal(1, rc);
        Assert.Contains("ERROR: login required, or wrong password", err);
        var ok = await Up2kTarget.UpAsync("-a", "wark", t.Url, p);
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
    }

    [Fact]
    public async Task A_refused_file_fails_the_run_but_not_the_others()
    {
        if (Up2kTarget.ExternalUrl is not null)
        {
            return; // needs a volume with a size limit
        }
        await using var t = await Up2kTarget.StartAsync(["-v", "srv::rw:c,sz=0-10k"]);
        var small = t.Write("lim/small.bin", Rand(1000, 1));
        t.Write("lim/large.bin", Rand(100_000, 2));
        var (rc, output, err) = await Up2kTarget.UpAsync(t.Url, Path.Combine(t.Local, "lim"));
        Assert.Equal(1, rc);
        Assert.Contains("FAILED " + Path.Combine(t.Local, "lim", "large.bin"), err);
        await AssertSame(t, "lim/small.bin", File.ReadAllBytes(small));
        Assert.Contains("1 failed", err + output);
    }

    [Fact]
    public async Task Unreachable_server_fails_after_bounded_retries()
    {
        await using var t = await Up2kTarget.StartAsync();
        var p = t.Write("x.txt", "x"u8.ToArray());
        var (rc, _, err) = await Up2kTarget.UpAsync("http://127.0.0.1:1/", p);
        Assert.Equal(1, rc);
        Assert.Contains("FAILED", err);
    }

    [Fact]
    public async Task Bad_command_line_is_exit_code_2()
    {
        await using var t = await Up2kTarget.StartAsync();
        var (rc, _, err) = await Up2kTarget.UpAsync("--bogus", t.Url, t.Local);
        Assert.Equal(2, rc);
        Assert.Contains("unrecognized argument: --bogus", err);
    }
}
