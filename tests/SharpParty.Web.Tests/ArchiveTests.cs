using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// <c>?zip</c>, <c>?tar</c> and <c>act=zip</c> against a real server, unpacked by real tools (Info-ZIP's unzip, GNU tar,
/// bsdtar, Python's zipfile and tarfile) and compared name by name and byte by byte with the folder on disk.
/// </summary>
public sealed class ArchiveTests : IAsyncLifetime
{
    private TestServer _s = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _s = await TestServer.StartAsync(["-a", "ed:pw1", "-v", "srv::r", "-v", "srv/inc/locked:inc/locked:r,ed", "-v", "gonly:gonly:g",
            "-v", "wonly:wonly:w", "-v", "dotty:dotty:r."], root =>
        {
            var inc = Path.Combine(root, "srv", "inc");
            Directory.CreateDirectory(Path.Combine(inc, "empty"));
            Directory.CreateDirectory(Path.Combine(inc, "sub", "deeper"));
            Directory.CreateDirectory(Path.Combine(inc, "locked"));
            Directory.CreateDirectory(Path.Combine(inc, ".hidden"));
            Directory.CreateDirectory(Path.Combine(root, "outside"));
            File.WriteAllText(Path.Combine(root, "outside", "secret.txt"), "SECRET-zip");
            File.WriteAllText(Path.Combine(inc, "a.txt"), "hello\n");
            File.WriteAllBytes(Path.Combine(inc, "sub", "random.bin"), RandomBytes(300_000, 1));
            File.WriteAllText(Path.Combine(inc, "sub", "日本語 ñ é.txt"), "unicode ünï\n");
            File.WriteAllText(Path.Combine(inc, "sub", "deeper", new string('x', 150) + ".txt"), "long name\n");
            File.WriteAllBytes(Path.Combine(inc, "sub", "deeper", "zero.bin"), []);
            File.WriteAllText(Path.Combine(inc, ".dotfile"), "dot");
            File.WriteAllText(Path.Combine(inc, ".hidden", "h.txt"), "hidden");
            File.WriteAllText(Path.Combine(inc, "locked", "nope.txt"), "ed only");
            File.CreateSymbolicLink(Path.Combine(inc, "escape"), Path.Combine(root, "outside"));
            File.CreateSymbolicLink(Path.Combine(inc, "escape.txt"), Path.Combine(root, "outside", "secret.txt"));
            foreach (var v in (string[])["gonly", "wonly", "dotty"])
            {
                Directory.CreateDirectory(Path.Combine(root, v, "d"));
                File.WriteAllText(Path.Combine(root, v, "d", "f.txt"), v);
                File.WriteAllText(Path.Combine(root, v, "d", ".h.txt"), "hidden " + v);
            }
        });
        _work = Path.Combine(_s.Root, "unpacked");
        Directory.CreateDirectory(_work);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>What an anonymous user may see of srv/inc: no dotfiles, no locked sub-volume, no escaping symlinks.</summary>
    private Dictionary<string, string> Expected(string prefix)
    {
        var inc = _s.PathOf("srv/inc");
        var d = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [prefix + "a.txt"] = Hash(File.ReadAllBytes(Path.Combine(inc, "a.txt"))),
            [prefix + "sub/random.bin"] = Hash(File.ReadAllBytes(Path.Combine(inc, "sub", "random.bin"))),
            [prefix + "sub/日本語 ñ é.txt"] = Hash(File.ReadAllBytes(Path.Combine(inc, "sub", "日本語 ñ é.txt"))),
            [prefix + "sub/deeper/" + new string('x', 150) + ".txt"] = Hash("long name\n"u8.ToArray()),
            [prefix + "sub/deeper/zero.bin"] = Hash([]),
            [prefix + "empty/"] = "dir",
            [prefix + "sub/"] = "dir",
            [prefix + "sub/deeper/"] = "dir",
        };
        if (prefix.Length > 0)
        {
            d[prefix] = "dir";
        }
        return d;
    }

    private static string Hash(byte[] b) => Convert.ToHexString(SHA256.HashData(b));

    /// <summary>Every file and folder under <paramref name="dir"/>: relative name (folders end in '/') → content hash.</summary>
    private static Dictionary<string, string> Tree(string dir)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(dir, p).Replace('\\', '/');
            d[Directory.Exists(p) ? rel + "/" : rel] = Directory.Exists(p) ? "dir" : Hash(File.ReadAllBytes(p));
        }
        return d;
    }

    private async Task<(HttpResponseMessage Res, string File)> DownloadAsync(string url, string name, HttpContent? post = null)
    {
        var res = post is null ? await _s.Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead)
            : await _s.Client.PostAsync(url, post);
        var file = Path.Combine(_work, name);
        await using (var fs = File.Create(file))
        {
            await res.Content.CopyToAsync(fs);
        }
        return (res, file);
    }

    internal static async Task<(int Code, string Output)> RunAsync(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (p.ExitCode, await o + await e);
    }

    /// <summary>Unpacks with Python's zipfile or tarfile into a fresh folder (the folder's path is returned).</summary>
    private static async Task<string> PythonUnpackAsync(string archive, bool zip)
    {
        var dest = archive + ".py";
        var script = zip
            ? "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])"
            : "import sys,tarfile; t=tarfile.open(sys.argv[1]); t.extractall(sys.argv[2])";
        var (code, output) = await RunAsync("python3", "-c", script, archive, dest);
        Assert.True(code == 0, output);
        return dest;
    }

    [Theory]
    [InlineData("?zip")]
    [InlineData("?zip=utf8")]
    [InlineData("?zip=crc")]
    public async Task Zip_of_a_folder_unpacks_with_unzip_and_python_to_the_same_tree(string query)
    {
        var (res, file) = await DownloadAsync("/inc/" + query, "inc" + query.Replace('?', '_').Replace('=', '_') + ".zip");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/zip", res.Content.Headers.ContentType?.MediaType);
        Assert.Null(res.Content.Headers.ContentLength);
        Assert.Equal("attachment; filename=\"inc.zip\"; filename*=UTF-8''inc.zip", res.Content.Headers.ContentDisposition?.ToString());
        var (code, output) = await RunAsync("unzip", "-q", "-d", file + ".unzip", file);
        Assert.True(code == 0, output);
        Assert.Equal(Expected("inc/").OrderBy(k => k.Key), Tree(file + ".unzip").OrderBy(k => k.Key));
        var (tcode, toutput) = await RunAsync("unzip", "-tq", file);
        Assert.True(tcode == 0, toutput);
        Assert.Equal(Expected("inc/").OrderBy(k => k.Key), Tree(await PythonUnpackAsync(file, zip: true)).OrderBy(k => k.Key));
    }

    [Theory]
    [InlineData("?tar", "tar")]
    [InlineData("?tar=pax", "tar")]
    [InlineData("?tar=gz", "tar.gz")]
    [InlineData("?tar=gz:9", "tar.gz")]
    public async Task Tar_variants_unpack_with_gnu_tar_bsdtar_and_python(string query, string ext)
    {
        var (res, file) = await DownloadAsync("/inc/" + query, "inc" + query.Replace('?', '_').Replace('=', '_').Replace(':', '_') + "." + ext);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(ext == "tar" ? "application/x-tar" : "application/gzip", res.Content.Headers.ContentType?.MediaType);
        Assert.Null(res.Content.Headers.ContentLength);
        Assert.Equal($"attachment; filename=\"inc.{ext}\"; filename*=UTF-8''inc.{ext}", res.Content.Headers.ContentDisposition?.ToString());
        Directory.CreateDirectory(file + ".gnu");
        var (code, output) = await RunAsync("tar", "-xf", file, "-C", file + ".gnu");
        Assert.True(code == 0, output);
        Assert.Equal(Expected("inc/").OrderBy(k => k.Key), Tree(file + ".gnu").OrderBy(k => k.Key));
        Directory.CreateDirectory(file + ".bsd");
        var (bcode, boutput) = await RunAsync("bsdtar", "-xf", file, "-C", file + ".bsd");
        Assert.True(bcode == 0, boutput);
        Assert.Equal(Expected("inc/").OrderBy(k => k.Key), Tree(file + ".bsd").OrderBy(k => k.Key));
        Assert.Equal(Expected("inc/").OrderBy(k => k.Key), Tree(await PythonUnpackAsync(file, zip: false)).OrderBy(k => k.Key));
    }

    [Fact]
    public async Task A_posted_selection_puts_the_chosen_entries_at_the_root()
    {
        using var form = new MultipartFormDataContent { { new StringContent("zip"), "act" }, { new StringContent("a.txt\nsub/\nnot-there.txt"), "files" } };
        var (res, file) = await DownloadAsync("/inc/?zip", "sel.zip", form);
        Assert.True(res.StatusCode == HttpStatusCode.OK, await File.ReadAllTextAsync(file));
        Assert.Equal("attachment; filename=\"a_txt.zip\"; filename*=UTF-8''a%2etxt.zip", res.Content.Headers.ContentDisposition?.ToString());
        var expected = Expected("").Where(k => k.Key == "a.txt" || k.Key.StartsWith("sub/", StringComparison.Ordinal)).OrderBy(k => k.Key);
        Assert.Equal(expected, Tree(await PythonUnpackAsync(file, zip: true)).OrderBy(k => k.Key));
        using var tarForm = new MultipartFormDataContent { { new StringContent("zip"), "act" }, { new StringContent("deeper/"), "files" } };
        var (tres, tfile) = await DownloadAsync("/inc/sub/?tar", "sel.tar", tarForm);
        Assert.Equal(HttpStatusCode.OK, tres.StatusCode);
        Assert.Equal(["deeper/", "deeper/" + new string('x', 150) + ".txt", "deeper/zero.bin"], Tree(await PythonUnpackAsync(tfile, zip: false)).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("../outside/secret.txt")]
    [InlineData("sub/../../outside")]
    [InlineData("..")]
    [InlineData("%2e%2e/outside")]
    public async Task A_selection_that_leaves_the_folder_is_refused(string files)
    {
        using var form = new MultipartFormDataContent { { new StringContent("zip"), "act" }, { new StringContent(files), "files" } };
        using var res = await _s.Client.PostAsync("/inc/?zip", form);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
    }

    [Fact]
    public async Task Archives_leave_out_dotfiles_locked_subvolumes_and_escaping_symlinks()
    {
        var (_, file) = await DownloadAsync("/inc/?zip&dots", "strict.zip"); // ?dots without the '.' permission: no effect
        var names = Tree(await PythonUnpackAsync(file, zip: true)).Keys.ToList();
        Assert.DoesNotContain(names, n => n.Contains(".dotfile", StringComparison.Ordinal) || n.Contains(".hidden", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("locked", StringComparison.Ordinal) || n.Contains("escape", StringComparison.Ordinal));
        var (_, tfile) = await DownloadAsync("/inc/?tar", "strict.tar");
        Assert.DoesNotContain("SECRET-zip", await File.ReadAllTextAsync(tfile), StringComparison.Ordinal);
        // ed may read the locked sub-volume, so it is in ed's archive
        var (_, edfile) = await DownloadAsync("/inc/?zip&pw=pw1", "ed.zip");
        Assert.Contains("inc/locked/nope.txt", Tree(await PythonUnpackAsync(edfile, zip: true)).Keys);
    }

    [Fact]
    public async Task Dotfiles_come_along_with_the_dot_permission_and_dots()
    {
        var (_, file) = await DownloadAsync("/dotty/?tar&dots", "dots.tar");
        Assert.Equal(["dotty/", "dotty/d/", "dotty/d/.h.txt", "dotty/d/f.txt"], Tree(await PythonUnpackAsync(file, zip: false)).Keys.Order(StringComparer.Ordinal));
        var (_, plain) = await DownloadAsync("/dotty/?tar", "nodots.tar");
        Assert.Equal(["dotty/", "dotty/d/", "dotty/d/f.txt"], Tree(await PythonUnpackAsync(plain, zip: false)).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/gonly/?zip", HttpStatusCode.Forbidden)]
    [InlineData("/gonly/d/?tar", HttpStatusCode.Forbidden)]
    [InlineData("/wonly/?zip", HttpStatusCode.Forbidden)]
    [InlineData("/inc/locked/?zip", HttpStatusCode.Forbidden)]
    [InlineData("/inc/.hidden/?zip", HttpStatusCode.NotFound)]
    [InlineData("/inc/nope/?zip", HttpStatusCode.NotFound)]
    [InlineData("/inc/?tar=xz", HttpStatusCode.BadRequest)]
    [InlineData("/inc/?tar=gz:12", HttpStatusCode.BadRequest)]
    [InlineData("/inc/escape/?zip", HttpStatusCode.NotFound)]
    public async Task Archive_needs_read_permission_and_a_real_folder(string url, HttpStatusCode expected)
    {
        using var res = await _s.Client.GetAsync(url);
        Assert.Equal(expected, res.StatusCode);
    }

    [Fact]
    public async Task A_traversing_url_is_refused_before_any_archive_starts()
    {
        // HttpClient would remove the dot segments itself: curl sends them as they are
        var (_, code) = await _s.CurlAsync("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "{base}/inc/../../outside/?zip");
        Assert.Equal("400", code);
        var (_, code2) = await _s.CurlAsync("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "{base}/inc/%2e%2e/%2e%2e/outside/?tar");
        Assert.Equal("400", code2);
    }

    [Fact]
    public async Task The_root_archive_is_named_after_the_host_and_holds_only_readable_volumes()
    {
        var (res, file) = await DownloadAsync("/?zip", "root.zip");
        Assert.Equal("attachment; filename=\"127_0_0_1.zip\"; filename*=UTF-8''127%2e0%2e0%2e1.zip", res.Content.Headers.ContentDisposition?.ToString());
        var names = Tree(await PythonUnpackAsync(file, zip: true)).Keys.ToList();
        Assert.Contains("top/inc/a.txt", names);
        Assert.Contains("top/dotty/d/f.txt", names);
        Assert.DoesNotContain(names, n => n.StartsWith("top/gonly", StringComparison.Ordinal) || n.StartsWith("top/wonly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_zip_turns_archives_off()
    {
        await using var s = await TestServer.StartAsync(["-v", "srv::r", "--no-zip"], root => Directory.CreateDirectory(Path.Combine(root, "srv", "x")));
        using var res = await s.Client.GetAsync("/x/?tar");
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("not enabled", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_65535_entries_make_a_zip64_archive_that_unzip_and_python_read()
    {
        // zip64 (APPNOTE 4.4.1.4): the entry count no longer fits the classic end record
        await using var s = await TestServer.StartAsync(["-v", "srv::r"], root =>
        {
            var many = Path.Combine(root, "srv", "many");
            Directory.CreateDirectory(many);
            for (var i = 0; i < 66_000; i++)
            {
                File.WriteAllBytes(Path.Combine(many, i.ToString("x5", System.Globalization.CultureInfo.InvariantCulture)), []);
            }
            File.WriteAllText(Path.Combine(many, "last.txt"), "the end");
        });
        var file = Path.Combine(_work, "many.zip");
        await using (var fs = File.Create(file))
        {
            using var res = await s.Client.GetAsync("/many/?zip", HttpCompletionOption.ResponseHeadersRead);
            await res.Content.CopyToAsync(fs);
        }
        var (code, output) = await RunAsync("python3", "-c",
            "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(len(z.infolist())); print(z.read('many/last.txt').decode())", file);
        Assert.True(code == 0, output);
        Assert.Equal("66002\nthe end\n", output);
        var (ucode, uout) = await RunAsync("unzip", "-l", file);
        Assert.True(ucode == 0, uout);
        Assert.Contains("66002 files", uout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_over_4_GiB_gets_zip64_sizes()
    {
        // a sparse 4.1 GiB file: quick to make, but 4 GiB still go through the socket and the CRC; set
        // SHARPPARTY_SLOW_TESTS=1 to run it (CI time is kept for the rest)
        if (Environment.GetEnvironmentVariable("SHARPPARTY_SLOW_TESTS") != "1")
        {
            return;
        }
        await using var s = await TestServer.StartAsync(["-v", "srv::r"], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "big"));
            using var f = File.Create(Path.Combine(root, "srv", "big", "sparse.bin"));
            f.SetLength((4L << 30) + 12345);
            f.Position = (4L << 30) + 12000;
            f.Write("tail"u8);
        });
        var file = Path.Combine(s.Root, "big.zip");
        await using (var fs = File.Create(file))
        {
            using var res = await s.Client.GetAsync("/big/?zip", HttpCompletionOption.ResponseHeadersRead);
            await res.Content.CopyToAsync(fs);
        }
        var (code, output) = await RunAsync("python3", "-c",
            "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); i=z.getinfo('big/sparse.bin'); print(i.file_size); "
            + "f=z.open(i); f.seek(i.file_size-345); print(f.read(4).decode()); print(z.testzip())", file);
        Assert.True(code == 0, output);
        Assert.Equal($"{(4L << 30) + 12345}\ntail\nNone\n", output);
        File.Delete(file);
    }
}
