using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SharpParty.Web.Logging;

/// <summary>
/// A small, fast logger: lines go through a bounded channel to one writer task (stdout and, with <c>-lo</c>, a file),
/// so a request never waits on the terminal. Drops lines rather than block when the terminal cannot keep up.
/// </summary>
internal sealed class LineLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(65536)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private readonly Task _writer;
    private readonly LogLevel _min;

    public LineLoggerProvider(LogLevel min, string? logFile, TextWriter? console = null)
    {
        _min = min;
        _writer = Task.Run(() => WriteLoop(console ?? Console.Out, logFile));
    }

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    private async Task WriteLoop(TextWriter console, string? logFile)
    {
        StreamWriter? file = null;
        if (logFile is not null)
        {
            var path = ExpandStrftime(logFile, DateTime.Now);
            file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = false };
        }
        try
        {
            while (await _lines.Reader.WaitToReadAsync())
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    await console.WriteLineAsync(line);
                    if (file is not null)
                    {
                        await file.WriteLineAsync(line);
                    }
                }
                await console.FlushAsync();
                if (file is not null)
                {
                    await file.FlushAsync();
                }
            }
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }
        }
    }

    /// <summary>copyparty's <c>-lo</c> accepts strftime patterns (<c>cpp-%Y-%m%d.txt</c>).</summary>
    internal static string ExpandStrftime(string pattern, DateTime t) =>
        pattern.Replace("%Y", t.ToString("yyyy"), StringComparison.Ordinal)
            .Replace("%m", t.ToString("MM"), StringComparison.Ordinal)
            .Replace("%d", t.ToString("dd"), StringComparison.Ordinal)
            .Replace("%H", t.ToString("HH"), StringComparison.Ordinal)
            .Replace("%M", t.ToString("mm"), StringComparison.Ordinal)
            .Replace("%S", t.ToString("ss"), StringComparison.Ordinal);

    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
    }

    private sealed class LineLogger(LineLoggerProvider owner, string category) : ILogger
    {
        private readonly string _short = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._min;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var lvl = logLevel switch
            {
                LogLevel.Warning => "WARN ",
                LogLevel.Error => "ERROR",
                LogLevel.Critical => "CRIT ",
                LogLevel.Debug => "debug",
                LogLevel.Trace => "trace",
                _ => "",
            };
            var msg = formatter(state, exception);
            var line = lvl.Length == 0
                ? $"{DateTime.Now:HH:mm:ss.fff} {msg}"
                : $"{DateTime.Now:HH:mm:ss.fff} {lvl} {_short}: {msg}";
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }
            owner._lines.Writer.TryWrite(line);
        }
    }
}
