using System.Text;

namespace SharpParty.Index;

/// <summary>How a name pattern of the search language anchors its literal: <c>*abc*</c>, <c>abc*</c>, <c>*abc</c>, <c>abc</c>.</summary>
internal enum NameMatch
{
    Contains,
    Prefix,
    Suffix,
    Exact,
}

/// <summary>
/// Every file name of one volume in memory, for substring search: SQLite can only answer <c>name like '%abc%'</c> by
/// reading every row (~110-200 ms over 1M files, as copyparty, which does the same). Here the names sit lowercased
/// (ASCII only, as SQLite's LIKE folds case) in one byte arena, <c>\0</c>-separated, and a match is a vectorised
/// <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> over it: a few ms for 1M names, ~30 bytes
/// per name. An FTS5 trigram index answered in 0.6 ms but made every insert 13x slower (35 s instead of 2.7 s per 1M
/// rows, measured), which a first scan of a big volume would pay.
/// <para>
/// Built from the database on the first name search (under the index's write lock, so no change slips between the read
/// and the first hook), then kept in step by <see cref="VolumeIndex"/>: a base arena sorted by row id, plus a small
/// delta of names added or renamed since and a set of base ids that are gone. When the delta outgrows
/// <see cref="MaxDelta"/> (a big scan after the first search) the table drops itself and is rebuilt on the next search.
/// Not thread-safe on its own: the owner calls every method under its lock.
/// </para>
/// </summary>
internal sealed class NameTable
{
    /// <summary>Changes kept as a delta before a rebuild is cheaper than carrying them (a rebuild reads every row:
    /// ~1 s per 1M files).</summary>
    public const int MaxDelta = 50_000;

    private readonly byte[] _arena;
    private readonly int _used;
    private readonly long[] _ids;
    private readonly int[] _starts;
    private readonly int _count;
    private readonly HashSet<long> _goneFromBase = [];
    private readonly Dictionary<long, byte[]> _delta = [];

    private NameTable(byte[] arena, int used, long[] ids, int[] starts, int count)
    {
        _arena = arena;
        _used = used;
        _ids = ids;
        _starts = starts;
        _count = count;
    }

    /// <summary>True when the changes since the build are too many to carry: the owner drops the table.</summary>
    public bool Overgrown => _delta.Count + _goneFromBase.Count > MaxDelta;

    /// <summary>Builds the table from (id, name) rows in ascending id order (tests, small volumes).</summary>
    public static NameTable Build(IEnumerable<(long Id, string Name)> rows)
    {
        var b = new Builder(0);
        foreach (var (id, name) in rows)
        {
            b.Add(id, Encoding.UTF8.GetBytes(name));
        }
        return b.Finish();
    }

    /// <summary>Collects rows in ascending id order straight from UTF-8 bytes (no string per name: a million of them
    /// were ~80 MiB of garbage on the first search), into arrays sized up front from a row count.</summary>
    internal sealed class Builder(int countHint)
    {
        private long[] _ids = new long[Math.Max(countHint, 16)];
        private int[] _starts = new int[Math.Max(countHint, 16) + 1];

        // ~24 bytes per name in practice (photo and music folders: 18-30)
        private byte[] _arena = new byte[Math.Max(countHint * 24, 4096)];
        private int _used = 1;
        private int _count;

