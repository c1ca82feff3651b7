using System.Diagnostics;
using SharpParty.Media.Tags;

namespace SharpParty.Media.Tests.Tags;

/// <summary><c>-mtp</c>, <c>-mte</c>, <c>-mth</c>, <c>-mtm</c>: parsing, and external parsers run for real (small shell scripts).</summary>
public sealed class MtpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-mtp-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Script(string name, string body)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, "#!/bin/sh\nPATH=/usr/bin:/bin:$PATH\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return p;
    }

    private string Media(string name = "song.mp3")
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, [1, 2, 3]);
        return p;
    }

    private static MtpSpec Parse(string arg)
    {
        Assert.True(MtpSpec.TryParse(arg, out var s, out var err), err);
        return s!;
    }

    private static readonly Dictionary<string, TagValue> Audio = new() { ["ac"] = TagValue.Of("mp3"), [".dur"] = TagValue.Of(3) };

    [Fact]
    public void Parses_flags_as_copyparty()
    {
        var prog = Script("p.sh", "echo x");
        var s = Parse($"bpm,key=ad,eflac,e.mp3,f,t5,p2,km,c1,{prog}");
        Assert.Equal("bpm,key", s.Key);
        Assert.Equal(["bpm", "key"], s.Tags);
        Assert.Equal(prog, s.Program);
        Assert.Equal(MtpAudio.DontCare, s.Audio);
        Assert.Equal(["flac", "mp3"], s.Extensions);
        Assert.True(s.Force);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Timeout);
        Assert.Equal(2, s.Priority);
        Assert.Equal(KillMode.Main, s.Kill);
        Assert.Equal(1, s.Capture);

        var d = Parse($"x={prog}");
        Assert.Equal((MtpAudio.Required, 60.0, 0, KillMode.Tree, 3, false), (d.Audio, d.Timeout.TotalSeconds, d.Priority, d.Kill, d.Capture, d.Force));
        Assert.Equal(1, Parse($"x=p,{prog}").Priority);
        Assert.Equal(MtpAudio.Not, Parse($"x=AN,{prog}").Audio); // flags are case-insensitive
    }

    [Fact]
    public void A_program_path_with_commas_is_found_before_flags_are_split()
    {
        var prog = Script("a,b.sh", "echo x");
        Assert.Equal(prog, Parse($"k=t3,{prog}").Program);
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=prog")]
    [InlineData("k=/nonexistent/prog")]
    [InlineData("k=zz,/bin/sh")]
    [InlineData("k=ax,/bin/sh")]
    [InlineData("k=c9,/bin/sh")]
    [InlineData("k=t0,/bin/sh")]
    public void Rejects_bad_mtp(string arg) => Assert.False(MtpSpec.TryParse(arg, out _, out var err) || err.Length == 0);

    [Fact]
    public async Task Runs_a_script_and_takes_its_stdout()
    {
        var prog = Script("artist.sh", "echo \"  from $(basename \"$1\")  \"");
        var r = new MtpRunner([Parse($"artist=f,{prog}")]);
        var t = await r.RunAsync(Media(), Audio, null, default);
        Assert.Equal("from song.mp3", t["artist"].Text);
    }

    [Fact]
    public async Task Several_keys_come_from_a_json_object()
    {
        var prog = Script("multi.sh", "echo '{\".bpm\": 128.5, \"key\": \"8A\", \"other\": 1}'");
        var t = await new MtpRunner([Parse($".bpm,key={prog}")]).RunAsync(Media(), Audio, null, default);
        Assert.Equal(128.5, t[".bpm"].Number);
        Assert.Equal("8A", t["key"].Text);
        Assert.False(t.ContainsKey("other"));
    }

    [Fact]
    public async Task A_script_past_its_timeout_is_killed_with_its_children()
    {
        var marker = Path.Combine(_dir, "survived");
        var prog = Script("slow.sh", $"(sleep 3; touch '{marker}') & sleep 30; echo late");
        var sw = Stopwatch.StartNew();
        var t = await new MtpRunner([Parse($"x=ad,t1,{prog}")]).RunAsync(Media(), Audio, null, default);
        Assert.Empty(t);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
        await Task.Delay(3500);
        Assert.False(File.Exists(marker), "the child of a timed-out parser survived");
    }

    [Fact]
    public void Selection_by_audio_extension_and_existing_tags()
    {
        var prog = Script("v.sh", "echo v");
        var r = new MtpRunner([
            Parse($"a={prog}"), Parse($"n=an,{prog}"), Parse($"d=ad,{prog}"), Parse($"e=ad,eflac,{prog}"),
            Parse($"ac=ad,{prog}"), Parse($"ff=ad,f,{prog}")]);
        var audio = new Dictionary<string, TagValue>(Audio) { ["ff"] = TagValue.Of("old") };
        Assert.Equal(["a", "d", "ff"], r.Select("/x/song.mp3", audio).Select(s => s.Key));
        Assert.Equal(["ac", "d", "e", "ff", "n"], r.Select("/x/doc.FLAC", new Dictionary<string, TagValue>()).Select(s => s.Key));

        // without ac/.aq among the indexed tags, copyparty cannot tell audio apart and skips the audio filter
        var blind = new MtpRunner([Parse($"a={prog}"), Parse($"n=an,{prog}"), Parse($"off=ad,{prog}")], enabledTags: ["title", "a", "n"]);
        Assert.Equal(["a", "n"], blind.Select("/x/doc.txt", new Dictionary<string, TagValue>()).Select(s => s.Key));
        // "off" is not among the indexed tags: its parser is never run
    }

    [Fact]
    public async Task Later_parsers_get_earlier_results_on_stdin()
    {
        var first = Script("first.sh", "echo 42");
        var second = Script("second.sh", "cat");
        var r = new MtpRunner([Parse($"zz=ad,p1,{second}"), Parse($".tn=ad,{first}")]);
        var t = await r.RunAsync(Media(), new Dictionary<string, TagValue>(),
            new Dictionary<string, TagValue> { ["up_ip"] = TagValue.Of("10.1.2.3") }, default);
        Assert.Equal(42, t[".tn"].Number);
        Assert.Equal("{\"up_ip\":\"10.1.2.3\",\".tn\":42}", t["zz"].Text);
    }

    [Fact]
    public async Task Exit_codes_below_126_still_count_and_missing_programs_do_not()
    {
        var failing = Script("fail.sh", "echo partial; exit 3");
        var t = await new MtpRunner([Parse($"x=ad,{failing}")]).RunAsync(Media(), Audio, null, default);
        Assert.Equal("partial", t["x"].Text);

        var gone = Script("gone.sh", "echo never");
        var spec = Parse($"y=ad,{gone}");
        File.Delete(gone);
        Assert.Empty(await new MtpRunner([spec]).RunAsync(Media(), Audio, null, default));
    }

    [Fact]
    public async Task Capture_c2_discards_stdout()
    {
        var prog = Script("c.sh", "echo out; echo err >&2");
        Assert.Empty(await new MtpRunner([Parse($"x=ad,c2,{prog}")]).RunAsync(Media(), Audio, null, default));
    }

    [Fact]
    public async Task Huge_output_is_capped()
    {
        var prog = Script("big.sh", "head -c 5000000 /dev/zero | tr '\\0' 'a'");
        var t = await new MtpRunner([Parse($"x=ad,{prog}")]).RunAsync(Media(), Audio, null, default);
        Assert.Equal(MtpRunner.OutputCap, t["x"].Text.Length);
    }

    [Theory]
    [InlineData("", TagKeyList.DefaultMte)]
    [InlineData("+up_ip,.up_at", TagKeyList.DefaultMte + ",up_ip,.up_at")]
    [InlineData("/vc,ac", ".files,circle,album,.tn,artist,title,.bpm,key,.dur,.q,.vq,.aq,fmt,res,.fps,ahash,vhash")]
    [InlineData("-res", ".files,circle,album,.tn,artist,title,.bpm,key,.dur,.q,.vq,.aq,vc,ac,fmt,.fps,ahash,vhash")]
    [InlineData("artist,title,artist", "artist,title")]
    public void Mte_lists(string arg, string expected)
    {
        var baseList = TagKeyList.Parse(TagKeyList.DefaultMte);
        var result = arg.Length == 0 ? baseList : TagKeyList.Apply(baseList, arg);
        Assert.Equal(expected, string.Join(",", result));
    }

    [Fact]
    public void Mtm_parsing_and_mapping()
    {
        Assert.True(TagMapping.TryParse("performer=TPE3, conductor", out var m, out _));
        Assert.Equal("performer", m.Tag);
        Assert.Equal(["tpe3", "conductor"], m.Sources);
        Assert.False(TagMapping.TryParse("nothing", out _, out _));
        Assert.False(TagMapping.TryParse("a=b=c", out _, out _));
        Assert.False(TagMapping.TryParse("a=", out _, out _));

        var map = new TagMap([m]);
        Assert.True(map.TryResolve("TPE3", out var tag, out var rank));
        Assert.Equal(("performer", 0), (tag, rank));
        // "conductor" moved from circle to the new tag; hyphenated sources match three spellings
        Assert.True(map.TryResolve("conductor", out tag, out _));
        Assert.Equal("performer", tag);
        foreach (var spelling in new[] { "album artist", "album_artist", "albumartist", "ALBUM_ARTIST::extra" })
        {
            Assert.True(TagMap.Default.TryResolve(spelling, out tag, out _));
            Assert.Equal("circle", tag);
        }
    }

    [Theory]
    [InlineData("A min", "8A")]
    [InlineData("Am", "8A")]
    [InlineData("C", "8B")]
    [InlineData("F# maj", "2B")]
    [InlineData("1m", "8A")]
    [InlineData("weird", "weird")]
    public void Camelot(string key, string expected) => Assert.Equal(expected, CamelotKeys.Normalize(key));

    [Theory]
    [InlineData("03/12", 3)]
    [InlineData(" 7 ", 7)]
    [InlineData("0", 0)]
    [InlineData("", 0)]
    [InlineData("128.5", 128.5)]
    public void Numbers(string s, double expected)
    {
        Assert.True(TagNumbers.TryParse(s, out var v));
        Assert.Equal(expected, v);
    }

    [Fact]
    public void Numeric_keys_drop_text()
    {
        var t = new MediaTags();
        t.Set(".tn", "A1");
        t.Set(".bpm", "120");
        t.Set("title", "x");
        Assert.Equal([".bpm", "title"], t.Keys);
        Assert.Equal(120L, t[".bpm"].ToObject());
        Assert.Equal("x", t["title"].ToObject());
    }
}
