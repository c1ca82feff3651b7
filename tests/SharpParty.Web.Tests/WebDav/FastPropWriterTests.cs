using System.Text;
using System.Xml;
using System.Xml.Linq;
using SharpParty.Web.WebDav;

namespace SharpParty.Web.Tests.WebDav;

/// <summary>The text fast path of PROPFIND must write exactly what the XmlWriter path writes.</summary>
public class FastPropWriterTests
{
    private static readonly DateTime M = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(1234567);

    private static string Render(Func<XmlWriter, bool> write, out bool wrote)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("D", "multistatus", MultistatusWriter.Dav);
            wrote = write(w);
            w.WriteEndElement();
        }
        return sb.ToString();
    }

    public static TheoryData<string, bool> Resources => new()
    {
        { "a/plain.txt", false },
        { "a/sub", true },
        { "top", true },
        { "x/&lt; <b> \"q\" 'a' & more.md", false },
        { "ø/æøå 中文 file.JPG", false },
        { "a/no-extension", false },
        { "a/100% done?#.tar.gz", false },
    };

    [Theory]
    [MemberData(nameof(Resources))]
    public void Writes_what_the_xml_writer_writes(string vpath, bool isDir)
    {
        var r = new DavResource(vpath, "/nowhere", null, vpath, isDir, isDir ? 0 : 123456789, M, M.AddDays(-3));
        var requests = new[]
        {
            PropRequest.AllProp,
            new PropRequest(PropRequestKind.Prop, [XName.Get(isDir ? "displayname" : "getetag", "DAV:"), XName.Get("displayname", "DAV:"), XName.Get("getlastmodified", "DAV:")]),
            new PropRequest(PropRequestKind.Prop, [XName.Get("resourcetype", "DAV:"), XName.Get("creationdate", "DAV:"), XName.Get("supportedlock", "DAV:"), XName.Get("lockdiscovery", "DAV:")]),
        };
        var lm = new LockManager(TimeProvider.System);
        foreach (var req in requests)
        {
            var slow = Render(w =>
            {
                PropWriter.Write(w, r, req, [], [], lm);
                return true;
            }, out _);
            var fast = Render(w => FastPropWriter.TryWrite(w, new StringBuilder(), r, req, [], []), out var wrote);
            Assert.True(wrote);
            Assert.Equal(slow, fast);
        }
    }

    [Fact]
    public void Leaves_the_rare_cases_to_the_xml_writer()
    {
        var file = new DavResource("a/f.txt", "/nowhere", null, "a/f.txt", false, 1, M, M);
        var sb = new StringBuilder();
        var w = XmlWriter.Create(new StringBuilder());
        // dead properties, a prop list with a name we do not have, propname, and names XmlWriter checks itself
        Assert.False(FastPropWriter.TryWrite(w, sb, file, PropRequest.AllProp, [new DeadProp(XName.Get("c", "urn:z"), "<c xmlns=\"urn:z\">1</c>")], []));
        Assert.False(FastPropWriter.TryWrite(w, sb, file, new PropRequest(PropRequestKind.Prop, [XName.Get("getetag", "DAV:"), XName.Get("x", "urn:z")]), [], []));
        Assert.False(FastPropWriter.TryWrite(w, sb, file, new PropRequest(PropRequestKind.PropName, []), [], []));
        Assert.False(FastPropWriter.TryWrite(w, sb, file with { VPath = "a/tab\there" }, PropRequest.AllProp, [], []));
        Assert.False(FastPropWriter.TryWrite(w, sb, file with { VPath = "a/\U0001F600.txt" }, PropRequest.AllProp, [], []));
        Assert.False(FastPropWriter.TryWrite(w, sb, file with { VPath = "" }, PropRequest.AllProp, [], []));
    }
}
