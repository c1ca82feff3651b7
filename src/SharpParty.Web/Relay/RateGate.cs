namespace SharpParty.Web.Relay;

/// <summary>
/// <c>--relay-rate</c>: a pair's byte budget, both directions together. A virtual clock advances by n/rate per n
/// bytes; a sender ahead of it waits. Up to one second of unused budget may be spent at once (a burst).
/// </summary>
internal sealed class RateGate(long bytesPerSecond, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly long _start = time.GetTimestamp();
    private double _next;

    public bool Unlimited => bytesPerSecond <= 0;

    public Task WaitAsync(int bytes, CancellationToken ct)
    {
        if (Unlimited)
        {
            return Task.CompletedTask;
        }
        double delay;
        lock (_lock)
        {
            var now = time.GetElapsedTime(_start).TotalSeconds;
            _next = Math.Max(_next, now - 1) + (double)bytes / bytesPerSecond;
            delay = _next - now;
        }
        return delay <= 0.001 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(delay), time, ct);
    }
}
