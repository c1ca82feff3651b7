using System.Text.Json;

namespace SharpParty.Client.Up2k;

/// <summary>
/// --dr: after a successful upload, delete what the server has in each uploaded folder but the local folder does not
/// (u2c's second pass). Only folders named or walked on the command line are pruned, never the destination's
/// neighbours of a single uploaded file.
/// </summary>
internal sealed class RemotePruner(Up2kHttp http, UpOptions options, Reporter reporter)
{
    public async Task<bool> RunAsync(IReadOnlyList<LocalEntry> entries, CancellationToken ct)
    {
        var ok = true;
        var vtop = Uri.UnescapeDataString(options.FolderPath).TrimStart('/');
        foreach (var dir in entries.Where(e => e.IsDir))
        {
            var local = entries.Where(e => e != dir && ParentRel(e.Rel) == dir.Rel && e.Rel.Length > 0).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            var remote = await RemoteListing.GetAsync(http, UrlPath.Folder(options.FolderPath, dir.Rel), ct);
            if (remote is null)
            {
                continue;
            }
            var doomed = remote.Keys.Where(n => !local.Contains(n) && n != ".hist")
                .Select(n => vtop + (dir.Rel.Length == 0 ? "" : dir.Rel + "/") + n).ToList();
            while (doomed.Count > 0)
            {
                var take = doomed.Count;
                while (true)
                {
                    var batch = doomed.Take(take).ToList();
                    reporter.Note($"DELETING ~/{dir.Rel}#{batch.Count}");
                    var r = await http.PostJsonAsync(options.FolderPath + "?delete", JsonSerializer.SerializeToUtf8Bytes(batch, PrunerJson.Default.ListString), ct);
                    if (r.Status == 413 && take > 1)
                    {
                        take /= 2; // "json 2big": the server caps request bodies
                        continue;
                    }
                    if (!r.Ok)
                    {
                        reporter.Error("delete request failed: " + Up2kHttp.ErrorText(r));
                        return false;
                    }
                    break;
                }
                doomed.RemoveRange(0, take);
            }
        }
        return ok;
    }

    private static string ParentRel(string rel) => rel.LastIndexOf('/') is var i and >= 0 ? rel[..i] : "";
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class PrunerJson : System.Text.Json.Serialization.JsonSerializerContext;
