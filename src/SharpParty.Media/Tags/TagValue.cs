using System.Globalization;

namespace SharpParty.Media.Tags;

/// <summary>
/// One tag value: a number for keys that start with '.' (copyparty's rule: <c>.dur</c>, <c>.bpm</c>, <c>.tn</c>, <c>.q</c>…),
/// text for everything else. copyparty stores both in one SQLite column with integer affinity; we keep the kind explicit.
/// </summary>
internal readonly struct TagValue : IEquatable<TagValue>
{
    private readonly string? _text;

    private TagValue(string? text, double number)
    {
        _text = text;
        Number = number;
    }

    public static TagValue Of(string text) => new(text, 0);

    public static TagValue Of(double number) => new(null, number);

    public bool IsNumber => _text is null;

    /// <summary>The number; 0 for text values.</summary>
    public double Number { get; }

    /// <summary>The text; for numbers, the invariant rendering (integers without a decimal point).</summary>
    public string Text => _text ?? Format(Number);

    /// <summary>The value boxed as <see cref="string"/>, <see cref="long"/> (whole numbers) or <see cref="double"/>, for SQLite and JSON.</summary>
    public object ToObject()
    {
        if (_text is not null)
        {
            return _text;
        }

        return IsWhole(Number) ? (long)Number : (object)Number;
    }

    public override string ToString() => Text;

    public bool Equals(TagValue other) => _text == other._text && Number.Equals(other.Number);

    public override bool Equals(object? obj) => obj is TagValue v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(_text, Number);

    public static bool operator ==(TagValue a, TagValue b) => a.Equals(b);

    public static bool operator !=(TagValue a, TagValue b) => !a.Equals(b);

    private static bool IsWhole(double d) => Math.Abs(d) < 1e15 && d == Math.Floor(d);

    private static string Format(double d) => IsWhole(d)
        ? ((long)d).ToString(CultureInfo.InvariantCulture)
        : d.ToString("R", CultureInfo.InvariantCulture);
}
