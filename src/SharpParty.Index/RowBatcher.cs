using System.Diagnostics;

namespace SharpParty.Index;

/// <summary>
/// Collects the rows a scan's readers produce and writes them in batches, one batch at a time: while one is written,
/// the readers go on adding to the next, and wait only when that holds <see cref="Backlog"/> batches' worth. When each
/// reader cut and wrote its own batch, readers piled up behind SQLite's one writer, each holding a batch (a first
/// index of 1,000,000 empty files with 32 readers: peak RSS 91 -> 114 MiB).
/// </summary>
internal sealed class RowBatcher(VolumeIndex index, int batchRows, TimeSpan batchTime)
{
    private const int Backlog = 4;

    private readonly object _gate = new();
    private readonly Stopwatch _sinceWrite = Stopwatch.StartNew();
    private List<FileRow> _pending = new(batchRows);
    private bool _writing;

    /// <summary>Adds a row; writes a batch when it is full or old enough and no other is being written.</summary>
    public void Add(FileRow row)
    {
        List<FileRow> batch;
        lock (_gate)
        {
            while (_writing && _pending.Count >= Backlog * batchRows)
            {
                Monitor.Wait(_gate);
            }
            _pending.Add(row);
            if (_writing || (_pending.Count < batchRows && _sinceWrite.Elapsed <= batchTime))
            {
                return;
            }
            batch = TakePending();
        }
        Write(batch);
    }

    /// <summary>Writes what is left, after the last <see cref="Add"/>.</summary>
    public void Flush()
    {
        List<FileRow> batch;
        lock (_gate)
        {
            while (_writing)
            {
                Monitor.Wait(_gate);
            }
            batch = TakePending();
        }
        Write(batch);
    }

    private List<FileRow> TakePending()
    {
        var batch = _pending;
        _pending = new List<FileRow>(batchRows);
        _writing = true;
        return batch;
    }

    private void Write(List<FileRow> batch)
    {
        try
        {
            index.Batch(batch, []);
        }
        finally
        {
            lock (_gate)
            {
                _writing = false;
                _sinceWrite.Restart();
                Monitor.PulseAll(_gate);
            }
        }
    }
}
