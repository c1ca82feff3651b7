using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;
using SharpParty.Web.Download;

namespace SharpParty.Web.WebDav;

/// <summary>
/// The common case of a PROPFIND member, written as UTF-8 straight into the response buffer: live properties only
/// (allprop, or a prop list of DAV: names the resource has), no dead properties, no locks, and a name XmlWriter would
/// write as it is. The bytes are exactly what <see cref="PropWriter"/> writes through XmlWriter (a test compares them);
/// anything else goes to <see cref="PropWriter"/>. A Windows or Finder client asks this of every member of every folder
/// it opens, so the per-member work is kept to encoding the name once and formatting four numbers: the constant markup is
/// prepared per request, the href of the folder per folder, and nothing is allocated per member.
/// </summary>
internal sealed class FastPropWriter
{
    /// <summary>The live properties (RFC 4918 §15) in <see cref="PropWriter.Live"/> order.</summary>
    private enum Live : byte
    {
        DisplayName,
        ContentLength,
        LastModified,
        CreationDate,
        ResourceType,
        ContentType,
        ETag,
        SupportedLock,
        LockDiscovery,
    }

    /// <summary>The longest name (in UTF-16 units) taken here; Linux allows 255 bytes, so only odd cases go elsewhere.</summary>
    private const int MaxName = 340;

    private static readonly SearchValues<byte> UrlSafe = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.~!*(),@:"u8);
    private static readonly SearchValues<byte> XmlSpecial = SearchValues.Create("&<>"u8);
    private static readonly ConcurrentDictionary<string, byte[]> ContentTypes = new(StringComparer.Ordinal);

    /// <summary>What to write for a file and for a folder; null where the XmlWriter path must answer.</summary>
    private readonly Live[]? _file;
    private readonly Live[]? _dir;

    /// <summary>The UTF-8 of the current name (one instance serves one request, one member at a time; a stackalloc
    /// would be zeroed on every member).</summary>
    private readonly byte[] _utf8 = new byte[MaxName * 3];

    /// <summary>The last Content-Type asked for: a folder's files mostly share one.</summary>
    private string? _lastType;
    private byte[] _lastTypeBytes = [];

    public FastPropWriter(PropRequest req)
    {
        _file = Plan(req, isDir: false);
        _dir = Plan(req, isDir: true);
    }

    /// <summary>False when no member of this request can take the fast path (then nothing need be prepared for it).</summary>
    public bool Usable => _file is not null || _dir is not null;

    private static Live[]? Plan(PropRequest req, bool isDir)
    {
        var probe = new DavResource("x", null, null, "x", isDir, 0, DateTime.UnixEpoch, DateTime.UnixEpoch);
        var names = req.Kind switch
        {
            PropRequestKind.AllProp => PropWriter.Live.Where(n => PropWriter.Has(probe, n)).ToList(),
            PropRequestKind.Prop => req.Names,
            _ => null,
        };
        if (names is null || !names.TrueForAll(n => n.NamespaceName == MultistatusWriter.Dav && PropWriter.Has(probe, n)))
        {
            return null; // propname, or some property would go to a 404 propstat
        }
        return names.Select(n => (Live)Array.IndexOf(PropWriter.Live, n)).ToArray();
    }

    /// <summary>The UTF-8 href of a folder with its trailing slash, to which a member's quoted name is appended.</summary>
    public static byte[] HrefPrefix(string dirVPath) =>
        Encoding.UTF8.GetBytes(dirVPath.Length == 0 ? "/" : DavPaths.Href(dirVPath, isDir: true));

    /// <summary>One resource on its own (the target of the request, a mount, a symlink): the fast path when it applies.</summary>
    public bool TryWrite(MultistatusWriter ms, DavResource r, List<DeadProp> dead, List<DavLock> locks)
    {
        if (dead.Count > 0 || locks.Count > 0 || (r.IsDir ? _dir : _file) is null || r.VPath.Length == 0)
        {
            return false;
        }
        return TryWrite(ms.Raw, HrefPrefix(DavPaths.Parent(r.VPath)), DavPaths.Name(r.VPath), r.IsDir, r.Length, r.MTimeUtc, r.CTimeUtc);
    }

