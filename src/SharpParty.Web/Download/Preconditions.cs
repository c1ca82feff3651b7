using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SharpParty.Web.Download;

internal enum PreconditionResult
{
    /// <summary>Send the representation (200, or 206 if a Range applies).</summary>
    Proceed,
    NotModified,
    Failed,
}

/// <summary>
/// RFC 9110 §13.2.2 evaluation order for a file: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since;
/// then If-Range decides whether Range applies. One place for every protocol that serves files over HTTP.
/// </summary>
internal static class Preconditions
{
    /// <summary>A strong validator from size and mtime (ticks): changes whenever either does.</summary>
    public static string ETagFor(long length, DateTimeOffset mtime) =>
        $"\"{mtime.UtcTicks:x}-{length:x}\"";

    public static PreconditionResult Evaluate(HttpRequest req, string etag, DateTimeOffset lastModified)
    {
        var h = req.Headers;
        var lm = Truncate(lastModified);
        var ifMatch = h.IfMatch.ToString();
        if (ifMatch.Length > 0)
        {
            if (!MatchesAny(ifMatch, etag, weak: false))
            {
                return PreconditionResult.Failed;
            }
        }
        else if (TryDate(h.IfUnmodifiedSince.ToString(), out var ius) && lm > ius)
        {
            return PreconditionResult.Failed;
        }
        var ifNone = h.IfNoneMatch.ToString();
        var isGet = HttpMethods.IsGet(req.Method) || HttpMethods.IsHead(req.Method);
        if (ifNone.Length > 0)
        {
            if (MatchesAny(ifNone, etag, weak: true))
            {
                return isGet ? PreconditionResult.NotModified : PreconditionResult.Failed;
            }
        }
        else if (isGet && TryDate(h.IfModifiedSince.ToString(), out var ims) && lm <= ims)
        {
            return PreconditionResult.NotModified;
        }
        return PreconditionResult.Proceed;
    }

    /// <summary>If-Range: the Range applies only when the validator still matches (strong comparison for ETags).</summary>
    public static bool RangeApplies(HttpRequest req, string etag, DateTimeOffset lastModified)
    {
        var ifRange = req.Headers.IfRange.ToString();
        if (ifRange.Length == 0)
        {
            return true;
        }
        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
        {
            return ifRange == etag;
        }
        return TryDate(ifRange, out var d) && d == Truncate(lastModified);
    }

    private static bool MatchesAny(string header, string etag, bool weak)
    {
        if (header.Trim() == "*")
        {
            return true;
        }
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var isWeak = part.StartsWith("W/", StringComparison.Ordinal);
            if (isWeak && !weak)
            {
                continue;
            }
            var tag = isWeak ? part[2..] : part;
            if (tag == etag)
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryDate(string s, out DateTimeOffset d)
    {
        d = default;
        return s.Length > 0 && HeaderUtilities.TryParseDate(s, out d);
    }

    /// <summary>HTTP dates have whole seconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
