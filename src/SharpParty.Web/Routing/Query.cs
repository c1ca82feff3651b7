using SharpParty.Core.Vfs;

namespace SharpParty.Web.Routing;

/// <summary>
/// The query string as copyparty reads it: keys are case-insensitive (stored lowercased), <c>+</c> and <c>%20</c> both mean
/// a space, a key without <c>=</c> has the value "". More than <see cref="MaxParams"/> parameters is refused.
/// </summary>
internal sealed class Query
{
    /// <summary>copyparty answers 400 "u wot m8" past 10 parameters; we allow a little more room for proxies that add one.</summary>
    public const int MaxParams = 16;

    public static readonly Query Empty = new([]);

    private readonly KeyValuePair<string, string>[] _items;

    private Query(KeyValuePair<string, string>[] items) => _items = items;

    public int Count => _items.Length;

    public bool Has(string key)
    {
        foreach (var kv in _items)
        {
            if (kv.Key == key)
            {
                return true;
            }
        }
        return false;
    }

    public string? Get(string key)
    {
        foreach (var kv in _items)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }
        return null;
    }

    public static bool TryParse(ReadOnlySpan<char> raw, out Query query, out string error)
    {
        query = Empty;
        error = "";
        if (raw.Length > 0 && raw[0] == '?')
        {
            raw = raw[1..];
        }
        if (raw.IsEmpty)
        {
            return true;
        }
        var items = new List<KeyValuePair<string, string>>(4);
        foreach (var range in raw.Split('&'))
        {
            var part = raw[range];
            if (part.IsEmpty)
            {
                continue;
            }
            if (items.Count >= MaxParams)
            {
                error = "too many query parameters";
                return false;
            }
            var eq = part.IndexOf('=');
            var k = eq < 0 ? part : part[..eq];
            var v = eq < 0 ? [] : part[(eq + 1)..];
            if (!Decode(k, out var key) || !Decode(v, out var val))
            {
                error = "bad %-escape in query";
                return false;
            }
            if (key.Any(c => char.IsControl(c)) || val.Any(c => c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            {
                error = "control character in query";
                return false;
            }
            items.Add(new(key.ToLowerInvariant(), val));
        }
        query = new Query([.. items]);
        return true;
    }

    private static bool Decode(ReadOnlySpan<char> s, out string value)
    {
        if (s.IndexOfAny('+', '%') < 0)
        {
            value = s.ToString();
            return true;
        }
        var plus = s.ToString().Replace('+', ' ');
        return UrlPath.TryDecode(plus, out value, out _);
    }
}
