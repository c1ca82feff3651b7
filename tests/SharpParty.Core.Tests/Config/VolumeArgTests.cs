using SharpParty.Core.Config;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Tests.Config;

public class VolumeArgTests
{
    [Theory]
    [InlineData(".::r", ".", "", "r:*")]
    [InlineData("/srv/pub:pub:r", "/srv/pub", "pub", "r:*")]
    [InlineData("/srv/in:/inbox/:wG:rwmd,ed,k", "/srv/in", "inbox", "wG:*|rwmd:ed,k")]
    [InlineData("/m:/a/b/c:r,ed:rw,@admins", "/m", "a/b/c", "r:ed|rw:@admins")]
    [InlineData("/x:x:A,ed", "/x", "x", "A:ed")]
    public void Parses_source_vpath_and_grants(string arg, string src, string vpath, string grants)
    {
        Assert.True(VolumeArg.TryParse(arg, out var spec, out var err), err);
        Assert.Equal(src, spec!.Source);
        Assert.Equal(vpath, spec.VPath);
        var expected = grants.Split('|').Select(g =>
        {
            var parts = g.Split(':');
            Assert.True(PermLetters.TryParse(parts[0], out var p, out _));
            return (p, parts[1]);
        });
        Assert.Equal(expected, spec.Grants.Select(g => (g.Perms, string.Join(',', g.Users))));
    }

    [Fact]
    public void Parses_volume_flags()
    {
        Assert.True(VolumeArg.TryParse("/srv/in:inbox:wG:c,e2d,nodupe,fk=8:c,lifetime=86400", out var spec, out var err), err);
        Assert.Equal("", spec!.Flags["e2d"]);
        Assert.Equal("8", spec.Flags["fk"]);
        Assert.Equal("86400", spec.Flags["lifetime"]);
        Assert.True(spec.Flags.ContainsKey("nodupe"));
    }

    [Theory]
    [InlineData("nocolon", "at least one colon")]
    [InlineData(":x:r", "SRC) is empty")]
    [InlineData(".:x:rq", "unknown permission 'q'")]
    [InlineData(".:../up:r", "bad volume URL path")]
    [InlineData(".:a/./b:r", "bad volume URL path")]
    [InlineData(".:x:c,bad flag", "bad volume flag")]
    public void Rejects_malformed(string arg, string fragment)
    {
        Assert.False(VolumeArg.TryParse(arg, out _, out var err));
        Assert.Contains(fragment, err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A", 1 | 2 | 4 | 8 | 128 | 256)]
    [InlineData("G", 16 | 32)]
    [InlineData("h", 16 | 64)]
    [InlineData("rw.", 1 | 2 | 256)]
    public void Permission_letters_expand_as_copyparty(string letters, int expected)
    {
        Assert.True(PermLetters.TryParse(letters, out var p, out _));
        Assert.Equal((Perm)expected, p);
    }

    [Fact]
    public void Flag_values_may_hold_commas()
    {
        Assert.True(VolumeArg.TryParse("/srv:x:rw:c,nodupe,maxn=250,600,rotn=100,3,e2d", out var spec, out var err), err);
        Assert.Equal("250,600", spec!.Flags["maxn"]);
        Assert.Equal("100,3", spec.Flags["rotn"]);
        Assert.True(spec.Flags.ContainsKey("nodupe"));
        Assert.True(spec.Flags.ContainsKey("e2d"));
    }
}
