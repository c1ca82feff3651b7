using System.Collections;

namespace SharpParty.Media.Tags;

/// <summary>
/// The tags of one file, keyed by copyparty's names (<c>artist</c>, <c>title</c>, <c>.dur</c>, <c>res</c>…), in the order
/// they were found. Keys starting with '.' always hold numbers.
/// </summary>
internal sealed class MediaTags : IReadOnlyDictionary<string, TagValue>
{
    public static MediaTags Empty { get; } = new();

    private readonly Dictionary<string, TagValue> _map = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public int Count => _map.Count;

    public TagValue this[string key] => _map[key];

    public IEnumerable<string> Keys => _order;

    public IEnumerable<TagValue> Values => _order.Select(k => _map[k]);

    /// <summary>Adds or replaces a value; a numeric key given text that is not a number is ignored.</summary>
    public void Set(string key, TagValue value)
    {
        if (ReferenceEquals(this, Empty) || key.Length == 0)
        {
            return;
        }

        if (IsNumericKey(key) && !value.IsNumber)
        {
            if (!TagNumbers.TryParse(value.Text, out var n))
            {
                return;
            }

            value = TagValue.Of(n);
        }

        if (!_map.ContainsKey(key))
        {
            _order.Add(key);
        }

        _map[key] = value;
    }

    public void Set(string key, string text) => Set(key, TagValue.Of(text));

    public void Set(string key, double number) => Set(key, TagValue.Of(number));

    public bool Remove(string key)
    {
        if (!_map.Remove(key))
        {
            return false;
        }

        _order.Remove(key);
        return true;
    }

    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool TryGetValue(string key, out TagValue value) => _map.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, TagValue>> GetEnumerator()
    {
        foreach (var k in _order)
        {
            yield return new KeyValuePair<string, TagValue>(k, _map[k]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>copyparty's rule: a key starting with '.' is numeric.</summary>
    public static bool IsNumericKey(string key) => key.Length > 1 && key[0] == '.';
}
