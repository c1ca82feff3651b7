using SharpParty.Core.Config;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Tests.Vfs;

public class UrlPathTests
{
    [Theory]
    [InlineData("/", "")]
    [InlineData("/a/b/", "a/b")]
    [InlineData("//a//b", "a/b")]
    [InlineData("/a%20b/c", "a b/c")]
    [InlineData("/%C3%A6%C3%B8%C3%A5", "æøå")]
    [InlineData("/a+b", "a+b")]
    [InlineData("/....", "....")]
    [InlineData("/.dot/x", ".dot/x")]
    [InlineData("/a/%252e%252e", "a/%2e%2e")]
    public void Accepts(string raw, string expected)
    {
        Assert.True(UrlPath.TryDecode(raw, out var d, out var e1), e1);
        Assert.True(UrlPath.TryNormalize(d, out var v, out var e2), e2);
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("/..", "traversal")]
    [InlineData("/a/../b", "traversal")]
    [InlineData("/a/./b", "traversal")]
    [InlineData("/%2e%2e/x", "traversal")]
    [InlineData("/a%2f..%2f..%2fb", "traversal")]
    [InlineData("/a%5cb", "backslash")]
    [InlineData("/a\\b", "backslash")]
    [InlineData("/a%00b", "backslash or NUL")]
    [InlineData("/a%0ab", "control character")]
    [InlineData("/%c0%ae%c0%ae/x", "UTF-8")]
    [InlineData("/%e0%80%ae", "UTF-8")]
    [InlineData("/%ed%a0%80", "UTF-8")]
    [InlineData("/%zz", "%-escape")]
    [InlineData("/%2", "%-escape")]
    [InlineData("/%ef%bc%8e%ef%bc%8e/x", "lookalike")]
    [InlineData("/%e2%80%a5/x", "lookalike")]
    [InlineData("/a%ef%bc%8fb", "lookalike")]
    [InlineData("/a%e2%81%84b", "lookalike")]
    [InlineData("/caf\u00e9", "bad character")]
    public void Refuses(string raw, string reason)
    {
        var ok = UrlPath.TryDecode(raw, out var d, out var err) && UrlPath.TryNormalize(d, out _, out err);
        Assert.False(ok);
        Assert.Contains(reason, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_round_trips()
    {
        foreach (var name in new[] { "a b", "x?y#z", "æ/ø", "100%", "semi;colon&amp" })
        {
            Assert.True(UrlPath.TryDecode(UrlPath.Quote(name), out var back, out _));
            Assert.Equal(name, back);
        }
    }
}

public sealed class VfsTreeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sp-vfs-" + Guid.NewGuid().ToString("N")[..10]);

    public VfsTreeTests()
    {
        foreach (var d in new[] { "root/music", "music", "deep/a", "priv" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, d));
        }
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private VfsTree Build(params string[] args)
    {
        Assert.True(OptionsBuilder.TryBuild(args, _dir, out var o, out var err), err);
        return o!.Vfs;
    }

    [Fact]
    public void Longest_mount_wins_and_shadows_the_folder_below()
    {
        var vfs = Build("-v", "root::r", "-v", "music:music:rw");
        var r = vfs.Resolve("/music/song.mp3", "*");
        Assert.True(r.Ok);
        Assert.Equal("music", r.Path.Volume!.VPath);
        Assert.Equal(Path.Combine(_dir, "music", "song.mp3"), r.Path.FsPath);
        Assert.Equal(Perm.Read | Perm.Write, r.Path.Perms);
        var top = vfs.Resolve("/other.txt", "*");
        Assert.Equal(Path.Combine(_dir, "root", "other.txt"), top.Path.FsPath);
    }

    [Fact]
    public void Folders_above_mounts_are_virtual_and_listable_when_something_below_is()
    {
        var vfs = Build("-a", "ed:x", "-v", "deep/a:x/y/z:r", "-v", "priv:p/q:r,ed");
        var x = vfs.Resolve("/x/y", "*");
        Assert.True(x.Ok);
        Assert.True(x.Path.IsVirtual);
        Assert.Equal(Perm.Read, x.Path.Perms);
        Assert.Equal(["z"], vfs.ChildMounts("x/y"));
        Assert.Equal(Perm.None, vfs.Resolve("/p", "*").Path.Perms);
        Assert.Equal(Perm.Read, vfs.Resolve("/p", "ed").Path.Perms);
        Assert.Equal(VfsError.NotFound, vfs.Resolve("/nothing", "*").Error);
    }

    [Fact]
    public void Permissions_union_everyone_user_and_groups()
    {
        var vfs = Build("-a", "ed:1", "-a", "k:2", "-a", "u:3", "--grp", "admins:ed,k", "-v", "priv::r:w,u:A,@admins");
        Assert.Equal(Perm.Read, vfs.Resolve("/", "*").Path.Perms);
        Assert.Equal(Perm.Read | Perm.Write, vfs.Resolve("/", "u").Path.Perms);
        var all = Perm.Read | Perm.Write | Perm.Move | Perm.Delete | Perm.Admin | Perm.Dots;
        Assert.Equal(all, vfs.Resolve("/", "ed").Path.Perms);
        Assert.Equal(all, vfs.Resolve("/", "k").Path.Perms);
    }

    [Fact]
    public void Hist_folder_is_never_reachable()
    {
        var vfs = Build("-v", "priv::A");
        Assert.Equal(VfsError.NotFound, vfs.Resolve("/.hist/sessions.db", "*").Error);
        Assert.Equal(VfsError.NotFound, vfs.Resolve("/.hist", "*").Error);
    }

    [Fact]
    public void Symlink_out_of_the_volumes_is_refused_unless_allowed()
    {
        File.WriteAllText(Path.Combine(_dir, "secret"), "s");
        File.CreateSymbolicLink(Path.Combine(_dir, "priv", "out"), Path.Combine(_dir, "secret"));
        Assert.Equal(VfsError.SymlinkEscape, Build("-v", "priv::r").Resolve("/out", "*").Error);
        Assert.True(Build("-v", "priv::r", "--unsafe-symlinks").Resolve("/out", "*").Ok);
        File.CreateSymbolicLink(Path.Combine(_dir, "priv", "tomusic"), Path.Combine(_dir, "music"));
        Assert.True(Build("-v", "priv::r", "-v", "music:m:r").Resolve("/tomusic/x", "*").Ok);
        Assert.Equal(VfsError.SymlinkEscape, Build("-v", "priv::r:c,xvol", "-v", "music:m:r").Resolve("/tomusic/x", "*").Error);
    }

    [Fact]
    public void ChildOf_gives_what_the_full_resolver_gives_for_plain_members()
    {
        var vfs = Build("-a", "ed:1", "-v", "root::r:rwmd,ed:c,dots", "-v", "music:music:rw");
        foreach (var user in new[] { "*", "ed" })
        {
            foreach (var (dir, name) in new[] { ("", "a.txt"), ("", ".dot"), ("sub", "b.txt"), ("music", "song.mp3"), (".d", "x") })
            {
                var parent = vfs.ResolveNormalized(dir, user).Path;
                var full = vfs.ResolveNormalized(dir.Length == 0 ? name : dir + "/" + name, user);
                Assert.True(full.Ok);
                Assert.Equal(full.Path, VfsTree.ChildOf(parent, name));
            }
            var root = vfs.ResolveNormalized("", user).Path;
            // never served, whichever way it is asked for
            Assert.Null(VfsTree.ChildOf(root, ".hist"));
            Assert.False(vfs.ResolveNormalized(".hist", user).Ok);
            var temp = SharpParty.Core.Storage.TempNames.New();
            Assert.Null(VfsTree.ChildOf(root, temp));
            Assert.False(vfs.ResolveNormalized(temp, user).Ok);
            Assert.Null(VfsTree.ChildOf(root, ".."));
            Assert.Null(VfsTree.ChildOf(root, "a/b"));
        }
        // a virtual folder has no members of its own
        Assert.Null(VfsTree.ChildOf(Build("-v", "music:x/m:r").ResolveNormalized("x", "*").Path, "m"));
    }
}
