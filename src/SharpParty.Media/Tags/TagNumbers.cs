using System.Globalization;

namespace SharpParty.Media.Tags;

/// <summary>Number parsing for numeric tags, following copyparty's normalisation ("03/12" is track 3).</summary>
internal static class TagNumbers
{
    /// <summary>
    /// copyparty keeps what is before a '/', trims it and strips leading zeros ("track 3/7 => track 3"); an empty result
    /// is 0. We then need an actual number: "A1" (a vinyl side) is not one and is dropped, where copyparty would keep the text.
    /// </summary>
    public static bool TryParse(string s, out double value)
    {
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        var head = (slash >= 0 ? s[..slash] : s).Trim();
        if (head.Length == 0)
        {
            value = 0;
            return true;
        }

        return double.TryParse(head, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }
}
