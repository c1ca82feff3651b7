using System.Net;
using Microsoft.AspNetCore.Http;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;

namespace SharpParty.Web.Routing;

/// <summary>Everything decided about one request before its handler runs.</summary>
internal sealed class RequestContext(HttpContext http, ServerOptions options, Query query, string rawPath, string user, IPAddress ip)
{
    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public ServerOptions Options { get; } = options;
    public Query Query { get; } = query;

    /// <summary>The path part of the request target, still percent-encoded.</summary>
    public string RawPath { get; } = rawPath;

    /// <summary>Account name, or <c>*</c>.</summary>
    public string User { get; } = user;

    public IPAddress Ip { get; } = ip;

    /// <summary>Where the path resolved to (set by the dispatcher).</summary>
    public VfsPath Target { get; set; }

    /// <summary>For the request log: a note such as "moved to /x".</summary>
    public string? Note { get; set; }

    /// <summary>For the request log: the body bytes of a reply sent in parts without a Content-Length (the folder page).</summary>
    public long? SentInParts { get; set; }

    public bool IsHead => HttpMethods.IsHead(Request.Method);

    /// <summary>The URL of this server as the client sees it ("http://host:port").</summary>
    public string Origin => $"{Request.Scheme}://{Request.Host}";
}
