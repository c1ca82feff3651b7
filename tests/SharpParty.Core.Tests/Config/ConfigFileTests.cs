using SharpParty.Core.Config;

namespace SharpParty.Core.Tests.Config;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sp-cfg-" + Guid.NewGuid().ToString("N")[..10]);

    public ConfigFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var p = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    private const string SpecExample = """
        [global]
          i: 127.0.0.1
          p: 3923, 3924      # two listening ports
          e2dsa, e2ts        # index everything, plus media tags
          hist: /var/cache/copyparty

        [accounts]
          ed: hunter2
          k: k

        [groups]
          admins: ed

        [/]                  # volume at the web root
          /srv/pub           # filesystem path
          accs:
            r: *             # everyone may read
            A: @admins       # admins get rwmda.

        [/inbox]
          /srv/inbox
          accs:
            wG: *            # anyone uploads and gets a private link back
            rwmd: ed, k
          flags:
            e2d, nodupe
            fk: 8
            lifetime: 86400
        """;

    [Fact]
    public void The_spec_example_equals_its_command_line()
    {
        var p = Write("a.conf", SpecExample);
        Assert.True(ConfigFile.TryLoad(p, out var c, out var err), err);
        Assert.Equal(["ed:hunter2", "k:k"], c!.Accounts);
        Assert.Equal(["admins:ed"], c.Groups);
        Assert.Equal(
            [new("i", "127.0.0.1"), new("p", "3923, 3924"), new("e2dsa", null), new("e2ts", null), new("hist", "/var/cache/copyparty")],
            c.Global);
        string[] args = ["/srv/pub::r:A,@admins", "/srv/inbox:inbox:wG:rwmd,ed,k:c,e2d,nodupe,fk=8,lifetime=86400"];
        Assert.Equal(args.Length, c.Volumes.Count);
        for (var i = 0; i < args.Length; i++)
        {
            Assert.True(VolumeArg.TryParse(args[i], out var expected, out _));
            var got = c.Volumes[i];
            Assert.Equal(expected!.Source, got.Source);
            Assert.Equal(expected.VPath, got.VPath);
            Assert.Equal(expected.Grants.Select(g => (g.Perms, string.Join(',', g.Users))), got.Grants.Select(g => (g.Perms, string.Join(',', g.Users))));
            Assert.Equal(expected.Flags.OrderBy(kv => kv.Key), got.Flags.OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void Includes_files_and_folders_relative_to_the_including_file()
    {
        Write("sub/one.conf", "[accounts]\n  a: 1\n");
        Write("sub/dir/x.conf", "[accounts]\n  b: 2\n");
        Write("sub/dir/y.conf", "[accounts]\n  c: 3\n");
        Write("sub/dir/ignored.txt", "[accounts]\n  z: 9\n");
        var p = Write("main.conf", "% sub/one.conf\n% sub/dir\n[accounts]\n  d: 4\n");
        Assert.True(ConfigFile.TryLoad(p, out var c, out var err), err);
        Assert.Equal(["a:1", "b:2", "c:3", "d:4"], c!.Accounts);
    }

    [Fact]
    public void A_folder_given_to_c_loads_every_conf_in_order()
    {
        Write("d/b.conf", "[accounts]\n  b: 2\n");
        Write("d/a.conf", "[accounts]\n  a: 1\n");
        Assert.True(ConfigFile.TryLoad(Path.Combine(_dir, "d"), out var c, out var err), err);
        Assert.Equal(["a:1", "b:2"], c!.Accounts);
    }

    [Theory]
    [InlineData("[nope]\n", ":1: unknown section [nope]")]
    [InlineData("  e2d\n", ":1: 'e2d' is outside any section")]
    [InlineData("[accounts]\n  ed\n", ":2: expected 'user: password'")]
    [InlineData("[/x]\n  /srv\n  accs:\n    rq: *\n", ":4: unknown permission 'q'")]
    [InlineData("[/x]\n  /srv\n  bogus\n", ":3: expected 'accs:' or 'flags:'")]
    [InlineData("[/x]\n[global]\n", ":1: volume [/x] has no filesystem path")]
    [InlineData("[/../x]\n", ":1: bad volume URL path")]
    [InlineData("[/x]\n  /srv\n  flags:\n    bad flag\n", ":4: bad volume flag")]
    [InlineData("% missing.conf\n", ":1: include ")]
    [InlineData("[groups]\n  nocolon\n", ":2: expected 'group: user1, user2'")]
    public void Malformed_files_fail_with_file_and_line(string text, string fragment)
    {
        var p = Write("bad.conf", text);
        Assert.False(ConfigFile.TryLoad(p, out _, out var err));
        Assert.Contains(fragment, err, StringComparison.Ordinal);
        Assert.StartsWith(p, err, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', err);
    }

    [Fact]
    public void An_include_loop_is_an_error()
    {
        Write("a.conf", "% b.conf\n");
        var b = Write("b.conf", "% a.conf\n");
        Assert.False(ConfigFile.TryLoad(b, out _, out var err));
        Assert.Contains("include loop", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_need_two_spaces_inline()
    {
        var p = Write("c.conf", "# top\n[accounts]\n  # indented comment\n  ed: pass#word  # comment\n");
        Assert.True(ConfigFile.TryLoad(p, out var c, out var err), err);
        Assert.Equal(["ed:pass#word"], c!.Accounts);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        Assert.False(ConfigFile.TryLoad(Path.Combine(_dir, "none.conf"), out _, out var err));
        Assert.Contains("file not found", err, StringComparison.Ordinal);
    }
}

public sealed class OptionsBuilderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sp-ob-" + Guid.NewGuid().ToString("N")[..10]);

    public OptionsBuilderTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pub"));
        Directory.CreateDirectory(Path.Combine(_dir, "in"));
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Config_file_adds_volumes_and_accounts_and_wins_over_args()
    {
        var conf = Path.Combine(_dir, "x.conf");
        File.WriteAllText(conf, $"[global]\n  p: 4000\n  q\n[accounts]\n  ed: wark\n[/in]\n  {Path.Combine(_dir, "in")}\n  accs:\n    rw: ed\n");
        Assert.True(OptionsBuilder.TryBuild(["-p", "5000", "-v", "pub::r", "-c", conf], _dir, out var o, out var err), err);
        Assert.Equal([4000], o!.Ports);
        Assert.True(o.Quiet);
        Assert.Equal("wark", o.Accounts["ed"]);
        Assert.Equal(["", "in"], o.Vfs.Volumes.Select(v => v.VPath).Order());
    }

    [Fact]
    public void Unknown_global_key_names_the_file()
    {
        var conf = Path.Combine(_dir, "y.conf");
        File.WriteAllText(conf, "[global]\n  no-such-option-at-all\n");
        Assert.False(OptionsBuilder.TryBuild(["-c", conf], _dir, out _, out var err));
        Assert.Contains(conf, err, StringComparison.Ordinal);
        Assert.Contains("unknown option", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "-a", "a:x", "-a", "b:x" }, "passwords must be unique")]
    [InlineData(new[] { "-v", "pub::r", "-v", "in::r" }, "mounted twice")]
    [InlineData(new[] { "--http-only", "--https-only" }, "exclude each other")]
    [InlineData(new[] { "--unpost", "-5" }, "--unpost")]
    [InlineData(new[] { "--ah-alg", "md5" }, "--ah-alg md5")]
    [InlineData(new[] { "-p", "80-70" }, "bad port range")]
    public void Invalid_combinations_are_refused(string[] args, string fragment)
    {
        Assert.False(OptionsBuilder.TryBuild(args, _dir, out _, out var err));
        Assert.Contains(fragment, err, StringComparison.Ordinal);
    }

    [Fact]
    public void No_volumes_means_the_current_folder_read_write_for_everyone()
    {
        Assert.True(OptionsBuilder.TryBuild([], _dir, out var o, out var err), err);
        var v = Assert.Single(o!.Vfs.Volumes);
        Assert.Equal("", v.VPath);
        Assert.Equal(Path.GetFullPath(_dir), v.RealPath);
        Assert.Equal(Core.Vfs.Perm.Read | Core.Vfs.Perm.Write, v.Everyone);
        Assert.Equal([3923], o.Ports);
        Assert.Equal(["::"], o.Addresses);
    }
}
