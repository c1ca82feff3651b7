using System.Net;
using System.Runtime.CompilerServices;
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
internal sealed partial class Authenticator(SessionStore sessions, PasswordHasher hasher, ILogger<Authenticator> log)
{
    private readonly ConditionalWeakTable<ServerOptions, Dictionary<string, string>> _byPassword = [];

    /// <param name="FromSecret">The user was named by a password in <c>?pw=</c>/<c>PW:</c>/Basic auth (not a cookie).</param>
    public readonly record struct Identity(string User, bool FromSecret, bool BadPassword);

    /// <summary>Stored password (plain, or "+hash" with --ah-alg) → user, built once per config snapshot.</summary>
    private Dictionary<string, string> AccountsByPassword(ServerOptions options) =>
        _byPassword.GetValue(options, o => o.Accounts.ToDictionary(kv => hasher.Stored(kv.Value), kv => kv.Key, StringComparer.Ordinal));

    /// <summary>The account whose password this is, or null: for protocols that send a password alone (FTP).</summary>
    public string? UserByPassword(ServerOptions options, string password) =>
        password.Length > 0 && AccountsByPassword(options).TryGetValue(hasher.Hash(password), out var user) ? user : null;

    public Identity Identify(HttpContext http, Query query, ServerOptions options)
    {
        var h = http.Request.Headers;
        if (query.Count == 0 && h.Authorization.Count == 0 && h.Cookie.Count == 0 && !h.ContainsKey("PW"))
        {
            return new Identity(Core.Vfs.Identity.Anonymous, false, false); // no credentials at all: the common case, no work
        }
        var byPw = AccountsByPassword(options);
        var bad = false;
        foreach (var (candidate, isCookie) in Candidates(http, query))
        {
            if (candidate.Length == 0)
            {
                continue;
            }
            // a cookie usually holds a session id: look that up first, it is cheap (a password may mean an argon2 run)
            if (isCookie && sessions.Lookup(candidate) is { } su && options.Accounts.ContainsKey(su))
            {
                return new Identity(su, false, false);
            }
            if (byPw.TryGetValue(hasher.Hash(candidate), out var user))
            {
                return new Identity(user, !isCookie, false);
            }
            if (!isCookie && sessions.Lookup(candidate) is { } su2 && options.Accounts.ContainsKey(su2))
            {
                return new Identity(su2, false, false);
            }
            bad = true;
        }
        return new Identity(Core.Vfs.Identity.Anonymous, false, bad);
    }

    private static IEnumerable<(string Value, bool IsCookie)> Candidates(HttpContext http, Query query)
    {
        var pw = query.Get("pw");
        if (pw is not null)
        {
            yield return (pw, false);
            yield break;
        }
        var hdr = http.Request.Headers["PW"].ToString();
        if (hdr.Length > 0)
        {
            yield return (hdr, false);
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
                yield return (decoded[(colon + 1)..], false);
                yield return (decoded[..colon], false);
            }
            else
            {
                yield return (decoded, false);
            }
            yield break;
        }
        var cookie = http.Request.IsHttps ? http.Request.Cookies["cppws"] : http.Request.Cookies["cppwd"];
        if (!string.IsNullOrEmpty(cookie) && cookie != "x")
        {
            yield return (cookie, true);
        }
    }

    /// <summary><c>act=login</c>: a session cookie on success, a cleared cookie and a strike on failure.</summary>
    public async Task LoginAsync(RequestContext rc, string password)
    {
        var byPw = AccountsByPassword(rc.Options);
        if (password.Length == 0 || !byPw.TryGetValue(hasher.Hash(password), out var user))
        {
            SetCookie(rc, "x", DateTimeOffset.FromUnixTimeSeconds(871603200)); // copyparty expires it in 1997
            LogBadLogin(log, rc.Ip);
            await Reply.Text(rc, 403, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>login failed</title></head><body><h2>wrong password</h2><p><a href=\"./\">back</a></p></body></html>\n", "text/html; charset=utf-8");
            rc.Note = "bad password";
            return;
        }
        IssueCookie(rc, user);
        LogLogin(log, user, rc.Ip);
        await Reply.Text(rc, 200, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=./\"><title>login ok</title></head><body><h2>logged in as {WebUtility.HtmlEncode(user)}</h2><p><a href=\"./\">continue</a></p></body></html>\n", "text/html; charset=utf-8");
    }

    public async Task LogoutAsync(RequestContext rc)
    {
        var cookie = rc.Request.IsHttps ? rc.Request.Cookies["cppws"] : rc.Request.Cookies["cppwd"];
        if (!string.IsNullOrEmpty(cookie) && cookie.Length == 20)
        {
            sessions.Delete(cookie);
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

    /// <summary>A new session and its cookie (login, or a valid <c>?pw=</c> on a GET, as copyparty).</summary>
    public void IssueCookie(RequestContext rc, string user)
    {
        var id = sessions.Create(user);
        SetCookie(rc, id, DateTimeOffset.UtcNow.AddHours(rc.Options.LogoutHours));
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "login: {User} from {Ip}")]
    private static partial void LogLogin(ILogger logger, string user, IPAddress ip);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "bad password from {Ip}")]
    private static partial void LogBadLogin(ILogger logger, IPAddress ip);
}
