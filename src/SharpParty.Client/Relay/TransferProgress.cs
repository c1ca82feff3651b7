using System.Diagnostics;

namespace SharpParty.Client.Relay;

/// <summary>
/// One status line on stderr, redrawn at most 4 times a second, only when stderr is a terminal (a log file or a pipe
/// gets nothing but the final summary).
/// </summary>
internal sealed class TransferProgress(TextWriter error, bool terminal, long totalBytes)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private long _done;
    private string _name = "";

    public long Done => _done;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void File(string name)
    {
        _name = name;
        Draw(force: true);
    }

    public void Add(long bytes)
    {
        _done += bytes;
        Draw(force: false);
    }

    public void Finish()
    {
        if (terminal)
        {
            error.Write("\r\u001b[K");
        }
    }

    public string Summary(string verb, int files)
    {
        var secs = Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
        return $"{verb} {files} files, {Size(_done)} in {secs:F2} s ({Size(_done / secs)}/s)";
    }

    private void Draw(bool force)
    {
        if (!terminal)
        {
            return;
        }
        var now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDraw < 250)
        {
            return;
        }
        _lastDraw = now;
        var pct = totalBytes > 0 ? 100.0 * _done / totalBytes : 100;
        var rate = _done / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
        var name = _name.Length > 40 ? "…" + _name[^39..] : _name;
        error.Write($"\r\u001b[K{pct,5:F1}% {Size(_done)} of {Size(totalBytes)}, {Size(rate)}/s  {name}");
        error.Flush();
    }

    public static string Size(double b) => Up2k.ProgressLine.Size(b);
}
