using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Auth;

/// <summary>
/// Who is asking: the password from <c>?pw=</c>, the <c>PW:</c> header, Basic auth (whole string, then the password
/// field, then the user field, as copyparty) or the <c>cppwd</c>/<c>cppws</c> cookie (a session id, or a plain password
/// as copyparty also accepts). A wrong password counts towards <c>--ban-pw</c>. No password or session id is ever logged.
/// </summary>
internal sealed partial class Authenticator(TimeProvider time, ILogger<Authenticator> log)
{
    private readonly ConcurrentDictionary<string, (string User, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<ServerOptions, Dictionary<string, string>> _byPassword = [];

    public readonly record struct Identity(string User, string? Password, bool BadPassword);

    public Identity Identify(HttpContext http, Query query, ServerOptions options)
    {
        var h = http.Request.Headers;
        if (query.Count == 0 && h.Authorization.Count == 0 && h.Cookie.Count == 0 && !h.ContainsKey("PW"))
        {
            return new Identity(Core.Vfs.Identity.Anonymous, null, false); // no credentials at all: the common case, no work
        }
        var byPw = _byPassword.GetValue(options, static o => o.Accounts.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal));
        var bad = false;
        foreach (var candidate in Candidates(http, query))
        {
            if (candidate.Length == 0)
            {
                continue;
            }
            if (byPw.TryGetValue(candidate, out var user))
            {
                return new Identity(user, candidate, false);
            }
            if (_sessions.TryGetValue(candidate, out var s))
            {
                if (s.Expires > time.GetUtcNow() && options.Accounts.ContainsKey(s.User))
                {
                    return new Identity(s.User, null, false);
                }
                _sessions.TryRemove(candidate, out _);
            }
            bad = true;
        }
        return new Identity(Core.Vfs.Identity.Anonymous, null, bad);
    }

    private static IEnumerable<string> Candidates(HttpContext http, Query query)
    {
        var pw = query.Get("pw");
        if (pw is not null)
        {
            yield return pw;
            yield break;
        }
        var hdr = http.Request.Headers["PW"].ToString();
        if (hdr.Length > 0)
        {
            yield return hdr;
            yield break;
        }
        var authz = http.Request.Headers.Authorization.ToString();
        if (authz.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authz[6..].Trim()));
            }
            catch (FormatException)
            {
                decoded = "";
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                // copyparty: the whole "user:pass", then the password part, then the user part
                yield return decoded[(colon + 1)..];
                yield return decoded[..colon];
            }
            else
            {
                yield return decoded;
            }
            yield break;
        }
        var cookie = http.Request.IsHttps ? http.Request.Cookies["cppws"] : http.Request.Cookies["cppwd"];
        if (!string.IsNullOrEmpty(cookie) && cookie != "x")
        {
            yield return cookie;
        }
    }

    /// <summary><c>act=login</c>: a session cookie on success, a cleared cookie and a strike on failure.</summary>
    public async Task LoginAsync(RequestContext rc, string password)
    {
        var byPw = _byPassword.GetValue(rc.Options, static o => o.Accounts.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal));
        if (password.Length == 0 || !byPw.TryGetValue(password, out var user))
        {
            SetCookie(rc, "x", DateTimeOffset.FromUnixTimeSeconds(871603200)); // copyparty expires it in 1997
            LogBadLogin(log, rc.Ip);
            await Reply.Text(rc, 403, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>login failed</title></head><body><h2>wrong password</h2><p><a href=\"./\">back</a></p></body></html>\n", "text/html; charset=utf-8");
            rc.Note = "bad password";
            return;
        }
        var id = NewSessionId();
        var expires = time.GetUtcNow().AddHours(rc.Options.LogoutHours);
        _sessions[id] = (user, expires);
        SetCookie(rc, id, expires);
        LogLogin(log, user, rc.Ip);
        await Reply.Text(rc, 200, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=./\"><title>login ok</title></head><body><h2>logged in as {WebUtility.HtmlEncode(user)}</h2><p><a href=\"./\">continue</a></p></body></html>\n", "text/html; charset=utf-8");
    }

    public async Task LogoutAsync(RequestContext rc)
    {
        var cookie = rc.Request.IsHttps ? rc.Request.Cookies["cppws"] : rc.Request.Cookies["cppwd"];
        if (!string.IsNullOrEmpty(cookie))
        {
            _sessions.TryRemove(cookie, out _);
        }
        SetCookie(rc, "x", DateTimeOffset.FromUnixTimeSeconds(871603200));
        await Reply.Text(rc, 200, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=./\"></head><body>logged out</body></html>\n", "text/html; charset=utf-8");
    }

    private static void SetCookie(RequestContext rc, string value, DateTimeOffset expires)
    {
        rc.Response.Cookies.Append(rc.Request.IsHttps ? "cppws" : "cppwd", value, new CookieOptions
        {
            Path = "/",
            Expires = expires,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = rc.Request.IsHttps,
        });
    }

    /// <summary>20 chars from [A-Za-z0-9_-]: 120 bits, as copyparty's session ids.</summary>
    private static string NewSessionId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(20, 0, static (span, _) =>
        {
            Span<byte> rnd = stackalloc byte[20];
            RandomNumberGenerator.Fill(rnd);
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[rnd[i] & 63];
            }
        });
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "login: {User} from {Ip}")]
    private static partial void LogLogin(ILogger logger, string user, IPAddress ip);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "bad password from {Ip}")]
    private static partial void LogBadLogin(ILogger logger, IPAddress ip);
}
