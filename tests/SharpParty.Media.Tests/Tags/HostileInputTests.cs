using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using SharpParty.Media.Tags;

namespace SharpParty.Media.Tests.Tags;

/// <summary>
/// Truncated, random and deliberately hostile files: every read returns quickly (a partial result or nothing), throws
/// nothing, and allocates little whatever the file claims.
/// </summary>
public sealed class HostileInputTests(SampleFiles samples) : IClassFixture<SampleFiles>, IDisposable
{
    private static readonly TagOptions BuiltInOnly = new() { AllowFfprobe = false };

    /// <summary>Generous for a loaded 2-core CI box; a reader that loops or reads the whole file would take far longer.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    private readonly TagTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<MediaTags> ReadQuicklyAsync(string path)
    {
        var sw = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var t = await TagReader.ReadAsync(path, BuiltInOnly, CancellationToken.None);
        Assert.True(sw.Elapsed < Quick, $"{Path.GetFileName(path)} took {sw.Elapsed}");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 24 << 20, $"{Path.GetFileName(path)} allocated {allocated} bytes");
        return t;
    }

    [FfmpegFact]
    public async Task Every_sixteenth_truncation_of_every_sample()
    {
        foreach (var name in new[] { "id3v24.mp3", "id3v23.mp3", "vbr.mp3", "plain.flac", "plain.opus", "plain.ogg", "plain.m4a", "video.mp4", "video.webm" })
        {
            var full = await File.ReadAllBytesAsync(samples.Get(name));
            for (var k = 0; k < 16; k++)
            {
                var cut = full[..(int)((long)full.Length * k / 16)];
                await ReadQuicklyAsync(_files.Write(cut, Path.GetExtension(name)));
            }
        }
    }

    [FfmpegFact]
    public async Task Truncated_files_keep_the_tags_before_the_cut()
    {
        // the tags sit in the first few hundred bytes; half a FLAC file still has them (and STREAMINFO's duration)
        var full = await File.ReadAllBytesAsync(samples.Get("plain.flac"));
        var t = await ReadQuicklyAsync(_files.Write(full[..(full.Length / 2)], ".flac"));
        Assert.Equal("A Title", t["title"].Text);
        Assert.Equal(2, t[".dur"].Number);
    }

    [FfmpegFact]
    public async Task Mutated_samples_never_throw_from_a_reader()
    {
        // no safety net here: ReadWith lets any exception out, and any exception is a reader bug
        var rng = new Random(9001);
        foreach (var (name, format) in new[] { ("id3v24.mp3", MediaFormat.Mp3), ("id3v23.mp3", MediaFormat.Mp3), ("plain.flac", MediaFormat.Flac),
            ("plain.opus", MediaFormat.Ogg), ("plain.ogg", MediaFormat.Ogg), ("plain.m4a", MediaFormat.Mp4), ("video.mp4", MediaFormat.Mp4) })
        {
            var full = await File.ReadAllBytesAsync(samples.Get(name));
            for (var i = 0; i < 150; i++)
            {
                var b = (byte[])full.Clone();
                var hot = Math.Min(b.Length, 4096); // headers and tags live near the start
                for (var n = rng.Next(1, 12); n > 0; n--)
                {
                    b[rng.Next(rng.Next(3) == 0 ? b.Length : hot)] = (byte)rng.Next(256);
                }

                var path = _files.Write(b, Path.GetExtension(name));
                using var f = MediaFile.Open(path, default)!;
                var sw = Stopwatch.StartNew();
                _ = TagReader.ReadWith(format, f);
                Assert.True(sw.Elapsed < Quick);
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task Random_bytes_behind_every_magic()
    {
        var rng = new Random(4242);
        byte[][] magics =
        [
            [], "ID3\u0004\0\0"u8.ToArray(), "ID3\u0003\0\u0080"u8.ToArray(), "fLaC"u8.ToArray(), "OggS\0"u8.ToArray(),
            [0, 0, 0, 0x20, .. "ftypM4A "u8], [0xFF, 0xFB, 0x90, 0x00], "ID3\u0004\0\0\0\0\u0001\0fLaC"u8.ToArray(),
        ];
        foreach (var magic in magics)
        {
            foreach (var ext in new[] { ".mp3", ".bin", ".m4a" })
            {
                for (var i = 0; i < 12; i++)
                {
                    var body = new byte[rng.Next(0, 70_000)];
                    rng.NextBytes(body);
                    await ReadQuicklyAsync(_files.Write([.. magic, .. body], ext));
                }
            }
        }
    }

    [Fact]
    public async Task Huge_declared_id3_sizes()
    {
        // tag and frame both claim 256 MiB; the file has a few bytes
        byte[] tag = [.. "ID3"u8, 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F, .. "TIT2"u8, 0x7F, 0x7F, 0x7F, 0x7F, 0, 0, 3, .. "partial title"u8];
        var t = await ReadQuicklyAsync(_files.Write(tag));
        Assert.Equal("partial title", t["title"].Text);

        // v2.3 with whole-tag unsynchronisation (the buffered path) and a 4 GiB frame size
        byte[] v23 = [.. "ID3"u8, 3, 0, 0x80, 0x7F, 0x7F, 0x7F, 0x7F, .. "TPE1"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, .. "x"u8];
        await ReadQuicklyAsync(_files.Write(v23));

        // an extended header that claims more than the tag
        byte[] ext = [.. "ID3"u8, 4, 0, 0x40, 0, 0, 0, 20, 0x7F, 0x7F, 0x7F, 0x7F, 1, 0, .. new byte[10]];
        await ReadQuicklyAsync(_files.Write(ext));

        // a thousand stacked one-byte frames, then padding
        var many = new List<byte>();
        for (var i = 0; i < 5000; i++)
        {
            many.AddRange([.. "TXXX"u8, 0, 0, 0, 1, 0, 0, 0]);
        }

        byte[] stacked = [.. "ID3"u8, 4, 0, 0, .. Id3Builder.SyncSafe(many.Count), .. many];
        await ReadQuicklyAsync(_files.Write(stacked));
    }

    private static byte[] Box(string type, params byte[][] children)
    {
        var body = children.SelectMany(c => c).ToArray();
        var b = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)b.Length);
        Encoding.Latin1.GetBytes(type).CopyTo(b, 4);
        body.CopyTo(b, 8);
        return b;
    }

    private static byte[] RawBox(uint size, string type, byte[] body)
    {
        var b = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(b, size);
        Encoding.Latin1.GetBytes(type).CopyTo(b, 4);
        body.CopyTo(b, 8);
        return b;
    }

    [Fact]
    public async Task Looping_and_lying_mp4_atoms()
    {
        var ftyp = Box("ftyp", "M4A \0\0\0\0"u8.ToArray());

        // moov nested in moov in moov… 5000 deep: the depth cap stops it
        var nested = Box("free");
        for (var i = 0; i < 5000; i++)
        {
            nested = Box(i % 2 == 0 ? "moov" : "udta", nested);
        }

        await ReadQuicklyAsync(_files.Write([.. ftyp, .. nested], ".m4a"));

        // size 0 ("to the end") at every level, and a child that claims to be bigger than its parent
        await ReadQuicklyAsync(_files.Write([.. ftyp, .. RawBox(0, "moov", RawBox(0, "udta", RawBox(0, "meta", [0, 0, 0, 0, .. RawBox(0, "ilst", RawBox(0, "\u00a9nam", RawBox(0xFFFFFFF0, "data", [0, 0, 0, 1, 0, 0, 0, 0, .. "x"u8])))])))], ".m4a"));

        // 64-bit size of 0 and 1, and sizes below the header: the walk ends
        await ReadQuicklyAsync(_files.Write([.. ftyp, .. RawBox(1, "moov", new byte[8]), .. RawBox(1, "moov", [0, 0, 0, 0, 0, 0, 0, 1])], ".m4a"));
        await ReadQuicklyAsync(_files.Write([.. ftyp, .. RawBox(4, "moov", new byte[64])], ".m4a"));

        // 100,000 empty boxes: the box cap ends the walk
        var flat = Enumerable.Range(0, 100_000).SelectMany(_ => Box("free")).ToArray();
        await ReadQuicklyAsync(_files.Write([.. ftyp, .. Box("moov", flat)], ".m4a"));

        // an ilst with a valid title after junk items: the title is still found
        var data = RawBox(8 + 8 + 5, "data", [0, 0, 0, 1, 0, 0, 0, 0, .. "hello"u8]);
        var ilst = Box("ilst", RawBox(8, "junk", []), Box("\u00a9nam", data));
        var t = await ReadQuicklyAsync(_files.Write([.. ftyp, .. Box("moov", Box("udta", Box("meta", [0, 0, 0, 0], ilst)))], ".m4a"));
        Assert.Equal("hello", t["title"].Text);
    }

    private static byte[] OggPage(uint serial, byte flags, long granule, byte[] lacing, byte[] body)
    {
        var h = new byte[27 + lacing.Length];
        "OggS"u8.CopyTo(h);
        h[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(14), serial);
        h[26] = (byte)lacing.Length;
        lacing.CopyTo(h, 27);
        return [.. h, .. body];
    }

    [Fact]
    public async Task Ogg_pages_with_bogus_sizes()
    {
        // a page that claims 255 segments of 255 bytes in a 300-byte file
        var lacing = Enumerable.Repeat((byte)255, 255).ToArray();
        await ReadQuicklyAsync(_files.Write(OggPage(1, 2, 0, lacing, "OpusHead"u8.ToArray()), ".opus"));

        // a packet that never ends: 3000 pages of 255-byte continuation segments
        var page = OggPage(7, 0, -1, [255], new byte[255]);
        var endless = Enumerable.Repeat(page, 3000).SelectMany(p => p).ToArray();
        await ReadQuicklyAsync(_files.Write([.. OggPage(7, 2, 0, [19], [.. "OpusHead"u8, 1, 2, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 0]), .. endless], ".opus"));

        // a valid OpusHead, an OpusTags whose comment count is four billion, a last page with a huge granule
        byte[] head = [.. "OpusHead"u8, 1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0];
        byte[] tags = [.. "OpusTags"u8, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, .. "TITLE=ok"u8];
        var file = new List<byte>();
        file.AddRange(OggPage(9, 2, 0, [(byte)head.Length], head));
        file.AddRange(OggPage(9, 0, 0, [(byte)tags.Length], tags));
        file.AddRange(OggPage(9, 4, 48000 * 3 + 312, [0], []));
        var t = await ReadQuicklyAsync(_files.Write([.. file], ".opus"));
        Assert.Equal("ok", t["title"].Text);
        Assert.Equal(3, t[".dur"].Number);
    }

    [Fact]
    public async Task Flac_with_lying_block_lengths()
    {
        // a Vorbis comment block that claims 16 MiB and a comment count of four billion
        byte[] flac = [.. "fLaC"u8, 0x04, 0xFF, 0xFF, 0xFF, 4, 0, 0, 0, .. "abcd"u8, 0xFF, 0xFF, 0xFF, 0xFF, 9, 0, 0, 0, .. "TITLE=yes"u8];
        var t = await ReadQuicklyAsync(_files.Write(flac, ".flac"));
        Assert.Equal("yes", t["title"].Text);

        // 10,000 empty padding blocks: the block cap ends it
        var pads = Enumerable.Range(0, 10_000).SelectMany(_ => new byte[] { 1, 0, 0, 0 }).ToArray();
        await ReadQuicklyAsync(_files.Write([.. "fLaC"u8, .. pads], ".flac"));
    }

    [Fact]
    public async Task Missing_empty_and_folder_paths_give_nothing()
    {
        Assert.Empty(await TagReader.ReadAsync("/nonexistent/x.mp3", TagOptions.Default, default));
        Assert.Empty(await TagReader.ReadAsync(_files.Write([], ".mp3"), TagOptions.Default, default));
        Assert.Empty(await TagReader.ReadAsync(Path.GetTempPath(), BuiltInOnly, default));
    }

    [Fact]
    public void Byte_budget_stops_a_reader()
    {
        var path = _files.Write(new byte[1 << 20], ".mp3");
        using var f = MediaFile.Open(path, default, byteBudget: 1000)!;
        Span<byte> b = stackalloc byte[800];
        Assert.Equal(800, f.ReadAt(0, b));
        Assert.Equal(0, f.ReadAt(800, b));
        Assert.True(f.Exhausted);
    }
}