    /// <summary>Writes the <c>D:response</c> of the member <paramref name="name"/> of the folder whose href is
    /// <paramref name="hrefPrefix"/> and returns true, or returns false having written nothing.</summary>
    public bool TryWrite(IBufferWriter<byte> w, ReadOnlySpan<byte> hrefPrefix, string name, bool isDir, long length, DateTime mtime, DateTime ctime)
    {
        var plan = isDir ? _dir : _file;
        if (plan is null || name.Length is 0 or > MaxName)
        {
            return false;
        }
        Span<byte> utf8 = _utf8;
        // lone surrogates fail here; control characters and U+FFFE/U+FFFF are XmlWriter's to refuse or escape
        if (Utf8.FromUtf16(name, utf8, out _, out var n, replaceInvalidSequences: false) != OperationStatus.Done
            || utf8[..n].IndexOfAnyInRange((byte)0, (byte)0x1f) >= 0 || name.AsSpan().IndexOfAny('\uFFFE', '\uFFFF') >= 0)
        {
            return false;
        }
        utf8 = utf8[..n];
        var contentType = Array.IndexOf(plan, Live.ContentType) >= 0 ? ContentTypeBytes(name) : [];
        // the constant markup is under 900 bytes; a name grows at most to %XX per byte in the href and &amp; in text
        var s = w.GetSpan(1024 + hrefPrefix.Length + 8 * n + contentType.Length);
        var p = 0;
        Put(s, ref p, "<D:response><D:href>"u8);
        Put(s, ref p, hrefPrefix);
        Quote(s, ref p, utf8);
        if (isDir)
        {
            s[p++] = (byte)'/';
        }
        Put(s, ref p, "</D:href><D:propstat><D:prop>"u8);
        foreach (var prop in plan)
        {
            switch (prop)
            {
                case Live.DisplayName:
                    Put(s, ref p, "<D:displayname>"u8);
                    Escape(s, ref p, utf8);
                    Put(s, ref p, "</D:displayname>"u8);
                    break;
                case Live.ContentLength:
                    Put(s, ref p, "<D:getcontentlength>"u8);
                    Number(s, ref p, length, default);
                    Put(s, ref p, "</D:getcontentlength>"u8);
                    break;
                case Live.LastModified:
                    // RFC 1123, as DateTime.ToString("R")
                    Put(s, ref p, "<D:getlastmodified>"u8);
                    Utf8Formatter.TryFormat(mtime, s[p..], out var wrote, new StandardFormat('R'));
                    p += wrote;
                    Put(s, ref p, "</D:getlastmodified>"u8);
                    break;
                case Live.CreationDate:
                    Put(s, ref p, "<D:creationdate>"u8);
                    Iso8601(s, ref p, ctime);
                    Put(s, ref p, "</D:creationdate>"u8);
                    break;
                case Live.ResourceType:
                    Put(s, ref p, isDir ? "<D:resourcetype><D:collection /></D:resourcetype>"u8 : "<D:resourcetype />"u8);
                    break;
                case Live.ContentType:
                    Put(s, ref p, "<D:getcontenttype>"u8);
                    Put(s, ref p, contentType);
                    Put(s, ref p, "</D:getcontenttype>"u8);
                    break;
                case Live.ETag:
                    // Preconditions.ETagFor: "<mtime ticks in hex>-<size in hex>"
                    Put(s, ref p, "<D:getetag>\""u8);
                    Number(s, ref p, ((DateTimeOffset)mtime).UtcTicks, new StandardFormat('x'));
                    s[p++] = (byte)'-';
                    Number(s, ref p, length, new StandardFormat('x'));
                    Put(s, ref p, "\"</D:getetag>"u8);
                    break;
                case Live.SupportedLock:
                    Put(s, ref p, "<D:supportedlock><D:lockentry><D:lockscope><D:exclusive /></D:lockscope><D:locktype><D:write /></D:locktype></D:lockentry>"u8);
                    Put(s, ref p, "<D:lockentry><D:lockscope><D:shared /></D:lockscope><D:locktype><D:write /></D:locktype></D:lockentry></D:supportedlock>"u8);
                    break;
                case Live.LockDiscovery:
                    Put(s, ref p, "<D:lockdiscovery />"u8);
                    break;
            }
        }
        Put(s, ref p, "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"u8);
        w.Advance(p);
        return true;
    }

