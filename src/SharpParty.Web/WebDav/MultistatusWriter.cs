using System.Buffers;
using System.Text;
using System.Xml;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// Writes a 207 multistatus (RFC 4918 §13) as it goes, into one reused buffer that is sent to the response body whenever
/// it passes <see cref="FlushAt"/> bytes, so a listing of any size needs only that much memory. Two ways in, kept in
/// order: <see cref="Xml"/> (an XmlWriter, for the rare cases) and <see cref="Raw"/> (UTF-8 bytes written straight into
/// the buffer by <see cref="FastPropWriter"/>). Only prefixed namespaces are declared, so dead properties in no
/// namespace stay in none.
/// </summary>
internal sealed class MultistatusWriter : IAsyncDisposable
{
    public const string Dav = "DAV:";
    private const int FlushAt = 64 * 1024;
    private readonly Stream _body;
    private readonly CancellationToken _ct;
    private readonly ArrayBufferWriter<byte> _buf = new(FlushAt + 8 * 1024);
    private readonly XmlWriter _w;

    /// <summary>The XmlWriter may hold bytes of its own, or a start tag it has not closed yet.</summary>
    private bool _xmlPending = true;

    /// <param name="body">where the document goes (the response body; <see cref="Stream.Null"/> for HEAD)</param>
    internal MultistatusWriter(Stream body, string root, CancellationToken ct)
    {
        _body = body;
        _ct = ct;
        _w = XmlWriter.Create(new BufferStream(_buf), new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false });
        _w.WriteStartDocument();
        _w.WriteStartElement("D", root, Dav);
    }

    /// <summary>The XmlWriter of the document.</summary>
    public XmlWriter Xml
    {
        get
        {
            _xmlPending = true;
            return _w;
        }
    }

    /// <summary>
    /// Where to write UTF-8 markup directly, after everything written through <see cref="Xml"/>: the XmlWriter is made to
    /// close its open start tag (an empty raw write moves it to element content) and to hand over what it holds.
    /// </summary>
    public IBufferWriter<byte> Raw
    {
        get
        {
            if (_xmlPending)
            {
                _w.WriteRaw("");
                _w.Flush();
                _xmlPending = false;
            }
            return _buf;
        }
    }

    /// <summary>Starts a reply whose body is an XML document with the root <c>D:<paramref name="root"/></c>.</summary>
    public static MultistatusWriter Start(RequestContext rc, int status, string root = "multistatus")
    {
        rc.Response.StatusCode = status;
        rc.Response.ContentType = "application/xml; charset=utf-8";
        return new MultistatusWriter(rc.IsHead ? Stream.Null : rc.Response.Body, root, rc.Http.RequestAborted);
    }

    /// <summary>A <c>D:response</c> with only a status (RFC 4918 §13: errors of members in a COPY/MOVE/DELETE).</summary>
    public void StatusResponse(string href, int status)
    {
        var w = Xml;
        w.WriteStartElement("D", "response", Dav);
        w.WriteElementString("D", "href", Dav, href);
        w.WriteElementString("D", "status", Dav, StatusLine(status));
        w.WriteEndElement();
    }

    public static string StatusLine(int status) => status switch
    {
        200 => "HTTP/1.1 200 OK",
        403 => "HTTP/1.1 403 Forbidden",
        404 => "HTTP/1.1 404 Not Found",
        409 => "HTTP/1.1 409 Conflict",
        423 => "HTTP/1.1 423 Locked",
        424 => "HTTP/1.1 424 Failed Dependency",
        507 => "HTTP/1.1 507 Insufficient Storage",
        _ => $"HTTP/1.1 {status} Error",
    };

    /// <summary>Sends what is buffered once it is big enough (call between responses).</summary>
    public ValueTask MaybeFlushAsync()
    {
        if (_xmlPending)
        {
            _w.Flush();
        }
        return _buf.WrittenCount >= FlushAt ? SendBufferAsync() : ValueTask.CompletedTask;
    }

    private async ValueTask SendBufferAsync()
    {
        if (_buf.WrittenCount > 0)
        {
            await _body.WriteAsync(_buf.WrittenMemory, _ct);
        }
        _buf.ResetWrittenCount();
    }

    public async ValueTask DisposeAsync()
    {
        _w.WriteEndElement();
        _w.WriteEndDocument();
        _w.Flush();
        _w.Dispose();
        await SendBufferAsync();
    }

    /// <summary>The XmlWriter's output: appends to the shared buffer (write-only, no seeking).</summary>
    private sealed class BufferStream(ArrayBufferWriter<byte> buf) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => buf.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => buf.Write(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
