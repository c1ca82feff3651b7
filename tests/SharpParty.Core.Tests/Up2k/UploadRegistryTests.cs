using SharpParty.Core.Up2k;
using Xunit;

namespace SharpParty.Core.Tests.Up2k;

/// <summary>The registry's bookkeeping: path lookups, the cap on remembered finished uploads, replacement by wark, and
/// that all of it survives a reopen from the journal (a real file in a temp folder).</summary>
public sealed class UploadRegistryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-reg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static UploadJob Job(string wark, string folder, string name, long started, bool done = false) => new()
    {
        Wark = wark,
        DataWark = wark,
        Folder = folder,
        Name = name,
        ClientName = name,
        Size = 1,
        Lmod = 1,
        Hashes = ["h" + wark],
        User = "*",
        Ip = "127.0.0.1",
        Started = started,
        Need = done ? [] : ["h" + wark],
        Done = done,
        PartialName = "." + name + ".PARTIAL",
    };

    private UploadRegistry Open() => UploadRegistry.Open(_dir, Path.Combine(_dir, "up2k.journal"), now: 100, dropIdleSeconds: 1 << 30);

    [Fact]
    public void Path_lookups_find_unfinished_and_newest_jobs_and_forget_removed_ones()
    {
        using var reg = Open();
        lock (reg.Gate)
        {
            var a = Job("w1", "d", "a.bin", started: 10);
            var b = Job("w2", "d", "a.bin", started: 20, done: true);
            reg.Add(a);
            reg.Add(b);
            Assert.Same(a, reg.FindUnfinished("d", "a.bin"));
            Assert.Null(reg.FindUnfinished("d", "b.bin"));
            Assert.Null(reg.FindUnfinished("", "a.bin"));
            // an unfinished job wins over a finished one at the same path
            Assert.Same(a, reg.FindByPath("d", "a.bin"));
            reg.MarkDone(a);
            Assert.Null(reg.FindUnfinished("d", "a.bin"));
            Assert.Same(b, reg.FindByPath("d", "a.bin"));
            reg.Forget(b);
            Assert.Same(a, reg.FindByPath("d", "a.bin"));
            reg.Forget(a);
            Assert.Null(reg.FindByPath("d", "a.bin"));
        }
    }

    [Fact]
    public void A_job_with_the_same_wark_replaces_the_old_one_in_path_lookups()
    {
        using var reg = Open();
        lock (reg.Gate)
        {
            reg.Add(Job("w1", "d", "old.bin", started: 10));
            var renamed = Job("w1", "d", "new.bin", started: 11);
            reg.Add(renamed);
            Assert.Null(reg.FindByPath("d", "old.bin"));
            Assert.Same(renamed, reg.FindUnfinished("d", "new.bin"));
        }
    }

    [Fact]
    public void Finished_uploads_beyond_the_cap_are_dropped_oldest_first_and_unfinished_ones_never()
    {
        using var reg = Open();
        lock (reg.Gate)
        {
            reg.Add(Job("live", "", "live.bin", started: 0));
            for (var i = 0; i <= UploadRegistry.FinishedCap; i++)
            {
                reg.Add(Job("w" + i, "", "f" + i, started: 1 + i, done: true));
            }
            Assert.Null(reg.Find("w0"));
            Assert.Null(reg.FindByPath("", "f0"));
            Assert.NotNull(reg.Find("w" + UploadRegistry.FinishedCap));
            Assert.NotNull(reg.FindUnfinished("", "live.bin"));
            var done = reg.All().Count(j => j.Done);
            Assert.InRange(done, UploadRegistry.FinishedCap * 9 / 10 - 1, UploadRegistry.FinishedCap);
        }
    }

    [Fact]
    public void Lookups_work_after_a_reopen_from_the_journal()
    {
        File.WriteAllBytes(Path.Combine(_dir, "x.bin"), [1]);
        File.WriteAllBytes(Path.Combine(_dir, ".x.bin.PARTIAL"), [0]);
        using (var reg = Open())
        {
            lock (reg.Gate)
            {
                reg.Add(Job("w1", "", "x.bin", started: 50));
                reg.Add(Job("w2", "", "y.bin", started: 60, done: true));
            }
        }
        using var again = Open();
        lock (again.Gate)
        {
            Assert.Equal("w1", again.FindUnfinished("", "x.bin")?.Wark);
            Assert.Equal("w2", again.FindByPath("", "y.bin")?.Wark);
        }
    }
}