    /// <summary>The Content-Type of a name as escaped UTF-8 (a handful of distinct values, kept once each).</summary>
    private byte[] ContentTypeBytes(string name)
    {
        var type = MimeTypes.ForName(name.AsSpan());
        if (!ReferenceEquals(type, _lastType))
        {
            _lastTypeBytes = ContentTypes.GetOrAdd(type, static t =>
            {
                var utf8 = Encoding.UTF8.GetBytes(t);
                var buf = new byte[utf8.Length * 5];
                var p = 0;
                Escape(buf, ref p, utf8);
                return buf[..p];
            });
            _lastType = type;
        }
        return _lastTypeBytes;
    }

    private static void Put(Span<byte> s, ref int p, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(s[p..]);
        p += bytes.Length;
    }

    private static void Number(Span<byte> s, ref int p, long v, StandardFormat f)
    {
        Utf8Formatter.TryFormat(v, s[p..], out var wrote, f);
        p += wrote;
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ssZ</c>, as PropWriter's custom format.</summary>
    private static void Iso8601(Span<byte> s, ref int p, DateTime t)
    {
        var (y, mo, d) = t;
        Digits(s, ref p, y / 100);
        Digits(s, ref p, y % 100);
        s[p++] = (byte)'-';
        Digits(s, ref p, mo);
        s[p++] = (byte)'-';
        Digits(s, ref p, d);
        s[p++] = (byte)'T';
        Digits(s, ref p, t.Hour);
        s[p++] = (byte)':';
        Digits(s, ref p, t.Minute);
        s[p++] = (byte)':';
        Digits(s, ref p, t.Second);
        s[p++] = (byte)'Z';
    }

    private static void Digits(Span<byte> s, ref int p, int v)
    {
        s[p++] = (byte)('0' + v / 10);
        s[p++] = (byte)('0' + v % 10);
    }

    /// <summary>What <see cref="SharpParty.Core.Vfs.UrlPath.Quote"/> does, on the UTF-8 bytes: unsafe bytes become %XX.</summary>
    private static void Quote(Span<byte> s, ref int p, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAnyExcept(UrlSafe) < 0)
        {
            Put(s, ref p, utf8);
            return;
        }
        foreach (var b in utf8)
        {
            if (UrlSafe.Contains(b))
            {
                s[p++] = b;
            }
            else
            {
                s[p++] = (byte)'%';
                s[p++] = (byte)"0123456789ABCDEF"[b >> 4];
                s[p++] = (byte)"0123456789ABCDEF"[b & 15];
            }
        }
    }

    /// <summary>What XmlWriter.WriteString does to text content whose characters need no other care: &amp;, &lt;, &gt;.</summary>
    private static void Escape(Span<byte> s, ref int p, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAny(XmlSpecial) < 0)
        {
            Put(s, ref p, utf8);
            return;
        }
        foreach (var b in utf8)
        {
            switch (b)
            {
                case (byte)'&':
                    Put(s, ref p, "&amp;"u8);
                    break;
                case (byte)'<':
                    Put(s, ref p, "&lt;"u8);
                    break;
                case (byte)'>':
                    Put(s, ref p, "&gt;"u8);
                    break;
                default:
                    s[p++] = b;
                    break;
            }
        }
    }
}
