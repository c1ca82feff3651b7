namespace SharpParty.Web.Download;

internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;
}

internal enum RangeOutcome
{
    /// <summary>No usable Range header (absent, not bytes=, or malformed: RFC 9110 §14.2 says ignore it): send 200.</summary>
    Whole,
    /// <summary>One or more satisfiable ranges: 206.</summary>
    Partial,
    /// <summary>Syntactically valid but none satisfiable: 416.</summary>
    Unsatisfiable,
}

/// <summary>Parses <c>Range: bytes=…</c> (RFC 9110 §14.1.2) against a representation length.</summary>
internal static class ByteRanges
{
    /// <summary>More ranges than this are answered with the whole file (a guard against range amplification).</summary>
    public const int MaxRanges = 32;

    public static RangeOutcome Parse(string? header, long length, List<ByteRange> ranges)
    {
        ranges.Clear();
        if (string.IsNullOrEmpty(header))
        {
            return RangeOutcome.Whole;
        }
        var h = header.AsSpan().Trim();
        if (!h.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return RangeOutcome.Whole;
        }
        h = h[6..];
        var any = false;
        foreach (var r in h.Split(','))
        {
            var spec = h[r].Trim();
            if (spec.IsEmpty)
            {
                continue;
            }
            any = true;
            var dash = spec.IndexOf('-');
            if (dash < 0)
            {
                return RangeOutcome.Whole;
            }
            var a = spec[..dash].Trim();
            var b = spec[(dash + 1)..].Trim();
            if (a.IsEmpty)
            {
                // suffix range: the last N bytes
                if (!TryNum(b, out var n))
                {
                    return RangeOutcome.Whole;
                }
                if (n == 0 || length == 0)
                {
                    continue;
                }
                var len = Math.Min(n, length);
                ranges.Add(new ByteRange(length - len, len));
                continue;
            }
            if (!TryNum(a, out var start))
            {
                return RangeOutcome.Whole;
            }
            long end;
            if (b.IsEmpty)
            {
                end = length - 1;
            }
            else if (!TryNum(b, out end) || end < start)
            {
                return RangeOutcome.Whole;
            }
            if (start >= length)
            {
                continue;
            }
            end = Math.Min(end, length - 1);
            ranges.Add(new ByteRange(start, end - start + 1));
        }
        if (!any)
        {
            return RangeOutcome.Whole;
        }
        if (ranges.Count == 0)
        {
            return RangeOutcome.Unsatisfiable;
        }
        if (ranges.Count > MaxRanges)
        {
            ranges.Clear();
            return RangeOutcome.Whole;
        }
        if (ranges.Count > 1)
        {
            Coalesce(ranges);
        }
        return RangeOutcome.Partial;
    }

    /// <summary>Overlapping or adjacent ranges are merged (RFC 9110 §14.1.2 allows it; it defeats overlap abuse).</summary>
    private static void Coalesce(List<ByteRange> ranges)
    {
        ranges.Sort((x, y) => x.Start.CompareTo(y.Start));
        var merged = new List<ByteRange>(ranges.Count) { ranges[0] };
        for (var i = 1; i < ranges.Count; i++)
        {
            var last = merged[^1];
            var cur = ranges[i];
            if (cur.Start <= last.End + 1)
            {
                var end = Math.Max(last.End, cur.End);
                merged[^1] = new ByteRange(last.Start, end - last.Start + 1);
            }
            else
            {
                merged.Add(cur);
            }
        }
        ranges.Clear();
        ranges.AddRange(merged);
    }

    private static bool TryNum(ReadOnlySpan<char> s, out long v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 19)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            v = (v * 10) + (c - '0');
        }
        return true;
    }
}
