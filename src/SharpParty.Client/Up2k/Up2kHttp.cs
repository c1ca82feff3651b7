using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SharpParty.Client.Up2k;

/// <summary>A reply: status 0 means no HTTP answer at all (connection refused, reset, timed out), <see cref="Body"/> says why.</summary>
internal readonly record struct HttpReply(int Status, string Body, int? ChunksLeft = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// The client's only way to the server: one HttpClient with keep-alive connections (enough for every handshake and
/// chunk in flight), u2c's headers (Origin passes the server's CSRF check, PW carries the password), and timeouts that
/// are reset while bytes move, so a slow link is not a dead one.
/// </summary>
internal sealed class Up2kHttp : IDisposable
{
    /// <summary>No progress for this long ends a request (u2c's socket timeout for chunks: 128 s).</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(128);

    /// <summary>A handshake may make the server re-hash a dedup source first (--safe-dedup), so it gets longer (u2c: 999 s).</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(600);

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue Octets = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string? _password;

    public Up2kHttp(string baseUrl, string? password, int connections, bool noCertCheck)
    {
        _base = new Uri(baseUrl);
        _password = password;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false, // as u2c: talk to the server itself
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        if (noCertCheck)
        {
            // -td: the user asked for no certificate check (self-signed servers on a LAN)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => noCertCheck || errors == System.Net.Security.SslPolicyErrors.None;
        }
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Accept.ParseAdd("*/*");
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("sharpparty-up/1.0");
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Origin", _base.GetLeftPart(UriPartial.Authority));
        if (password is not null)
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation("PW", password);
        }
    }

    public Task<HttpReply> PostJsonAsync(string pathAndQuery, byte[] json, CancellationToken ct)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = Json;
        return SendAsync(HttpMethod.Post, pathAndQuery, content, null, HandshakeTimeout, ct);
    }

    public Task<HttpReply> GetAsync(string pathAndQuery, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, pathAndQuery, null, null, IdleTimeout, ct);

    /// <summary>Sends file bytes [offset, offset+length) as one chunk POST.</summary>
    public Task<HttpReply> PostChunkAsync(string purl, string wark, string hashHeader, long? subchunk, FileRangeContent body, CancellationToken ct)
    {
        body.Headers.ContentType = Octets;
        var headers = new List<(string, string)>(3) { ("X-Up2k-Hash", hashHeader), ("X-Up2k-Wark", wark) };
        if (subchunk is { } sub)
        {
            headers.Add(("X-Up2k-Subc", sub.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return SendAsync(HttpMethod.Post, purl, body, headers, IdleTimeout, ct);
    }

    /// <summary>SharpParty's <c>X-Up2k-Left</c> on a chunk reply: chunks the file still needs (0 = complete and in
    /// place); copyparty sends no such header.</summary>
    private static int? ChunksLeft(HttpResponseMessage res) =>
        res.Headers.TryGetValues("X-Up2k-Left", out var v) && int.TryParse(v.FirstOrDefault(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private async Task<HttpReply> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content,
        List<(string, string)>? headers, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        if (content is FileRangeContent frc)
        {
            // every block written re-arms the idle timer
            frc.Progressed = () => cts.CancelAfter(timeout);
        }
        using var req = new HttpRequestMessage(method, new Uri(_base, pathAndQuery)) { Content = content, Version = HttpVersion.Version11 };
        foreach (var (n, v) in headers ?? [])
        {
            req.Headers.TryAddWithoutValidation(n, v);
        }
        try
        {
            using var res = await _http.SendAsync(req, HttpCompletionOption.ResponseContentRead, cts.Token);
            var body = await res.Content.ReadAsStringAsync(cts.Token);
            return new HttpReply((int)res.StatusCode, body, ChunksLeft(res));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HttpReply(0, "timed out");
        }
        catch (HttpRequestException e)
        {
            return new HttpReply(0, e.InnerException?.Message ?? e.Message);
        }
        catch (IOException e)
        {
            return new HttpReply(0, e.Message);
        }
        finally
        {
            content?.Dispose();
        }
    }

    /// <summary>copyparty's error bodies are "&lt;pre&gt;message\r\nURL: …": the message alone, for the user.</summary>
    public static string ErrorText(HttpReply r)
    {
        var t = r.Body;
        if (t.StartsWith("<pre>", StringComparison.Ordinal))
        {
            t = t[5..];
        }
        var url = t.IndexOf("\r\nURL: ", StringComparison.Ordinal);
        if (url >= 0)
        {
            t = t[..url];
        }
        t = t.Trim();
        var sb = new StringBuilder(r.Status == 0 ? "no reply" : "http " + r.Status);
        if (t.Length > 0)
        {
            sb.Append(": ").Append(t.Length > 300 ? t[..300] + "…" : t);
        }
        return sb.ToString();
    }

    public void Dispose() => _http.Dispose();
}
