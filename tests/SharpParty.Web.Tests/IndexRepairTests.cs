using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SharpParty.Web.Search;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>An index file damaged while the server was stopped: the integrity check after the startup scan finds it, the
/// file is moved aside, and the volume is scanned into a new one.</summary>
public sealed class IndexRepairTests
{
    private static readonly string[] Args = ["-e2dsa", "-v", "pub::rw"];

    [Fact]
    public async Task A_damaged_index_is_found_after_startup_moved_aside_and_filled_again()
    {
        var root = Path.Combine(Path.GetTempPath(), "sp-repair-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            string db;
            await using (var s = await TestServer.StartAsync(Args, r =>
            {
                // 3,000 rows spread the index over ~150 pages
                for (var i = 0; i < 3000; i++)
                {
                    var p = Path.Combine(r, "pub", "d" + (i % 30), $"file-{i:D5}.txt");
                    Directory.CreateDirectory(Path.GetDirectoryName(p)!);
                    File.WriteAllText(p, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }, root))
            {
                var scans = s.Services.GetRequiredService<IndexScanService>();
                await scans.StartupScansDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await scans.StartupChecksDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Contains("file-02999.txt", await Search(s, "name like file-02999*"), StringComparison.Ordinal);
                db = Directory.GetFiles(Path.Combine(root, "pub", ".hist"), "sp-index.db", SearchOption.AllDirectories).Single();
            }
            DamagePage(db, 20);

            await using (var s = await TestServer.StartAsync(Args, root: root))
            {
                var scans = s.Services.GetRequiredService<IndexScanService>();
                await scans.StartupChecksDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(db)!, "sp-index.db.corrupt-*"),
                    f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
                // the rescan into the new file runs next: every file is found again (bounded wait)
                var found = "";
                for (var t = 0; t < 200 && !found.Contains("file-02999.txt", StringComparison.Ordinal); t++)
                {
                    await Task.Delay(100);
                    found = await Search(s, "name like file-02999*");
                }
                Assert.Contains("file-02999.txt", found, StringComparison.Ordinal);
                Assert.Contains("file-00000.txt", await Search(s, "name like file-00000*"), StringComparison.Ordinal);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> Search(TestServer s, string q)
    {
        // searches are rate-limited per client as copyparty's; a 429 is waited out
        for (var i = 0; i < 20; i++)
        {
            var (st, body) = await s.Client.SendText(HttpMethod.Post, "/?srch",
                new StringContent("{\"q\": " + System.Text.Json.JsonSerializer.Serialize(q) + "}", Encoding.UTF8, "application/json"));
            if (st != HttpStatusCode.TooManyRequests)
            {
                return body;
            }
            await Task.Delay(400);
        }
        return "";
    }

    /// <summary>Writes 4 KiB of 0xFF over page <paramref name="page"/> (1-based) of a closed index file.</summary>
    private static void DamagePage(string dbPath, int page)
    {
        // everything into the main file first, so the damage is not papered over by pages in the WAL
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection("Data Source=" + dbPath + ";Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "pragma wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        Assert.True(new FileInfo(dbPath).Length > page * 4096L, "the index file is too small to damage that page");
        using var f = new FileStream(dbPath, FileMode.Open, FileAccess.Write);
        f.Position = (page - 1) * 4096L;
        f.Write(Enumerable.Repeat((byte)0xFF, 4096).ToArray());
    }
}
