using SharpParty.Media.Thumbs;

namespace SharpParty.Media.Tests.Thumbs;

public sealed class ThumbCacheTests : IDisposable
{
    private readonly string _hist = Directory.CreateTempSubdirectory("sp-hist-").FullName;

    [Fact]
    public void KeyFollowsTheSourceIdentityAndTheOptions()
    {
        var t = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var w = ThumbFormat.Parse("w");
        var a = ThumbCache.PathFor(_hist, "/v/a.jpg", 100, t, w, 320, 256);
        Assert.Equal(a, ThumbCache.PathFor(_hist, "/v/a.jpg", 100, t, w, 320, 256));
        Assert.NotEqual(a, ThumbCache.PathFor(_hist, "/v/a.jpg", 101, t, w, 320, 256));
        Assert.NotEqual(a, ThumbCache.PathFor(_hist, "/v/a.jpg", 100, t.AddSeconds(1), w, 320, 256));
        Assert.NotEqual(a, ThumbCache.PathFor(_hist, "/v/b.jpg", 100, t, w, 320, 256));
        Assert.NotEqual(a, ThumbCache.PathFor(_hist, "/v/a.jpg", 100, t, ThumbFormat.Parse("wf"), 320, 256));
        Assert.NotEqual(a, ThumbCache.PathFor(_hist, "/v/a.jpg", 100, t, w, 200, 200));
        Assert.StartsWith(Path.Combine(_hist, "th") + "/", a);
        Assert.EndsWith(".webp", a);
        Assert.StartsWith(Path.Combine(_hist, "ac") + "/", ThumbCache.PathFor(_hist, "/v/a.flac", 100, t, ThumbFormat.Parse("opus"), 320, 256));
    }

    [Fact]
    public void CommitIsAtomicAndAnEmptyResultBecomesAFailureMarker()
    {
        var p = ThumbCache.PathFor(_hist, "/x.jpg", 1, DateTime.UnixEpoch, ThumbFormat.Parse("j"), 320, 256);
        var now = DateTime.UtcNow;
        Assert.Equal(CacheState.Miss, ThumbCache.Lookup(p, now, out _));
        var temp = ThumbCache.TempFor(p);
        Assert.StartsWith(".", Path.GetFileName(temp));
        File.WriteAllBytes(temp, [1, 2, 3]);
        Assert.Equal(CacheState.Miss, ThumbCache.Lookup(p, now, out _)); // a temp file is never served
        ThumbCache.Commit(temp, p);
        Assert.Equal(CacheState.Hit, ThumbCache.Lookup(p, now, out var info));
        Assert.Equal(3, info!.Length);
        Assert.False(File.Exists(temp));

        var q = ThumbCache.PathFor(_hist, "/y.jpg", 1, DateTime.UnixEpoch, ThumbFormat.Parse("j"), 320, 256);
        var t2 = ThumbCache.TempFor(q);
        File.WriteAllBytes(t2, []);
        ThumbCache.Commit(t2, q);
        Assert.Equal(CacheState.Failed, ThumbCache.Lookup(q, now, out _));
    }

    private string Put(string src, int bytes, DateTime used, string fmt = "w")
    {
        var p = ThumbCache.PathFor(_hist, src, bytes, DateTime.UnixEpoch, ThumbFormat.Parse(fmt), 320, 256);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, new byte[bytes]);
        File.SetLastWriteTimeUtc(p, used);
        File.SetLastAccessTimeUtc(p, used);
        return p;
    }

    [Fact]
    public void SweepRemovesByAgeThenTrimsBySizeLeastRecentlyUsedFirst()
    {
        var now = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var old = Put("/old.jpg", 1000, now.AddDays(-8));
        var a = Put("/a.jpg", 4000, now.AddHours(-5));
        var b = Put("/b.jpg", 4000, now.AddHours(-3));
        var c = Put("/c.jpg", 4000, now.AddHours(-1));
        var audio = Put("/s.flac", 500, now.AddDays(-2), "opus");
        var deadTemp = Path.Combine(Path.GetDirectoryName(a)!, ".dead.webp");
        File.WriteAllBytes(deadTemp, [1]);
        File.SetLastWriteTimeUtc(deadTemp, now.AddHours(-2));
        File.SetLastAccessTimeUtc(deadTemp, now.AddHours(-2));

        // age only (no cap): the 8-day thumbnail, the 2-day transcode (ac-maxage 1 day) and the dead temp go
        var r = ThumbCache.Sweep(_hist, now, TimeSpan.FromDays(7), TimeSpan.FromDays(1), 0);
        Assert.Equal(3, r.Removed);
        Assert.False(File.Exists(old));
        Assert.False(File.Exists(audio));
        Assert.False(File.Exists(deadTemp));
        Assert.True(File.Exists(a) && File.Exists(b) && File.Exists(c));
        Assert.Equal(12000, r.BytesLeft);

        // a cap of 10,000 bytes trims to at most 9,000: the least recently used (a) goes
        r = ThumbCache.Sweep(_hist, now, TimeSpan.FromDays(7), TimeSpan.FromDays(1), 10_000);
        Assert.False(File.Exists(a));
        Assert.True(File.Exists(b) && File.Exists(c));
        Assert.Equal(8000, r.BytesLeft);
        // a cap of 5,000: b goes too, c (the most recent) stays
        r = ThumbCache.Sweep(_hist, now, TimeSpan.FromDays(7), TimeSpan.FromDays(1), 5000);
        Assert.False(File.Exists(b));
        Assert.True(File.Exists(c));
        Assert.Equal(4000, r.BytesLeft);
    }

    [Fact]
    public void AHitRecordsItsUseSoThatSizeEvictionSparesIt()
    {
        var now = DateTime.UtcNow;
        var a = Put("/a.jpg", 4000, now.AddHours(-5));
        var b = Put("/b.jpg", 4000, now.AddHours(-3));
        Assert.Equal(CacheState.Hit, ThumbCache.Lookup(a, now, out _)); // a is used now
        Assert.Equal(now.AddHours(-5), File.GetLastWriteTimeUtc(a), TimeSpan.FromSeconds(1)); // mtime (the ETag) unchanged
        ThumbCache.Sweep(_hist, now, TimeSpan.FromDays(7), TimeSpan.FromDays(1), 5000);
        Assert.True(File.Exists(a));
        Assert.False(File.Exists(b));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_hist, true);
        }
        catch (IOException)
        {
        }
    }
}
