using System.Text;
using System.Xml.Linq;
using SharpParty.Web.WebDav;

namespace SharpParty.Web.Tests.WebDav;

/// <summary>The UTF-8 fast path of PROPFIND must write exactly the bytes the XmlWriter path writes, in whole documents.</summary>
public class FastPropWriterTests
{
    private static readonly DateTime M = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Utc).AddTicks(1234567);
    private static readonly LockManager Locks = new(TimeProvider.System);

    /// <summary>A whole multistatus document as the server sends it.</summary>
    private static byte[] Doc(Action<MultistatusWriter> body)
    {
        var output = new MemoryStream();
        var w = new MultistatusWriter(output, "multistatus", CancellationToken.None);
        body(w);
        w.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static void Slow(MultistatusWriter w, DavResource r, PropRequest req) => PropWriter.Write(w.Xml, r, req, [], [], Locks);

    private static DavResource Res(string vpath, bool isDir) =>
        new(vpath, "/nowhere", null, vpath, isDir, isDir ? 0 : 123456789, M, M.AddDays(-3));

    public static TheoryData<string, bool> Resources => new()
    {
        { "a/plain.txt", false },
        { "a/sub", true },
        { "top", true },
        { "x/&lt; <b> \"q\" 'a' & more.md", false },
        { "ø/æøå 中文 file.JPG", false },
        { "a/no-extension", false },
        { "a/100% done?#.tar.gz", false },
        { "sp ace/ leading and trailing .txt ", false },
        { "a/emoji \U0001F600 pair.png", false },
        { "a/%41%2F already encoded", false },
        { "a/semi;colon=eq+plus,comma$'.html", false },
        { "folder with spaces & <amp>", true },
        { "a/del\u007f nbsp\u00a0 line-sep\u2028 bom\ufeff.txt", false },
        { "deep/a/b/c/d.mp3", false },
        { "a/.dotfile", false },
        { "a/trailing.", false },
    };

    private static PropRequest[] Requests(bool isDir) =>
    [
        PropRequest.AllProp,
        new(PropRequestKind.Prop, [XName.Get(isDir ? "displayname" : "getetag", "DAV:"), XName.Get("displayname", "DAV:"), XName.Get("getlastmodified", "DAV:")]),
        new(PropRequestKind.Prop, [XName.Get("resourcetype", "DAV:"), XName.Get("creationdate", "DAV:"), XName.Get("supportedlock", "DAV:"), XName.Get("lockdiscovery", "DAV:")]),
        new(PropRequestKind.Prop, [XName.Get("getcontenttype", "DAV:"), XName.Get("getcontentlength", "DAV:")]),
    ];

    [Theory]
    [MemberData(nameof(Resources))]
    public void Writes_the_bytes_the_xml_writer_writes(string vpath, bool isDir)
    {
        var r = Res(vpath, isDir);
        foreach (var req in Requests(isDir))
        {
            var fast = new FastPropWriter(req);
            if (isDir && req.Names.Exists(n => n.LocalName is "getcontenttype" or "getcontentlength" or "getetag"))
            {
                // a folder has no such property: the 404 propstat is the XmlWriter's
                Assert.False(fast.TryWrite(new System.Buffers.ArrayBufferWriter<byte>(), FastPropWriter.HrefPrefix("a"), "x", true, 0, M, M));
                continue;
            }
            var slow = Doc(w => Slow(w, r, req));
            // as a member of its folder (a listing) and on its own (the target of the request)
            var member = Doc(w => Assert.True(fast.TryWrite(w.Raw, FastPropWriter.HrefPrefix(DavPaths.Parent(vpath)), DavPaths.Name(vpath), isDir, r.Length, M, M.AddDays(-3))));
            var alone = Doc(w => Assert.True(fast.TryWrite(w, r, [], [])));
            Assert.Equal(Encoding.UTF8.GetString(slow), Encoding.UTF8.GetString(member));
            Assert.Equal(slow, member);
            Assert.Equal(slow, alone);
        }
    }

    [Fact]
    public void Mixes_with_the_xml_writer_in_one_document_in_order()
    {
        var a = Res("f/a.txt", false);
        var b = Res("f/b <&>.txt", false);
        var c = Res("f/c", true);
        var req = PropRequest.AllProp;
        var fast = new FastPropWriter(req);
        var slow = Doc(w =>
        {
            Slow(w, a, req);
            Slow(w, b, req);
            Slow(w, c, req);
            Slow(w, a, req);
        });
        var mixed = Doc(w =>
        {
            Assert.True(fast.TryWrite(w, a, [], [])); // straight after the root's start tag
            Slow(w, b, req);
            Assert.True(fast.TryWrite(w.Raw, FastPropWriter.HrefPrefix("f"), "c", true, 0, M, M.AddDays(-3)));
            w.MaybeFlushAsync().AsTask().GetAwaiter().GetResult();
            Slow(w, a, req);
        });
        Assert.Equal(Encoding.UTF8.GetString(slow), Encoding.UTF8.GetString(mixed));
        Assert.Equal(slow, mixed);
        Assert.Equal(4, XDocument.Parse(Encoding.UTF8.GetString(mixed)).Root!.Elements().Count());
    }

    [Fact]
    public async Task A_big_listing_is_sent_in_pieces_and_stays_whole()
    {
        var output = new CountingStream();
        var fast = new FastPropWriter(PropRequest.AllProp);
        var w = new MultistatusWriter(output, "multistatus", CancellationToken.None);
        var prefix = FastPropWriter.HrefPrefix("big");
        for (var i = 0; i < 2000; i++)
        {
            Assert.True(fast.TryWrite(w.Raw, prefix, $"file {i:D4} ø.bin", false, i, M, M));
            await w.MaybeFlushAsync();
        }
        await w.DisposeAsync();
        // ~1 MiB in writes of 64 KiB or a little more, never the whole document at once
        Assert.True(output.Writes > 10, $"{output.Writes} writes");
        Assert.True(output.Largest < 80 * 1024, $"largest write {output.Largest}");
        var doc = XDocument.Parse(Encoding.UTF8.GetString(output.Data.ToArray()));
        var names = doc.Root!.Elements().Select(e => e.Descendants(XName.Get("displayname", "DAV:")).Single().Value).ToList();
        Assert.Equal(2000, names.Count);
        Assert.Equal("file 1999 ø.bin", names[^1]);
    }

    [Fact]
    public void Leaves_the_rare_cases_to_the_xml_writer()
    {
        var file = new DavResource("a/f.txt", "/nowhere", null, "a/f.txt", false, 1, M, M);
        var all = new FastPropWriter(PropRequest.AllProp);
        var buf = new System.Buffers.ArrayBufferWriter<byte>();
        var ms = new MultistatusWriter(Stream.Null, "multistatus", CancellationToken.None);
        // dead properties, a lock, a prop list with a name we do not have, propname
        Assert.False(all.TryWrite(ms, file, [new DeadProp(XName.Get("c", "urn:z"), "<c xmlns=\"urn:z\">1</c>")], []));
        Assert.False(all.TryWrite(ms, file, [], [new DavLock("opaquelocktoken:x", "a/f.txt", false, true, null, "u", 60)]));
        Assert.False(new FastPropWriter(new PropRequest(PropRequestKind.Prop, [XName.Get("getetag", "DAV:"), XName.Get("x", "urn:z")])).TryWrite(ms, file, [], []));
        Assert.False(new FastPropWriter(new PropRequest(PropRequestKind.PropName, [])).TryWrite(ms, file, [], []));
        Assert.False(new FastPropWriter(new PropRequest(PropRequestKind.Prop, [XName.Get("getetag", "urn:not-dav")])).Usable);
        // names XmlWriter checks itself: control characters, a lone surrogate, U+FFFF; and the root, whose href is "/"
        foreach (var name in (string[])["tab\there", "nl\nhere", "lone \ud800 surrogate", "not a char \uffff", new string('x', 400)])
        {
            Assert.False(all.TryWrite(buf, FastPropWriter.HrefPrefix("a"), name, false, 1, M, M), name);
        }
        Assert.False(all.TryWrite(ms, file with { VPath = "" }, [], []));
        Assert.Equal(0, buf.WrittenCount);
    }

    /// <summary>Records what the writer sends and in how many writes.</summary>
    private sealed class CountingStream : Stream
    {
        public MemoryStream Data { get; } = new();
        public int Writes { get; private set; }
        public int Largest { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Data.Length;

        public override long Position
        {
            get => Data.Position;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            Largest = Math.Max(Largest, buffer.Length);
            Data.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
