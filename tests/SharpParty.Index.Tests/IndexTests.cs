using System.Text;
using SharpParty.Core.Up2k;

namespace SharpParty.Index.Tests;

/// <summary>A real SQLite file per test: scans, incremental rescans, queries, a corrupt database.</summary>
public sealed class IndexTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-idx-" + Guid.NewGuid().ToString("N")[..10]);

    public IndexTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string DbPath => Path.Combine(_root, ".hist", IndexDb.FileName);

    private static readonly ScanOptions Opts = new(Up2kHash.DefaultSalt, 2);

    private void Write(string rel, string text, DateTime? mtime = null)
    {
        var p = Path.Combine(_root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        File.SetLastWriteTimeUtc(p, mtime ?? new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Scan_indexes_files_with_their_up2k_wark_and_rescans_incrementally()
    {
        Write("one.txt", "one");
        Write("a/b/two.txt", "two");
        Write("a/.hidden", "x");
        Directory.CreateDirectory(Path.Combine(_root, ".hist"));
        File.WriteAllText(Path.Combine(_root, ".hist", "junk"), "not indexed");
        Write("a/up.bin.PARTIAL", "partial");
        using var idx = new VolumeIndex(DbPath, out _);
        var r = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(3, r.Seen);
        Assert.Equal(3, r.Hashed);
        var one = idx.Find("", "one.txt")!;
        Assert.Equal("XMbpLRqVdtGmgggqjUI6uSoNMTqZVX4K6zr74XA1BRKc", one.Wark);
        Assert.Equal("fxvihWlnQIbVbUPr--TxyV41913kPLhXPD1ngXYxDfou", idx.Find("a/b", "two.txt")!.Wark);

        var again = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(0, again.Hashed);
        Assert.Equal(3, again.Unchanged);

        Write("one.txt", "ONE", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.Delete(Path.Combine(_root, "a/.hidden"));
        File.Move(Path.Combine(_root, "a/b/two.txt"), Path.Combine(_root, "a/moved.txt"));
        var third = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(2, third.Hashed);
        Assert.Equal(2, third.Removed);
        Assert.Null(idx.Find("a/b", "two.txt"));
        Assert.Equal("fxvihWlnQIbVbUPr--TxyV41913kPLhXPD1ngXYxDfou", idx.Find("a", "moved.txt")!.Wark);
        Assert.NotEqual(one.Wark, idx.Find("", "one.txt")!.Wark);
        Assert.Single(idx.FindByWark("fxvihWlnQIbVbUPr--TxyV41913kPLhXPD1ngXYxDfou"));
    }

    [Fact]
    public async Task Symlinks_are_indexed_as_their_target_inside_the_volume_and_never_followed_out_of_it()
    {
        Write("real/data.txt", "data", new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var outside = Path.Combine(Path.GetTempPath(), "sp-idx-out-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(outside);
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret");
            File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_root, "real", "data.txt"));
            File.CreateSymbolicLink(Path.Combine(_root, "out.txt"), Path.Combine(outside, "secret.txt"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "linkdir"), Path.Combine(_root, "real"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "outdir"), outside);
            File.CreateSymbolicLink(Path.Combine(_root, "dangling.txt"), Path.Combine(_root, "nothing-here"));
            using var idx = new VolumeIndex(DbPath, out _);
            var r = await Scanner.ScanAsync(_root, idx, Opts, default);
            Assert.Equal(2, r.Seen);
            var link = idx.Find("", "link.txt")!;
            // the size and mtime of what it points at, and the same content wark (so it dedups with its target)
            Assert.Equal(4, link.Size);
            Assert.Equal(new DateTimeOffset(2023, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), link.Mtime);
            Assert.Equal(idx.Find("real", "data.txt")!.Wark, link.Wark);
            Assert.Null(idx.Find("", "out.txt"));
            Assert.Null(idx.Find("", "dangling.txt"));
            Assert.Null(idx.Find("linkdir", "data.txt"));
            Assert.Null(idx.Find("outdir", "secret.txt"));
            Assert.Equal(2, (await Scanner.ScanAsync(_root, idx, Opts, default)).Unchanged);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.WaitForExit(20_000);
        return p.ExitCode;
    }

    /// <summary>xdev needs a real second filesystem inside the volume: a tmpfs mounted there (the tests run as root on
    /// the CI machine, as its apt-get does; a machine where mount is refused fails this test rather than skipping it).</summary>
    [Fact]
    public async Task With_xdev_a_mount_of_another_filesystem_inside_the_volume_is_not_indexed()
    {
        Write("local.txt", "here");
        var mnt = Path.Combine(_root, "mnt");
        Directory.CreateDirectory(mnt);
        Assert.True(Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt) == 0, "could not mount a tmpfs for the test (needs root)");
        try
        {
            Write("mnt/inside.txt", "on the tmpfs");
            using (var idx = new VolumeIndex(DbPath, out _))
            {
                var r = await Scanner.ScanAsync(_root, idx, Opts with { SameDevice = true }, default);
                Assert.Equal(1, r.Seen);
                Assert.NotNull(idx.Find("", "local.txt"));
                Assert.Null(idx.Find("mnt", "inside.txt"));
                // without xdev the mount is an ordinary folder
                await Scanner.ScanAsync(_root, idx, Opts, default);
                Assert.NotNull(idx.Find("mnt", "inside.txt"));
                // and with xdev again its rows are forgotten, as for a folder that is gone
                var again = await Scanner.ScanAsync(_root, idx, Opts with { SameDevice = true }, default);
                Assert.Equal(1, again.Removed);
                Assert.Null(idx.Find("mnt", "inside.txt"));
            }
        }
        finally
        {
            Run("umount", mnt);
        }
    }

    [Fact]
    public async Task Rescan_forgets_deleted_folders_and_big_batches_of_deleted_files()
    {
        for (var d = 0; d < 10; d++)
        {
            for (var f = 0; f < 10; f++)
            {
                Write($"keep/k{d}/f{f}.txt", $"{d}.{f}");
                Write($"gone/g{d % 3}/deep{d}/f{f}.txt", $"g{d}.{f}");
            }
        }
        // more than one removal batch in a single folder
        for (var f = 0; f < 2100; f++)
        {
            Write($"many/m{f}.txt", "");
        }
        using var idx = new VolumeIndex(DbPath, out _);
        var first = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(2300, first.Seen);
        Assert.Equal(2300, idx.Count());

        Directory.Delete(Path.Combine(_root, "gone"), recursive: true);
        foreach (var f in Directory.GetFiles(Path.Combine(_root, "many")))
        {
            File.Delete(f);
        }
        Write("many/new.txt", "new");
        var again = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(100 + 2100, again.Removed);
        Assert.Equal(100, again.Unchanged);
        Assert.Equal(1, again.Hashed);
        Assert.Equal(101, idx.Count());
        Assert.Null(idx.Find("gone/g1/deep4", "f3.txt"));
        Assert.Null(idx.Find("many", "m7.txt"));
        Assert.NotNull(idx.Find("keep/k9", "f9.txt"));
        Assert.DoesNotContain(idx.Folders(), d => d.StartsWith("gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_hash_and_no_idx_patterns_apply()
    {
        Write("big/skip.iso", "data");
        Write("tmp/ignored.txt", "x");
        using var idx = new VolumeIndex(DbPath, out _);
        await Scanner.ScanAsync(_root, idx, Opts with
        {
            NoHash = new System.Text.RegularExpressions.Regex(@"\.iso$"),
            NoIndex = new System.Text.RegularExpressions.Regex(@"^tmp/"),
        }, default);
        Assert.StartsWith("#", idx.Find("big", "skip.iso")!.Wark, StringComparison.Ordinal);
        Assert.Null(idx.Find("tmp", "ignored.txt"));
    }

    [Fact]
    public void A_corrupt_database_is_moved_aside_and_rebuilt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        File.WriteAllBytes(DbPath, Encoding.ASCII.GetBytes("this is not a database at all, just text that is long enough to look like a header"));
        using var idx = new VolumeIndex(DbPath, out var note);
        Assert.NotNull(note);
        Assert.Contains("moved aside", note, StringComparison.Ordinal);
        Assert.Equal(0, idx.Count());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(DbPath)!, IndexDb.FileName + ".corrupt-*"));
    }

    [Fact]
    public async Task A_rescan_trusts_a_folder_digest_only_while_files_and_rows_are_unchanged()
    {
        Write("a/one.txt", "one");
        Write("a/two.txt", "two");
        Write("b/three.txt", "three");
        using var idx = new VolumeIndex(DbPath, out _);
        Assert.Equal(3, (await Scanner.ScanAsync(_root, idx, Opts, default)).Hashed);
        Assert.Empty(idx.FolderDigests()); // the first scan wrote rows: nothing is trusted yet
        var second = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(3, second.Unchanged);
        Assert.Equal(["a", "b"], idx.FolderDigests().Keys.Order(StringComparer.Ordinal));

        // the files change: size, then only the mtime, then a new file
        Write("a/one.txt", "ONE!");
        var r = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal((1, 2), (r.Hashed, r.Unchanged));
        Assert.Equal(4, idx.Find("a", "one.txt")!.Size);
        await Scanner.ScanAsync(_root, idx, Opts, default); // stores a's digest again
        File.SetLastWriteTimeUtc(Path.Combine(_root, "a/two.txt"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(1, (await Scanner.ScanAsync(_root, idx, Opts, default)).Hashed);
        await Scanner.ScanAsync(_root, idx, Opts, default);
        Write("b/four.txt", "four");
        Assert.Equal(1, (await Scanner.ScanAsync(_root, idx, Opts, default)).Hashed);
        Assert.NotNull(idx.Find("b", "four.txt"));

        // the rows change while the files do not (here: forgotten by hand): the trigger drops the digest, and the
        // next rescan reads the rows and indexes the file again
        await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Contains("b", idx.FolderDigests().Keys);
        idx.Remove("b", "three.txt");
        Assert.DoesNotContain("b", idx.FolderDigests().Keys);
        var back = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(1, back.Hashed);
        Assert.NotNull(idx.Find("b", "three.txt"));

        // a moved file drops the digests of both folders
        await Scanner.ScanAsync(_root, idx, Opts, default);
        idx.Rename("a", "one.txt", "b", "one.txt");
        Assert.Empty(idx.FolderDigests());

        // digests computed before a write are not stored after it
        Assert.False(idx.StoreFolderDigests([("a", new byte[32])], idx.Version - 1));
    }

    [Fact]
    public async Task A_folder_with_a_file_left_out_for_an_upload_in_progress_is_not_trusted_so_the_file_is_indexed_when_it_is_done()
    {
        Write("a/one.txt", "one");
        Write("a/upload.bin", "placeholder of an upload in progress");
        using var idx = new VolumeIndex(DbPath, out _);
        var uploading = Opts with { Skip = (dir, name) => dir == "a" && name == "upload.bin" };
        await Scanner.ScanAsync(_root, idx, uploading, default);
        Assert.Equal(1, (await Scanner.ScanAsync(_root, idx, uploading, default)).Unchanged);
        Assert.Null(idx.Find("a", "upload.bin"));
        // the folder matched its rows, but one file was left out: its digest (which covers every file) is not kept
        Assert.Empty(idx.FolderDigests());

        // the upload ends without touching the file (as a finished upload whose rows a crash lost)
        var r = await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(1, r.Hashed);
        Assert.NotNull(idx.Find("a", "upload.bin"));
    }

    [Fact]
    public void A_folder_read_raw_gives_its_files_subfolders_and_links_and_the_digest_the_slower_listing_gives()
    {
        Write("f/plain.txt", "abc");
        Write("f/ünïcødé 名前.txt", "unicode name", new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        Write("f/half.bin.PARTIAL", "never a file of the index");
        Write("f/sub/inner.txt", "inner");
        using (var folder = RawFolderOf("f", devices: false))
        {
            Assert.False(folder.HasLinks);
            Assert.Equal([("sub", 0UL)], folder.Folders);
            var files = Enumerable.Range(0, folder.FileCount).Select(folder.FileAt).ToList();
            Assert.Equal(["plain.txt", "ünïcødé 名前.txt"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
            var unicode = files.Single(f => f.Name.StartsWith('ü'));
            Assert.Equal((12L, new DateTimeOffset(2021, 2, 3, 4, 5, 6, TimeSpan.Zero).ToUnixTimeSeconds()), (unicode.Size, unicode.MTime));
            // the digest from the raw bytes equals the one of the decoded names, so either way of reading a folder
            // can trust what the other stored
            Assert.Equal(TreeDiff.FolderDigest(files), folder.Digest());
        }
        using (var folder = RawFolderOf("f", devices: true))
        {
            Assert.NotEqual(0UL, Assert.Single(folder.Folders).Dev);
        }
        File.CreateSymbolicLink(Path.Combine(_root, "f", "link.txt"), Path.Combine(_root, "f", "plain.txt"));
        using (var folder = RawFolderOf("f", devices: false))
        {
            Assert.True(folder.HasLinks);
        }
        Assert.False(SharpParty.Core.Storage.RawFolder.TryRead(Path.Combine(_root, "no-such-folder"), false, out _));
    }

    [Fact]
    public async Task A_name_that_is_not_UTF8_is_left_out_of_the_index_and_does_not_keep_its_folder_from_being_trusted()
    {
        Write("g/good.txt", "good");
        // bytes 0xFF 0xFE are never UTF-8: the name can only be made through the raw syscall
        var bad = Encoding.UTF8.GetBytes(Path.Combine(_root, "g", "bad-")).Concat(new byte[] { 0xFF, 0xFE, (byte)'.', (byte)'t', 0 }).ToArray();
        var fd = RawOpen(bad, 0x41 /* O_WRONLY | O_CREAT */, 0x1A4);
        Assert.True(fd >= 0);
        Assert.Equal(0, RawClose(fd));
        try
        {
            using var idx = new VolumeIndex(DbPath, out _);
            var first = await Scanner.ScanAsync(_root, idx, Opts, default);
            Assert.Equal((1L, 0L), (first.Seen, first.Failed));
            await Scanner.ScanAsync(_root, idx, Opts, default);
            Assert.Contains("g", idx.FolderDigests().Keys); // not read again and again because of a file it can never open
        }
        finally
        {
            Assert.Equal(0, RawUnlink(bad)); // a string path cannot name it, so the folder's cleanup could not either
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "unlink")]
    private static extern int RawUnlink(byte[] path);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open")]
    private static extern int RawOpen(byte[] path, int flags, int mode);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
    private static extern int RawClose(int fd);

    [Fact]
    public void A_big_folder_read_raw_has_its_stats_spread_over_the_cores_and_loses_no_entry()
    {
        // over RawFolder's split size, so several workers stat it; a sub-folder and a partial file among them
        for (var i = 0; i < 2600; i++)
        {
            File.WriteAllText(Path.Combine(_root, $"f{i:D5}.txt"), new string('x', i % 97));
        }
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.WriteAllText(Path.Combine(_root, "up.PARTIAL"), "");
        using var folder = RawFolderOf("", devices: false);
        var files = Enumerable.Range(0, folder.FileCount).Select(folder.FileAt).ToList();
        Assert.Equal(2600, files.Count);
        Assert.All(files, f => Assert.Equal(int.Parse(f.Name[1..6], System.Globalization.CultureInfo.InvariantCulture) % 97, f.Size));
        Assert.Equal(["sub"], folder.Folders.Select(f => f.Name));
        Assert.Equal(TreeDiff.FolderDigest(files), folder.Digest());
    }

    [Fact]
    public async Task Rows_added_by_many_readers_at_once_are_all_written_one_batch_at_a_time()
    {
        using var idx = new VolumeIndex(DbPath, out _);
        var rows = new RowBatcher(idx, batchRows: 100, batchTime: TimeSpan.FromSeconds(1));
        // 8 readers: most of the time a batch is being written while the others add to the next one or wait for room
        await Task.WhenAll(Enumerable.Range(0, 8).Select(r => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                rows.Add(new FileRow($"r{r}", $"f{i}", i, 1_700_000_000, "#meta"));
            }
        })));
        rows.Flush();
        Assert.Equal(40_000, idx.Count());
        Assert.Equal(4999, idx.Find("r7", "f4999")!.Size);
    }

    private SharpParty.Core.Storage.RawFolder RawFolderOf(string rel, bool devices)
    {
        Assert.True(SharpParty.Core.Storage.RawFolder.TryRead(Path.Combine(_root, rel), devices, out var folder));
        return folder!;
    }

    [Fact]
    public void Closing_the_index_folds_its_WAL_into_the_file_so_the_next_start_has_nothing_to_recover()
    {
        using (var idx = new VolumeIndex(DbPath, out _))
        {
            idx.Batch(Enumerable.Range(0, 500).Select(i => new FileRow("d", $"f{i}", i, i, "w" + i)).ToList(), []);
            Assert.Equal(500, idx.FolderDigests().Count + 500); // a pooled reader stays open after this
            Assert.True(File.Exists(DbPath + "-wal"));
        }
        Assert.False(File.Exists(DbPath + "-wal"), "the WAL was left for the next start to recover");
        using var again = new VolumeIndex(DbPath, out _);
        Assert.Equal(500, again.Count());
    }

    /// <summary>Writes 4 KiB of 0xFF over page <paramref name="page"/> (1-based) of a closed, checkpointed index file.</summary>
    internal static void DamagePage(string dbPath, int page)
    {
        // everything into the main file first, so the damage is not papered over by pages in the WAL
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + dbPath + ";Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "pragma wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        Assert.False(File.Exists(dbPath + "-wal") && new FileInfo(dbPath + "-wal").Length > 0, "the WAL was not checkpointed");
        Assert.True(new FileInfo(dbPath).Length > page * 4096L, "the index file is too small to damage that page");
        using var f = new FileStream(dbPath, FileMode.Open, FileAccess.Write);
        f.Position = (page - 1) * 4096L;
        f.Write(Enumerable.Repeat((byte)0xFF, 4096).ToArray());
    }

    [Fact]
    public void Damage_inside_the_file_is_found_by_the_integrity_check_and_the_index_is_rebuilt()
    {
        using (var idx = new VolumeIndex(DbPath, out _))
        {
            // 3,000 rows spread the table and its indexes over ~100 pages
            idx.Batch(Enumerable.Range(0, 3000).Select(i => new FileRow("d" + (i % 30), $"file-{i:D5}.bin", i, 1_700_000_000 + i,
                Convert.ToBase64String(Encoding.ASCII.GetBytes($"{i:D32}")))).ToList(), []);
            Assert.Null(idx.CheckIntegrity());
        }
        DamagePage(DbPath, 20);

        // opening reads the header and the schema only: damage deeper in goes unnoticed until the integrity check
        using var again = new VolumeIndex(DbPath, out var note);
        Assert.Null(note);
        var problem = again.CheckIntegrity();
        Assert.NotNull(problem);

        var line = again.Rebuild(problem);
        Assert.Contains("moved aside", line, StringComparison.Ordinal);
        Assert.Equal(0, again.Count());
        again.Upsert(new FileRow("", "new.txt", 1, 1, "w"));
        Assert.NotNull(again.Find("", "new.txt"));
        Assert.Null(again.CheckIntegrity());
        // the damaged file is kept for a post-mortem (with its -wal and -shm beside it)
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(DbPath)!, IndexDb.FileName + ".corrupt-*"),
            f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("name like *.txt", "a.txt,b.txt")]
    [InlineData("name == a.txt", "a.txt")]
    [InlineData("name = \"with space.mp3\"", "with space.mp3")]
    [InlineData("size > 1", "big.bin")]
    [InlineData("size <= 1 and name like a*", "a.txt")]
    [InlineData("not name like *.txt", "big.bin,with space.mp3")]
    [InlineData("( name == a.txt or name == b.txt ) and date >= 2024-06", "b.txt")]
    [InlineData("date < 2024-06-01T12:00:00", "a.txt")]
    [InlineData("date > \"2024-07-01 00:00:01\"", "big.bin,with space.mp3")]
    [InlineData("path == vol/sub", "b.txt")]
    [InlineData("path like *sub*", "b.txt")]
    [InlineData("", "a.txt,b.txt,big.bin,with space.mp3")]
    public async Task Query_language_selects_the_right_files(string q, string expected)
    {
        Write("a.txt", "a", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Write("sub/b.txt", "b", new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc));
        Write("big.bin", new string('x', 2 << 20), new DateTime(2024, 8, 1, 0, 0, 0, DateTimeKind.Utc));
        Write("with space.mp3", "m", new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc));
        using var idx = new VolumeIndex(DbPath, out _);
        await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.True(QueryParser.TryParse(q, out var parsed, out var err), err);
        var hits = Searcher.Run([(idx, "vol", false, Array.Empty<string>())], parsed!, 100, default, out var trunc);
        Assert.False(trunc);
        Assert.Equal(expected.Split(',').Order(), hits.Select(h => Path.GetFileName(h.VPath)).Order());
        Assert.All(hits, h => Assert.StartsWith("vol/", h.VPath, StringComparison.Ordinal));
    }

    private static List<string> Names(VolumeIndex idx, string q)
    {
        Assert.True(QueryParser.TryParse(q, out var parsed, out var err), err);
        return Searcher.Run([(idx, "", false, Array.Empty<string>())], parsed!, 100, default, out _)
            .Select(h => h.VPath).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Name_search_goes_through_the_names_in_memory_and_follows_inserts_renames_and_deletes()
    {
        using var idx = new VolumeIndex(DbPath, out _);
        idx.Batch([new("a", "Holiday_2024.JPG", 1, 1, "w1"), new("b", "holiday.txt", 1, 2, "w2"), new("", "work.doc", 1, 3, "w3")], []);
        // case-insensitive for ASCII, as SQLite's LIKE (and copyparty's search)
        Assert.Equal(["a/Holiday_2024.JPG", "b/holiday.txt"], Names(idx, "name like *liDAY*"));
        // the table now exists: later changes must reach it
        idx.Rename("b", "holiday.txt", "c", "trip.txt");
        Assert.Equal(["a/Holiday_2024.JPG"], Names(idx, "name like *liday*"));
        Assert.Equal(["c/trip.txt"], Names(idx, "name like *trip*"));
        idx.Upsert(new("d", "holiday2.txt", 5, 4, "w4"));
        idx.Upsert(new("d", "holiday2.txt", 6, 5, "w5"));
        Assert.Equal(["a/Holiday_2024.JPG", "d/holiday2.txt"], Names(idx, "name like *liday*"));
        idx.Remove("a", "Holiday_2024.JPG");
        idx.RemoveTree("d");
        Assert.Empty(Names(idx, "name like *liday*"));
        // "not" applies to the whole term, id list included
        Assert.Equal(["c/trip.txt"], Names(idx, "not name like *wor*"));
        Assert.Equal(["c/trip.txt"], Names(idx, "name like tr*"));
        Assert.Equal(["work.doc"], Names(idx, "name like *.DOC"));
        Assert.Equal(["work.doc"], Names(idx, "name like WORK.doc"));
        Assert.Empty(Names(idx, "name like *rk.do"));
        // SQL wildcards inside the value are SQLite's to match
        Assert.Equal(["c/trip.txt", "work.doc"], Names(idx, "name like *r_*"));

        // the plan looks rows up by id (the point of the names in memory): without them this is "SCAN f"
        Assert.True(QueryParser.TryParse("name like *trip*", out var parsed, out _));
        var (where, args) = parsed!.ForVolume(idx.MatchNames);
        using var db = idx.OpenReader();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "explain query plan select id from files f where " + where;
        cmd.Parameters.AddWithValue("$vp", "");
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v);
        }
        var plan = new List<string>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                plan.Add(r.GetString(3));
            }
        }
        Assert.Contains(plan, l => l.StartsWith("SEARCH f USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, l => l == "SCAN f");
    }

    [Theory]
    [InlineData("name", "KEY OPERATOR VALUE")]
    [InlineData("name ~ x", "unknown operator")]
    [InlineData("size > lots", "size wants a number")]
    [InlineData("date > yesterday", "date wants")]
    [InlineData("( name == a", "missing ')'")]
    [InlineData("name == a )", "unexpected ')'")]
    [InlineData("name == \"open", "unterminated quote")]
    [InlineData("Bad!Key == 1", "'!' must be followed")]
    [InlineData("x;drop == 1", "invalid key")]
    public void Bad_queries_get_a_reason(string q, string fragment)
    {
        Assert.False(QueryParser.TryParse(q, out _, out var err));
        Assert.Contains(fragment, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hit_limit_truncates()
    {
        for (var i = 0; i < 12; i++)
        {
            Write($"f{i}.txt", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var idx = new VolumeIndex(DbPath, out _);
        await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.True(QueryParser.TryParse("name like f*", out var q, out _));
        var hits = Searcher.Run([(idx, "", false, Array.Empty<string>())], q!, 5, default, out var trunc);
        Assert.Equal(5, hits.Count);
        Assert.True(trunc);
    }

    [Fact]
    public async Task Verify_modes_find_content_changed_behind_the_index()
    {
        var t = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Write("v.txt", "one", t);
        using var idx = new VolumeIndex(DbPath, out _);
        await Scanner.ScanAsync(_root, idx, Opts, default);
        var before = idx.Find("", "v.txt")!.Wark;
        Write("v.txt", "two", t); // same size, same mtime: a plain rescan cannot notice
        Assert.Equal(0, (await Scanner.ScanAsync(_root, idx, Opts, default)).Hashed);
        var seen = new List<string>();
        var r = await Scanner.ScanAsync(_root, idx, Opts with { Verify = VerifyMode.Report, OnMismatch = seen.Add }, default);
        Assert.Equal(1, r.Mismatched);
        Assert.Equal(["v.txt"], seen);
        Assert.Equal(before, idx.Find("", "v.txt")!.Wark);
        await Assert.ThrowsAsync<IndexMismatchException>(() => Scanner.ScanAsync(_root, idx, Opts with { Verify = VerifyMode.Panic }, default));
        await Scanner.ScanAsync(_root, idx, Opts with { Verify = VerifyMode.Update }, default);
        Assert.Equal("fxvihWlnQIbVbUPr--TxyV41913kPLhXPD1ngXYxDfou", idx.Find("", "v.txt")!.Wark);
    }

    [Fact]
    public async Task Tags_are_read_once_stored_with_their_types_and_searchable()
    {
        Write("a.mp3", "aaa");
        Write("b.mp3", "bbb");
        using var idx = new VolumeIndex(DbPath, out _);
        await Scanner.ScanAsync(_root, idx, Opts, default);
        var reads = 0;
        Task<IReadOnlyDictionary<string, object>> Reader(string path, CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            IReadOnlyDictionary<string, object> tags = Path.GetFileName(path) == "a.mp3"
                ? new Dictionary<string, object> { ["artist"] = "Foo Fighters", [".bpm"] = 128.0 }
                : new Dictionary<string, object> { ["artist"] = "Bar", [".bpm"] = 90.0 };
            return Task.FromResult(tags);
        }
        Assert.Equal(2, await Tagger.TagUntaggedAsync(_root, idx, Reader, 2, default));
        Assert.Equal(0, await Tagger.TagUntaggedAsync(_root, idx, Reader, 2, default));
        Assert.Equal(2, reads);
        Assert.Equal("Foo Fighters", idx.TagsIn("")["a.mp3"]["artist"]);
        foreach (var (q, hit) in new[] { ("artist = foo*", "a.mp3"), (".bpm > 100", "a.mp3"), (".bpm < 100", "b.mp3"), ("tags like *bar*", "b.mp3") })
        {
            Assert.True(QueryParser.TryParse(q, out var parsed, out var err), err);
            var hits = Searcher.Run([(idx, "", false, Array.Empty<string>())], parsed!, 10, default, out _);
            Assert.Equal([hit], hits.Select(h => h.VPath));
        }
        // a changed file is read again
        Write("a.mp3", "AAAA", new DateTime(2025, 2, 2, 0, 0, 0, DateTimeKind.Utc));
        await Scanner.ScanAsync(_root, idx, Opts, default);
        Assert.Equal(1, await Tagger.TagUntaggedAsync(_root, idx, Reader, 2, default));
    }
}
