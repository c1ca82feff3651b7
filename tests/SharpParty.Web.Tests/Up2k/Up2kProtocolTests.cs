using System.Net;
using System.Text;
using SharpParty.Core.Up2k;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests.Up2k;

/// <summary>The up2k wire protocol against the real server (spec §2): replies, hash forms, subchunks, errors of §2.13.</summary>
public sealed class Up2kProtocolTests : IAsyncLifetime
{
    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync(
        ["-v", "srv::rwd", "-v", "ro:ro:r", "-v", "nd:nd:rw:c,nodupe", "-v", "nc:nc:rw:c,noclone"], root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "srv"));
        Directory.CreateDirectory(Path.Combine(root, "ro"));
        Directory.CreateDirectory(Path.Combine(root, "nd"));
        Directory.CreateDirectory(Path.Combine(root, "nc"));
    });

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private string Disk(string rel) => Path.Combine(_s.Root, "srv", rel);

    [Fact]
    public async Task Handshake_reply_has_copypartys_fields_and_the_spec_wark()
    {
        var f = new Up2kFile(Encoding.UTF8.GetBytes("one"), "one.txt");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/inc/", f);
        Assert.Equal(HttpStatusCode.OK, hs.Status);
        Assert.Equal("one.txt", hs.Name);
        Assert.Equal("/inc/", hs.Purl);
        Assert.Equal(3, hs.Size);
        Assert.Equal(1_700_000_000, hs.Lmod);
        Assert.True(hs.Sprs);
        Assert.Equal(["BfcDQQeKz2oG1CPSFyD5ZD1flTYm2IoCY23DqeeVgq6w"], hs.Need);
        Assert.Equal("XMbpLRqVdtGmgggqjUI6uSoNMTqZVX4K6zr74XA1BRKc", hs.Wark);
        Assert.Equal(hs.Wark, hs.Dwrk);
        // until the last chunk: an empty placeholder under the final name, the bytes in NAME.PARTIAL
        Assert.Equal(0, new FileInfo(Disk("inc/one.txt")).Length);
        Assert.True(File.Exists(Disk("inc/one.txt.PARTIAL")));
        var (st, body) = await Up2kWire.PostChunkAsync(_s.Client, hs, f, hs.Need[0]);
        Assert.Equal(HttpStatusCode.OK, st);
        Assert.Equal("thank", body);
        Assert.Equal("one", await File.ReadAllTextAsync(Disk("inc/one.txt")));
        Assert.False(File.Exists(Disk("inc/one.txt.PARTIAL")));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_700_000_000), File.GetLastWriteTimeUtc(Disk("inc/one.txt")));
        var fin = await Up2kWire.HandshakeAsync(_s.Client, "/inc/", f);
        Assert.Empty(fin.Need);
    }

    [Fact]
    public async Task Each_chunk_reply_says_how_many_chunks_are_left()
    {
        // X-Up2k-Left is ours (copyparty's reply is only "thank"): 0 means the file is complete and in place, which
        // lets our web UI skip the final handshake
        var f = new Up2kFile(Up2kFile.Random(2_500_000, 2_500_000), "three.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/inc/", f);
        Assert.Equal(3, hs.Need.Length);
        var lefts = new List<string>();
        foreach (var h in hs.Need)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, hs.Purl) { Content = new ByteArrayContent(f.ChunkBytes(Array.IndexOf(f.Hashes, h))) };
            req.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            req.Headers.TryAddWithoutValidation("X-Up2k-Wark", hs.Wark);
            req.Headers.TryAddWithoutValidation("X-Up2k-Hash", h);
            using var res = await _s.Client.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            lefts.Add(res.Headers.GetValues("X-Up2k-Left").Single());
            if (lefts[^1] != "0")
            {
                Assert.True(File.Exists(Disk("inc/three.bin.PARTIAL")));
            }
        }
        Assert.Equal(["2", "1", "0"], lefts);
        Assert.False(File.Exists(Disk("inc/three.bin.PARTIAL")));
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("inc/three.bin")));
        Assert.Empty((await Up2kWire.HandshakeAsync(_s.Client, "/inc/", f)).Need);
    }

    [Theory]
    [InlineData(0, "empty.bin")]
    [InlineData(300_000, "with spaces and ünïcødé.bin")]
    [InlineData(5_000_000, "five.bin")]
    public async Task Files_arrive_byte_identical_in_nested_new_folders(int size, string name)
    {
        var f = new Up2kFile(Up2kFile.Random(size, size), name);
        var final = await Up2kWire.UploadAsync(_s.Client, "/a/b%20c/d/", f);
        Assert.Equal(name, final);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("a/b c/d/" + name)));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(f.Lmod), File.GetLastWriteTimeUtc(Disk("a/b c/d/" + name)));
    }

    [Fact]
    public async Task Empty_file_uses_a_metadata_wark_and_needs_no_chunk()
    {
        var f = new Up2kFile([], "e.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/z/", f);
        Assert.Empty(hs.Need);
        Assert.StartsWith("#", hs.Wark, StringComparison.Ordinal);
        Assert.Equal(Up2kHash.MetaWark(Up2kHash.DefaultSalt, 0, f.Lmod, "z", "e.bin"), hs.Wark);
        Assert.True(File.Exists(Disk("z/e.bin")));
    }

    [Fact]
    public async Task Repeated_chunks_are_asked_for_once_and_copied_to_every_offset()
    {
        // 1 MiB random, 3 MiB of zeros, 1 MiB random, 1 MiB zeros again, 1000 bytes: 7 chunks, 4 unique
        var data = new byte[(6 << 20) + 1000];
        Up2kFile.Random(1 << 20, 1).CopyTo(data, 0);
        Up2kFile.Random(1 << 20, 2).CopyTo(data, 4 << 20);
        Up2kFile.Random(1000, 3).CopyTo(data, 6 << 20);
        var f = new Up2kFile(data, "zeros.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/", f);
        Assert.Equal(7, f.Hashes.Length);
        Assert.Equal(4, hs.Need.Length);
        foreach (var h in hs.Need)
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, h)).Status);
        }
        Assert.Equal(data, await File.ReadAllBytesAsync(Disk("zeros.bin")));
    }

    [Fact]
    public async Task All_three_hash_header_forms_are_accepted()
    {
        var f = new Up2kFile(Up2kFile.Random((7 << 20) + 5, 7), "forms.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/forms/", f);
        Assert.Equal(8, hs.Need.Length);
        // 1: single
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, f.Hashes[0], f.ChunkBytes(0))).Status);
        // 2: comma list of full hashes, chunks 1-3 stitched
        var body = f.ChunkBytes(1).Concat(f.ChunkBytes(2)).Concat(f.ChunkBytes(3)).ToArray();
        var r2 = await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, string.Join(',', f.Hashes[1..4]), body);
        Assert.True(r2.Status == HttpStatusCode.OK, r2.Body);
        // 3: compact, chunks 4-7 (the last one short)
        body = [.. f.ChunkBytes(4), .. f.ChunkBytes(5), .. f.ChunkBytes(6), .. f.ChunkBytes(7)];
        var r3 = await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, Up2kWire.Compact(f.Hashes[4..8]), body);
        Assert.True(r3.Status == HttpStatusCode.OK, r3.Body);
        Assert.Empty((await Up2kWire.HandshakeAsync(_s.Client, "/forms/", f)).Need);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("forms/forms.bin")));
    }

    [Fact]
    public async Task Subchunks_must_continue_where_the_last_one_ended()
    {
        var f = new Up2kFile(Up2kFile.Random((2 << 20) + 77, 11), "sub.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/sub/", f);
        var c0 = f.ChunkBytes(0);
        var h0 = f.Hashes[0];
        async Task<(HttpStatusCode, string)> Slice(int from, int len) =>
            await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, h0, c0[from..(from + len)], subc: from);

        var (st, body) = await Slice(524288, 1000);
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("subchunk protocol error; resetting chunk [" + h0 + "]: the expected resume-point was 0, not 524288", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Slice(0, 400_000)).Item1);
        // the chunk stays needed until its last slice, and is not locked by the failed request (spec §8.2)
        (st, body) = await Slice(400_001, 10);
        Assert.Contains("the expected resume-point was 400000, not 400001", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Slice(0, 400_000)).Item1);
        (st, body) = await Slice(400_000, c0.Length - 400_000);
        Assert.True(st == HttpStatusCode.OK, body);
        // a slice past the chunk's end
        var (st2, body2) = await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, f.Hashes[1], new byte[(1 << 20) + 1], subc: 0);
        Assert.Equal(HttpStatusCode.BadRequest, st2);
        Assert.Contains("exceeds chunksize (1048576)", body2, StringComparison.Ordinal);
        // two chunks in one subchunk request
        (st2, body2) = await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, f.Hashes[1] + "," + f.Hashes[2], new byte[10], subc: 0);
        Assert.Contains("only a single subchunk can be uploaded in one request", body2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[1])).Status);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[2])).Status);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("sub/sub.bin")));
    }

    [Fact]
    public async Task A_corrupted_chunk_is_refused_and_can_be_sent_again()
    {
        var f = new Up2kFile(Up2kFile.Random(3 << 20, 5), "c.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/c/", f);
        var bad = f.ChunkBytes(1);
        bad[1234] ^= 0x40;
        var (st, body) = await Up2kWire.PostAsync(_s.Client, hs.Purl!, hs.Wark!, f.Hashes[1], bad);
        Assert.Equal(HttpStatusCode.BadRequest, st);
        Assert.Contains("your chunk got corrupted somehow (received 1048576 bytes); expected vs received hash:\n" + f.Hashes[1] + "\n" + Up2kHash.OfChunk(bad), body,
            StringComparison.Ordinal);
        Assert.Contains(f.Hashes[1], (await Up2kWire.HandshakeAsync(_s.Client, "/c/", f)).Need);
        foreach (var h in hs.Need)
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, h)).Status);
        }
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("c/c.bin")));
    }

    [Fact]
    public async Task Chunk_errors_have_copypartys_status_and_text()
    {
        var f = new Up2kFile(Up2kFile.Random((4 << 20) + 3, 9), "e.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/err/", f);
        var other = new Up2kFile(Up2kFile.Random(100, 10), "x");

        async Task Expect(string hashHeader, byte[] body, string fragment, string? wark = null)
        {
            var (st, text) = await Up2kWire.PostAsync(_s.Client, hs.Purl!, wark ?? hs.Wark!, hashHeader, body);
            Assert.Equal(HttpStatusCode.BadRequest, st);
            Assert.StartsWith("<pre>", text, StringComparison.Ordinal);
            Assert.Contains(fragment, text, StringComparison.Ordinal);
        }

        await Expect(f.Hashes[0], f.ChunkBytes(0), "unknown wark (see serverlog for details)", wark: other.Hashes[0]);
        await Expect(other.Hashes[0], other.Data, "unknown chunk wtf: " + other.Hashes[0]);
        await Expect("short", [1], "at least one hash is not according to spec: short");
        await Expect(f.Hashes[0] + "," + f.Hashes[2], [.. f.ChunkBytes(0), .. f.ChunkBytes(2)],
            "only sibling chunks can be stitched; gap of 1048576 bytes between offsets 0 and 2097152 in e.bin");
        await Expect(f.Hashes[0], new byte[(1 << 20) + 1], "which is too much (server expected 1048576 bytes at most)");
        await Expect(f.Hashes[0] + ",9," + f.Hashes[2][..9], new byte[10], "next sibling chunk does not start with expected prefix");
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0])).Status);
        await Expect(f.Hashes[0], f.ChunkBytes(0), $"already got that ({f.Hashes[0]}) but thanks??");
        var (s2, t2) = await _s.Client.SendText(HttpMethod.Post, "/err/", new ByteArrayContent([1, 2]) { Headers = { { "Content-Type", "application/octet-stream" } } });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Contains("need hash and wark headers for binary POST", t2, StringComparison.Ordinal);
        // after all that the upload still completes
        foreach (var h in hs.Need.Skip(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, h)).Status);
        }
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("err/e.bin")));
    }

    [Fact]
    public async Task Handshake_errors_have_copypartys_status_and_text()
    {
        var f = new Up2kFile(Encoding.UTF8.GetBytes("two"), "two.txt");
        var r = await Up2kWire.HandshakeRawAsync(_s.Client, "/h/", "{\"name\": \"x\", ");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains("you POSTed 14 bytes of invalid json", r.Body, StringComparison.Ordinal);
        r = await Up2kWire.HandshakeAsync(_s.Client, "/h/", f, nameOverride: "a/b.txt");
        Assert.Contains("your client is old; press CTRL-SHIFT-R and try again", r.Body, StringComparison.Ordinal);
        r = await Up2kWire.HandshakeAsync(_s.Client, "/h/", f, hashesOverride: ["tooshort"]);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains("at least one hash is not according to spec", r.Body, StringComparison.Ordinal);
        // stricter than copyparty (spec §8.3): the hash count must match the size
        r = await Up2kWire.HandshakeAsync(_s.Client, "/h/", f, hashesOverride: [f.Hashes[0], f.Hashes[0]]);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Contains("hash list does not match the size", r.Body, StringComparison.Ordinal);
        r = await Up2kWire.HandshakeAsync(_s.Client, "/ro/", f);
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Contains("you don't have write-access in \"/ro\" or below \"/ro\"", r.Body, StringComparison.Ordinal);
        r = await Up2kWire.HandshakeRawAsync(_s.Client, "/h/", "[1,2]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.False(Directory.Exists(Disk("h/two.txt")));
    }

    [Fact]
    public async Task Same_content_elsewhere_is_copied_on_the_server_or_refused_with_nodupe()
    {
        var f = new Up2kFile(Up2kFile.Random(2_500_000, 21), "orig.bin");
        await Up2kWire.UploadAsync(_s.Client, "/d1/", f);
        var again = new Up2kFile(f.Data, "copy.bin", lmod: 1_600_000_000);
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/d2/", again);
        Assert.Equal(HttpStatusCode.OK, hs.Status);
        Assert.Empty(hs.Need);
        Assert.Equal("copy.bin", hs.Name);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("d2/copy.bin")));
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_600_000_000), File.GetLastWriteTimeUtc(Disk("d2/copy.bin")));
        // nodupe: 409 with copyparty's text
        var nd = new Up2kFile(Up2kFile.Random(1000, 22), "n.bin");
        await Up2kWire.UploadAsync(_s.Client, "/nd/one/", nd);
        var rej = await Up2kWire.HandshakeAsync(_s.Client, "/nd/two/", nd);
        Assert.Equal(HttpStatusCode.Conflict, rej.Status);
        Assert.Contains("upload rejected, file already exists:\n/nd/one/n.bin", rej.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_content_unfinished_elsewhere_answers_422_then_dedups_once_done()
    {
        var f = new Up2kFile(Up2kFile.Random(2_000_000, 31), "p.bin");
        var first = await Up2kWire.HandshakeAsync(_s.Client, "/p1/", f);
        var second = await Up2kWire.HandshakeAsync(_s.Client, "/p2/", f);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.Status);
        Assert.Contains("partial upload exists at a different location; please resume uploading here instead:\n/p1/p.bin", second.Body, StringComparison.Ordinal);
        foreach (var h in first.Need)
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, first, f, h)).Status);
        }
        var again = await Up2kWire.HandshakeAsync(_s.Client, "/p2/", f);
        Assert.Empty(again.Need);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("p2/p.bin")));
    }

    [Fact]
    public async Task A_taken_name_gets_a_collision_name_and_replace_overwrites_with_delete_permission()
    {
        Directory.CreateDirectory(Disk("col"));
        await File.WriteAllTextAsync(Disk("col/x.txt"), "old");
        var f = new Up2kFile(Encoding.UTF8.GetBytes("new content"), "x.txt");
        var name = await Up2kWire.UploadAsync(_s.Client, "/col/", f);
        Assert.NotEqual("x.txt", name);
        Assert.Matches(@"^x\.txt-\d+\.\d{6}-[A-Za-z0-9_-]{8}\.txt$", name);
        Assert.Equal("old", await File.ReadAllTextAsync(Disk("col/x.txt")));
        Assert.Equal("new content", await File.ReadAllTextAsync(Disk("col/" + name)));
        var g = new Up2kFile(Encoding.UTF8.GetBytes("replaced"), "x.txt");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/col/", g, extra: new() { ["replace"] = true });
        Assert.Equal("x.txt", hs.Name);
        await Up2kWire.PostChunkAsync(_s.Client, hs, g, hs.Need[0]);
        Assert.Equal("replaced", await File.ReadAllTextAsync(Disk("col/x.txt")));
    }

    [Fact]
    public async Task File_search_finds_content_anywhere_the_user_may_read()
    {
        var f = new Up2kFile(Up2kFile.Random(12345, 41), "s.bin");
        await Up2kWire.UploadAsync(_s.Client, "/srch/deep/", f);
        var r = await Up2kWire.HandshakeAsync(_s.Client, "/", new Up2kFile(f.Data, "whatever.bin"), extra: new() { ["srch"] = 1 });
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Contains("\"rp\":\"srch/deep/s.bin\"", r.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\"", r.Body, StringComparison.Ordinal);
        var none = await Up2kWire.HandshakeAsync(_s.Client, "/", new Up2kFile(Up2kFile.Random(99, 42), "n"), extra: new() { ["srch"] = 1 });
        Assert.Contains("\"hits\":[]", none.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_sends_only_what_is_missing_even_after_a_restart()
    {
        var root = _s.Root;
        var f = new Up2kFile(Up2kFile.Random((5 << 20) + 9, 51), "r.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/res/", f);
        Assert.Equal(6, hs.Need.Length);
        foreach (var h in hs.Need.Take(4))
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, h)).Status);
        }
        Assert.Equal(hs.Need[4..], (await Up2kWire.HandshakeAsync(_s.Client, "/res/", f)).Need);
        // a second server over the same folder: the journal tells it what was confirmed
        await using var s2 = await TestServer.StartAsync(["-v", "srv::rwd"], root: root);
        var again = await Up2kWire.HandshakeAsync(s2.Client, "/res/", f);
        Assert.Equal(hs.Need[4..], again.Need);
        foreach (var h in again.Need)
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(s2.Client, again, f, h)).Status);
        }
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("res/r.bin")));
    }

    [Fact]
    public async Task A_GET_during_the_upload_streams_the_bytes_as_they_arrive()
    {
        var f = new Up2kFile(Up2kFile.Random((3 << 20) + 100, 61), "beam.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/beam/", f);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0])).Status);
        using var reader = new HttpClient { BaseAddress = new Uri(_s.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var get = reader.GetByteArrayAsync("/beam/beam.bin");
        await Task.Delay(300);
        Assert.False(get.IsCompleted); // waiting for chunk 1
        foreach (var h in f.Hashes[1..])
        {
            Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, h)).Status);
        }
        Assert.Equal(f.Data, await get.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_chunk_in_flight_is_busy_and_is_released_when_its_body_breaks_off()
    {
        var f = new Up2kFile(Up2kFile.Random(2 << 20, 71), "busy.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/busy/", f);
        var uri = new Uri(_s.BaseUrl);
        using (var raw = new System.Net.Sockets.TcpClient())
        {
            await raw.ConnectAsync(uri.Host, uri.Port);
            var stream = raw.GetStream();
            var head = $"POST /busy/ HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/octet-stream\r\n" +
                $"X-Up2k-Wark: {hs.Wark}\r\nX-Up2k-Hash: {f.Hashes[0]}\r\nContent-Length: {1 << 20}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(f.ChunkBytes(0).AsMemory(0, 300_000));
            await stream.FlushAsync();
            await Task.Delay(300);
            var (st, body) = await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0]);
            Assert.Equal(HttpStatusCode.BadRequest, st);
            Assert.Contains("that chunk is already being written to", body, StringComparison.Ordinal);
        }
        // the truncated body released the chunk: it can be sent again, and the upload completes
        HttpStatusCode last = 0;
        for (var i = 0; i < 50 && last != HttpStatusCode.OK; i++)
        {
            (last, _) = await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0]);
            if (last != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(HttpStatusCode.OK, last);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[1])).Status);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("busy/busy.bin")));
    }

    [Fact]
    public async Task Dedup_knowledge_survives_a_restart()
    {
        var f = new Up2kFile(Up2kFile.Random(1_500_000, 81), "k.bin");
        await Up2kWire.UploadAsync(_s.Client, "/k1/", f);
        await using var s2 = await TestServer.StartAsync(["-v", "srv::rwd"], root: _s.Root);
        var hs = await Up2kWire.HandshakeAsync(s2.Client, "/k2/", f);
        Assert.Empty(hs.Need);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("k2/k.bin")));
    }

    [Fact]
    public async Task A_deleted_partial_file_starts_the_upload_over()
    {
        var f = new Up2kFile(Up2kFile.Random(2_200_000, 91), "gone.bin");
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/gone/", f);
        Assert.Equal(HttpStatusCode.OK, (await Up2kWire.PostChunkAsync(_s.Client, hs, f, f.Hashes[0])).Status);
        File.Delete(Disk("gone/gone.bin.PARTIAL"));
        File.Delete(Disk("gone/gone.bin"));
        var again = await Up2kWire.HandshakeAsync(_s.Client, "/gone/", f);
        Assert.Equal(3, again.Need.Length);
        await Up2kWire.UploadAsync(_s.Client, "/gone/", f);
        Assert.Equal(f.Data, await File.ReadAllBytesAsync(Disk("gone/gone.bin")));
    }

    [Fact]
    public async Task Noclone_makes_the_client_send_every_byte_again()
    {
        var f = new Up2kFile(Up2kFile.Random(1_200_000, 101), "nc.bin");
        await Up2kWire.UploadAsync(_s.Client, "/nc/a/", f);
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/nc/b/", f);
        Assert.Equal(2, hs.Need.Length);
        Assert.StartsWith("#", hs.Wark, StringComparison.Ordinal);
        Assert.Equal(f.Wark, hs.Dwrk);
    }

    [Fact]
    public async Task Umod_touches_an_existing_copy_only_with_write_and_delete()
    {
        var f = new Up2kFile(Up2kFile.Random(5000, 111), "t.bin");
        await Up2kWire.UploadAsync(_s.Client, "/touch/", f);
        var newer = new Up2kFile(f.Data, "t.bin", lmod: 1_750_000_000);
        var hs = await Up2kWire.HandshakeAsync(_s.Client, "/touch/", newer, extra: new() { ["umod"] = true });
        Assert.Empty(hs.Need);
        Assert.Equal(1_750_000_000, hs.Lmod);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_750_000_000), File.GetLastWriteTimeUtc(Disk("touch/t.bin")));
    }
}
