using System.Buffers;

namespace SharpParty.Web.Browse;

/// <summary>
/// A list over a rented array. A 10,000-entry listing needs arrays past the 85 KB large-object threshold; allocated per
/// request they pile up until a full GC (measured: +13 MiB peak RSS under 8 concurrent listings), rented they are reused.
/// From <see cref="ListingPool{T}"/>, not the shared pool, whose per-thread caches kept one array of every size a list
/// grew through on every thread that listed a big folder.
/// </summary>
internal sealed class PooledList<T>(int capacity) : IDisposable
{
    private T[] _items = ListingPool<T>.Shared.Rent(Math.Max(capacity, 16));

    public int Count { get; private set; }

    public ArraySegment<T> Items => new(_items, 0, Count);

    public T this[int i] => _items[i];

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var bigger = ListingPool<T>.Shared.Rent(_items.Length * 2);
            Array.Copy(_items, bigger, Count);
            ListingPool<T>.Shared.Return(_items, clearArray: true);
            _items = bigger;
        }
        _items[Count++] = item;
    }

    public void RemoveAll(Func<T, bool> match)
    {
        var w = 0;
        for (var r = 0; r < Count; r++)
        {
            if (!match(_items[r]))
            {
                _items[w++] = _items[r];
            }
        }
        Array.Clear(_items, w, Count - w);
        Count = w;
    }

    public void Dispose()
    {
        if (_items.Length > 0)
        {
            ListingPool<T>.Shared.Return(_items, clearArray: true);
            _items = [];
            Count = 0;
        }
    }
}

/// <summary>
/// The arrays of listings: up to 4 per core of each size kept across requests, and no per-thread caches
/// (ArrayPool.Shared keeps one array of each size on every thread that rented one, besides 8 per size per core: under
/// 8 concurrent listings of 10,000 files that held ~2 MiB per thread-pool thread). Keeping fewer than the listings that
/// run at once was worse: every extra one is a new large array, garbage until a full GC (serving bench by phase: 2 per
/// size 67.6 MiB after the listing phase, 8 per size 64.2).
/// </summary>
internal static class ListingPool<T>
{
    public static readonly ArrayPool<T> Shared = ArrayPool<T>.Create(1 << 24, Math.Max(8, Environment.ProcessorCount * 4));
}
