using System.Collections.Concurrent;
using System.Net;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests.Up2k;

/// <summary>
/// The server killed with SIGKILL in the middle of 20 parallel uploads: after a restart every client re-handshakes,
/// no chunk that was confirmed before the kill is asked for again, and all 20 files end byte-identical.
/// copyparty can lose confirmed chunks here (spec §8.1) and only snapshots its registry every 300 s.
/// </summary>
public sealed class Up2kCrashTests
{
    [Fact]
    public async Task Kill_9_during_twenty_uploads_then_restart_resumes_all_of_them()
    {
        var root = Path.Combine(Path.GetTempPath(), "sp-crash-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(root, "srv"));
        try
        {
            var files = Enumerable.Range(0, 20).Select(i => new Up2kFile(Up2kFile.Random((6 << 20) + (i * 1000), 100 + i), $"f{i:D2}.bin")).ToArray();
            var confirmed = new ConcurrentDictionary<string, bool>();
            var total = files.Sum(f => f.Hashes.Length);
            var sent = 0;
            using (var s1 = await ServerProcess.StartAsync(root, "-v", "srv::rw"))
            {
                var answers = new HandshakeAnswer[files.Length];
                for (var i = 0; i < files.Length; i++)
                {
                    answers[i] = await Up2kWire.HandshakeAsync(s1.Client, "/up/", files[i]);
                    Assert.Equal(HttpStatusCode.OK, answers[i].Status);
                }
                using var killAt = new CancellationTokenSource();
                var uploads = files.Select((f, i) => Task.Run(async () =>
                {
                    foreach (var h in answers[i].Need)
                    {
                        if (killAt.IsCancellationRequested)
                        {
                            return;
                        }
                        try
                        {
                            var (st, _) = await Up2kWire.PostChunkAsync(s1.Client, answers[i], f, h);
                            if (st == HttpStatusCode.OK)
                            {
                                confirmed[f.Name + "/" + h] = true;
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            return; // the server died under us
                        }
                        if (Interlocked.Increment(ref sent) == total / 2)
                        {
                            s1.Kill();
                            killAt.Cancel();
                        }
                    }
                })).ToArray();
                await Task.WhenAll(uploads).WaitAsync(TimeSpan.FromSeconds(120));
                s1.Kill();
            }
            Assert.InRange(confirmed.Count, total / 4, total - 1);

            using var s2 = await ServerProcess.StartAsync(root, "-v", "srv::rw");
            var resent = 0;
            foreach (var f in files)
            {
                var hs = await Up2kWire.HandshakeAsync(s2.Client, "/up/", f);
                Assert.Equal(HttpStatusCode.OK, hs.Status);
                foreach (var h in hs.Need)
                {
                    // the promise: a chunk the server confirmed is never asked for again
                    Assert.False(confirmed.ContainsKey(f.Name + "/" + h), $"{f.Name}: confirmed chunk {h} was lost");
                    var (st, body) = await Up2kWire.PostChunkAsync(s2.Client, hs, f, h);
                    Assert.True(st == HttpStatusCode.OK, body);
                    resent++;
                }
                Assert.Empty((await Up2kWire.HandshakeAsync(s2.Client, "/up/", f)).Need);
            }
            // chunks in flight at the kill may have been journaled without the client hearing back: fewer, never more
            Assert.InRange(resent, 1, total - confirmed.Count);
            foreach (var f in files)
            {
                Assert.Equal(f.Data, await File.ReadAllBytesAsync(Path.Combine(root, "srv", "up", f.Name)));
                Assert.False(File.Exists(Path.Combine(root, "srv", "up", f.Name + ".PARTIAL")));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
