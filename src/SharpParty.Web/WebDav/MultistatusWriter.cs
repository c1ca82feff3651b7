using System.Text;
using System.Xml;
using SharpParty.Web.Routing;

namespace SharpParty.Web.WebDav;

/// <summary>
/// Writes a 207 multistatus (RFC 4918 §13) as it goes: the XmlWriter fills a small buffer that is flushed to the
/// response body asynchronously whenever it passes <see cref="FlushAt"/> bytes, so a listing of any size needs only
/// that much memory. Only prefixed namespaces are declared, so dead properties in no namespace stay in none.
/// </summary>
internal sealed class MultistatusWriter : IAsyncDisposable
{
    public const string Dav = "DAV:";
    private const int FlushAt = 32 * 1024;
    private readonly RequestContext _rc;
    private readonly MemoryStream _buf = new();
    private readonly XmlWriter _w;

    private MultistatusWriter(RequestContext rc, string root)
    {
        _rc = rc;
        _w = XmlWriter.Create(_buf, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false });
        _w.WriteStartDocument();
        _w.WriteStartElement("D", root, Dav);
    }

    public XmlWriter Xml => _w;

    /// <summary>Reused text buffer for <see cref="FastPropWriter"/>.</summary>
    public StringBuilder Scratch { get; } = new(2048);

    /// <summary>Starts a reply whose body is an XML document with the root <c>D:<paramref name="root"/></c>.</summary>
    public static MultistatusWriter Start(RequestContext rc, int status, string root = "multistatus")
    {
        rc.Response.StatusCode = status;
        rc.Response.ContentType = "application/xml; charset=utf-8";
        return new MultistatusWriter(rc, root);
    }

    /// <summary>A <c>D:response</c> with only a status (RFC 4918 §13: errors of members in a COPY/MOVE/DELETE).</summary>
    public void StatusResponse(string href, int status)
    {
        _w.WriteStartElement("D", "response", Dav);
        _w.WriteElementString("D", "href", Dav, href);
        _w.WriteElementString("D", "status", Dav, StatusLine(status));
        _w.WriteEndElement();
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
    public async Task MaybeFlushAsync()
    {
        _w.Flush();
        if (_buf.Length >= FlushAt)
        {
            await SendBufferAsync();
        }
    }

    private async Task SendBufferAsync()
    {
        if (_buf.Length > 0 && !_rc.IsHead)
        {
            await _rc.Response.Body.WriteAsync(_buf.GetBuffer().AsMemory(0, (int)_buf.Length), _rc.Http.RequestAborted);
        }
        _buf.SetLength(0);
    }

    public async ValueTask DisposeAsync()
    {
        _w.WriteEndElement();
        _w.WriteEndDocument();
        _w.Flush();
        _w.Dispose();
        await SendBufferAsync();
        await _buf.DisposeAsync();
    }
}