        public void Add(long id, ReadOnlySpan<byte> utf8Name)
        {
            if (_count == _ids.Length)
            {
                Array.Resize(ref _ids, _ids.Length * 2);
                Array.Resize(ref _starts, _ids.Length + 1);
            }
            if (_arena.Length - _used < utf8Name.Length + 1)
            {
                Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + utf8Name.Length + 1));
            }
            _ids[_count] = id;
            _starts[_count++] = _used;
            var dest = _arena.AsSpan(_used, utf8Name.Length);
            utf8Name.CopyTo(dest);
            FoldAscii(dest);
            _used += utf8Name.Length + 1;
        }

        public NameTable Finish()
        {
            // one past the last name, so entry i always ends at _starts[i + 1] - 1
            _starts[_count] = _used;
            return new NameTable(_arena, _used, _ids, _starts, _count);
        }
    }

    /// <summary>A row inserted, or renamed to <paramref name="name"/>.</summary>
    public void Set(long id, string name)
    {
        if (BaseIndexOf(id) >= 0)
        {
            _goneFromBase.Add(id);
        }
        var buf = new byte[Encoding.UTF8.GetMaxByteCount(name.Length) + 2];
        buf[0] = 0;
        var len = Fold(name, buf.AsSpan(1));
        buf[len + 1] = 0;
        _delta[id] = buf[..(len + 2)];
    }

    /// <summary>A row inserted unless already known (an upsert of an existing path keeps its id and name).</summary>
    public void Add(long id, string name)
    {
        if (_delta.ContainsKey(id) || (BaseIndexOf(id) >= 0 && !_goneFromBase.Contains(id)))
        {
            return;
        }
        Set(id, name);
    }

    public void Remove(long id)
    {
        _delta.Remove(id);
        if (BaseIndexOf(id) >= 0)
        {
            _goneFromBase.Add(id);
        }
    }

    /// <summary>
    /// Ids of the rows whose name matches, or null when more than <paramref name="cap"/> do (the caller then lets SQLite
    /// scan: a pattern that broad returns most rows anyway). Matching folds ASCII case only, exactly as SQLite's LIKE.
    /// </summary>
    public List<long>? Match(NameMatch kind, string literal, int cap)
    {
        // the needle carries the separators that anchor it: "\0abc" is a prefix, "abc\0" a suffix
        var core = new byte[Encoding.UTF8.GetMaxByteCount(literal.Length) + 2];
        var len = Fold(literal, core.AsSpan(1));
        var lead = kind is NameMatch.Prefix or NameMatch.Exact ? 1 : 0;
        var trail = kind is NameMatch.Suffix or NameMatch.Exact ? 1 : 0;
        core[0] = 0;
        core[len + 1] = 0;
        var needle = core.AsSpan(1 - lead, len + lead + trail);
        var hits = new List<long>();
        var arena = _arena.AsSpan(0, _used);
        var pos = 0;
        while (pos < arena.Length)
        {
            var at = arena[pos..].IndexOf(needle);
            if (at < 0)
            {
                break;
            }
            // the entry holding the first byte of the name part of the match
            var entry = EntryAt(pos + at + lead);
            if (entry < 0 || entry >= _count)
            {
                break;
            }
            var id = _ids[entry];
            if (!_goneFromBase.Contains(id))
            {
                if (hits.Count == cap)
                {
                    return null;
                }
                hits.Add(id);
            }
            // go on from the separator that ends this entry: it may open the next match
            pos = Math.Max(_starts[entry + 1] - 1, pos + at + 1);
        }
        foreach (var (id, name) in _delta)
        {
            if (name.AsSpan().IndexOf(needle) >= 0)
            {
                if (hits.Count == cap)
                {
                    return null;
                }
                hits.Add(id);
            }
        }
        return hits;
    }

    /// <summary>The entry whose name covers arena offset <paramref name="offset"/>.</summary>
    private int EntryAt(int offset)
    {
        var i = Array.BinarySearch(_starts, 0, _count + 1, offset);
        return i >= 0 ? i : ~i - 1;
    }

    private int BaseIndexOf(long id) => Array.BinarySearch(_ids, 0, _count, id);

    /// <summary>UTF-8 with A-Z folded to a-z (SQLite's LIKE folds nothing else); NUL never occurs in a file name.</summary>
    private static int Fold(string s, Span<byte> dest)
    {
        var len = Encoding.UTF8.GetBytes(s, dest);
        FoldAscii(dest[..len]);
        return len;
    }

    private static void FoldAscii(Span<byte> utf8)
    {
        for (var i = 0; i < utf8.Length; i++)
        {
            if ((uint)(utf8[i] - 'A') <= 'Z' - 'A')
            {
                utf8[i] |= 0x20;
            }
        }
    }
}
