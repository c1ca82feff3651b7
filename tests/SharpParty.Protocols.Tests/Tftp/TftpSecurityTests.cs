using System.Text;

namespace SharpParty.Protocols.Tests.Tftp;

/// <summary>Permissions (anonymous only: what <c>*</c> may do) and the traversal corpus over TFTP, through the one Vfs resolver.</summary>
public sealed class TftpSecurityTests : IAsyncLifetime
{
    private const string Secret = "TOPSECRET-tftp-7d1";
    private TftpTarget _t = null!;

    private static readonly string[] Vols = ["r", "w", "rw", "rwd", "g", "priv", "dots"];

    public async Task InitializeAsync()
    {
        _t = await TftpTarget.StartAsync(
        [
            "-a", "ed:pw1", "-v", "srv::rwd", "-v", "vols/r:r:r", "-v", "vols/w:w:w", "-v", "vols/rw:rw:rw", "-v", "vols/rwd:rwd:rwd",
            "-v", "vols/g:g:g", "-v", "vols/priv:priv:rwd,ed", "-v", "vols/dots:dots:rw.",
        ], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "srv", "sub"));
            Directory.CreateDirectory(Path.Combine(root, "outside"));
            File.WriteAllText(Path.Combine(root, "outside", "secret.txt"), Secret);
            File.WriteAllText(Path.Combine(root, "srv", "sub", "ok.txt"), "fine");
            File.CreateSymbolicLink(Path.Combine(root, "srv", "escape"), Path.Combine(root, "outside"));
            File.CreateSymbolicLink(Path.Combine(root, "srv", "escape.txt"), Path.Combine(root, "outside", "secret.txt"));
            File.CreateSymbolicLink(Path.Combine(root, "srv", "tosub"), Path.Combine(root, "srv", "sub"));
            foreach (var v in Vols)
            {
                Directory.CreateDirectory(Path.Combine(root, "vols", v));
                File.WriteAllText(Path.Combine(root, "vols", v, "f.txt"), "F-" + v);
                File.WriteAllText(Path.Combine(root, "vols", v, ".hidden.txt"), "H-" + v);
            }
        });
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    /// <summary>Expected result per volume: 0 = works, else the TFTP error code.</summary>
    [Theory]
    //          vol     read f.txt  read .hidden  read missing  write new  overwrite f.txt
    [InlineData("r", 0, 1, 1, 2, 2)]
    [InlineData("w", 2, 2, 2, 0, 6)]
    [InlineData("rw", 0, 1, 1, 0, 6)]
    [InlineData("rwd", 0, 1, 1, 0, 0)]
    [InlineData("g", 2, 2, 2, 2, 2)]
    [InlineData("priv", 2, 2, 2, 2, 2)]
    [InlineData("dots", 0, 0, 1, 0, 6)]
    public async Task Permission_matrix(string vol, int readFile, int readHidden, int readMissing, int writeNew, int overwrite)
    {
        using var c = _t.Client();
        static int Code(TftpResult r) => r.ErrorCode ?? 0;
        var rf = c.Get($"{vol}/f.txt");
        Assert.Equal(readFile, Code(rf));
        if (readFile == 0)
        {
            Assert.Equal("F-" + vol, Encoding.UTF8.GetString(rf.Data));
        }
        Assert.Equal(readHidden, Code(c.Get($"{vol}/.hidden.txt")));
        Assert.Equal(readMissing, Code(c.Get($"{vol}/missing.txt")));
        var payload = Encoding.UTF8.GetBytes("NEW-" + vol);
        Assert.Equal(writeNew, Code(c.Put($"{vol}/new.txt", payload)));
        Assert.Equal(writeNew == 0, File.Exists(_t.PathOf($"vols/{vol}/new.txt")));
        Assert.Equal(overwrite, Code(c.Put($"{vol}/f.txt", payload)));
        Assert.Equal(overwrite == 0 ? "NEW-" + vol : "F-" + vol, await File.ReadAllTextAsync(_t.PathOf($"vols/{vol}/f.txt")));
        Assert.Empty(Directory.GetFiles(_t.PathOf("vols/" + vol), "*.PARTIAL"));
    }

    [Fact]
    public void Dotfile_writes_need_the_dot_permission_and_listings_hide_them_without_it()
    {
        using var c = _t.Client();
        Assert.Equal(1, c.Put("rw/.sneaky", [1, 2, 3]).ErrorCode);
        Assert.True(c.Put("dots/.fine", [1, 2, 3]).Ok);
        var ls = Encoding.UTF8.GetString(c.Get("rw/.ls").Data);
        Assert.Contains("f.txt", ls, StringComparison.Ordinal);
        Assert.DoesNotContain(".hidden", ls, StringComparison.Ordinal);
        var lsDots = Encoding.UTF8.GetString(c.Get("dots/.ls").Data);
        Assert.Contains(".hidden.txt", lsDots, StringComparison.Ordinal);
        Assert.Equal(2, c.Get("w/.ls").ErrorCode); // no read, no listing
    }

    private static readonly string[] Dots = ["..", ".%2e", "%2e%2e", "\u2025", "\uFF0E\uFF0E", "\u2024\u2024", "....", "..;", "..%00", "%252e%252e"];

    private static readonly string[] Slashes = ["/", "\\", "%2f", "\u2215", "\u2044", "\uFF0F", "//", "\\\\"];

    public static IEnumerable<object[]> Corpus()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var d in Dots)
        {
            foreach (var s in Slashes)
            {
                set.Add($"{d}{s}outside{s}secret.txt");
                set.Add($"/{d}{s}{d}{s}outside{s}secret.txt");
                set.Add($"sub{s}{d}{s}{d}{s}outside{s}secret.txt");
            }
        }
        foreach (var p in new[]
        {
            "escape/secret.txt", "escape.txt", "escape/", "escape", "escape/.ls", "escape/../escape/secret.txt", "tosub/../../outside/secret.txt",
            ".hist/../../outside/secret.txt", "../../../../../../../../etc/passwd", "/../outside/secret.txt", "./../outside/secret.txt",
            "sub/./../../outside/secret.txt", "..\\..\\outside\\secret.txt", "C:\\..\\outside\\secret.txt", "\\\\?\\..\\outside\\secret.txt",
        })
        {
            set.Add(p);
        }
        // one theory case per 60 names keeps the report short and the run quick
        var all = set.ToArray();
        for (var i = 0; i < all.Length; i += 60)
        {
            yield return [string.Join('\n', all.Skip(i).Take(60))];
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Traversal_corpus_reads_and_writes_never_leave_the_volumes(string names)
    {
        using var c = _t.Client(TimeSpan.FromSeconds(3));
        foreach (var name in names.Split('\n'))
        {
            var r = c.Get(name);
            Assert.False(r.Ok && Encoding.UTF8.GetString(r.Data).Contains(Secret, StringComparison.Ordinal), $"read {name}");
            Assert.True(r.ErrorCode is 1 or 2, $"read {name}: {r.ErrorCode} {r.ErrorMessage}");
            // a write either fails with 1/2, or the name was an ordinary one (TFTP does not percent-decode: "%2e%2e" is a
            // name) and the file is inside srv: checked below for all of them at once
            var w = c.Put(name + ".w", Encoding.UTF8.GetBytes("pwned"));
            Assert.True(w.ErrorCode is null or 1 or 2, $"write {name}: {w.ErrorCode} {w.ErrorMessage}");
        }
        Assert.Equal(["secret.txt"], Directory.GetFiles(_t.PathOf("outside")).Select(Path.GetFileName));
        Assert.Equal(Secret, File.ReadAllText(_t.PathOf("outside/secret.txt")));
        Assert.DoesNotContain(Directory.GetFiles(_t.Root, "*", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("pwned", StringComparison.Ordinal) && !f.StartsWith(_t.PathOf("srv"), StringComparison.Ordinal));
    }
}
