namespace SharpParty.Client.Up2k;

/// <summary>
/// All output of a run. On a terminal: one status line redrawn in place (4 times a second), with errors and search
/// results printed above it; otherwise one plain line per file finished or failed, for logs and scripts. -q keeps
/// only errors and the summary.
/// </summary>
internal sealed class Reporter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _live;
    private readonly bool _quiet;
    private readonly ProgressCounters _c;
    private readonly Lock _lock = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _speed;
    private long _lastSent;
    private TimeSpan _lastAt;
    private bool _lineShown;

    public Reporter(TextWriter output, TextWriter error, bool terminal, bool quiet, bool noStatus, ProgressCounters counters)
    {
        _out = output;
        _err = error;
        _quiet = quiet;
        _live = terminal && !quiet && !noStatus;
        _c = counters;
        _loop = _live ? RedrawLoopAsync() : Task.CompletedTask;
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>A per-file result line ("uploaded PATH"): shown only without the live line, and not with -q.</summary>
    public void FileLine(string text)
    {
        if (_quiet || _live)
        {
            return;
        }
        lock (_lock)
        {
            _out.WriteLine(text);
        }
    }

    /// <summary>Output that is the point of the run (search results): always shown, above the live line.</summary>
    public void Result(string text) => Above(_out, text);

    public void Error(string text) => Above(_err, text);

    /// <summary>Retries and other remarks; hidden by -q.</summary>
    public void Note(string text)
    {
        if (!_quiet)
        {
            Above(_err, text);
        }
    }

    private void Above(TextWriter w, string text)
    {
        lock (_lock)
        {
            if (_lineShown)
            {
                _out.Write("\r\u001b[K");
                _out.Flush();
                _lineShown = false;
            }
            w.WriteLine(text);
            w.Flush();
        }
    }

    private async Task RedrawLoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Redraw();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Redraw()
    {
        var snap = _c.Snapshot(_clock.Elapsed);
        var dt = (snap.Elapsed - _lastAt).TotalSeconds;
        if (dt > 0)
        {
            var now = (snap.SentBytes - _lastSent) / dt;
            // smoothed, as u2c (0.9 old + 0.1 new would lag for seconds at 4 Hz; 0.7/0.3 settles in about one)
            _speed = _speed == 0 ? now : (_speed * 0.7) + (now * 0.3);
            _lastSent = snap.SentBytes;
            _lastAt = snap.Elapsed;
        }
        var text = ProgressLine.Format(snap, _speed);
        lock (_lock)
        {
            _out.Write("\r" + text + "\u001b[K");
            _out.Flush();
            _lineShown = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_live)
        {
            Redraw();
            lock (_lock)
            {
                _out.WriteLine();
                _lineShown = false;
            }
        }
        _stop.Dispose();
    }
}
