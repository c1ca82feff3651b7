using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpParty.Core.Up2k;

/// <summary>One line of the journal: a job as it was created (or as it stands, after compaction), a confirmed chunk,
/// a finished job, or a forgotten one.</summary>
internal sealed class JournalRecord
{
    /// <summary>"new", "got", "done", "drop".</summary>
    [JsonPropertyName("op")]
    public string Op { get; set; } = "";

    [JsonPropertyName("w")]
    public string? Wark { get; set; }

    [JsonPropertyName("h")]
    public string? Hash { get; set; }

    [JsonPropertyName("job")]
    public JobRecord? Job { get; set; }
}

/// <summary>The persisted form of an <see cref="UploadJob"/>.</summary>
internal sealed class JobRecord
{
    public string Wark { get; set; } = "";
    public string DataWark { get; set; } = "";
    public string Folder { get; set; } = "";
    public string? ClientFolder { get; set; }
    public string Name { get; set; } = "";
    public string ClientName { get; set; } = "";
    public string PartialName { get; set; } = "";
    public long Size { get; set; }
    public long Lmod { get; set; }
    public string[] Hashes { get; set; } = [];
    public string[] Need { get; set; } = [];
    public string User { get; set; } = "";
    public string Ip { get; set; } = "";
    public long Started { get; set; }
    public long Poked { get; set; }
    public long Life { get; set; }
    public bool Done { get; set; }

    public static JobRecord From(UploadJob j) => new()
    {
        Wark = j.Wark,
        DataWark = j.DataWark,
        Folder = j.Folder,
        ClientFolder = j.ClientFolder,
        Name = j.Name,
        ClientName = j.ClientName,
        PartialName = j.PartialName,
        Size = j.Size,
        Lmod = j.Lmod,
        // a finished job's chunk list is not needed again (dedup goes by wark), so it is not kept
        Hashes = j.Done ? [] : j.Hashes,
        Need = [.. j.Need],
        User = j.User,
        Ip = j.Ip,
        Started = j.Started,
        Poked = j.Poked,
        Life = j.Life,
        Done = j.Done,
    };

    public UploadJob ToJob() => new()
    {
        Wark = Wark,
        DataWark = DataWark,
        Folder = Folder,
        ClientFolder = ClientFolder,
        Name = Name,
        ClientName = ClientName,
        PartialName = PartialName,
        Size = Size,
        Lmod = Lmod,
        Hashes = Hashes,
        Need = [.. Need],
        User = User,
        Ip = Ip,
        Started = Started,
        Poked = Poked,
        Life = Life,
        Done = Done,
    };
}

[JsonSerializable(typeof(JournalRecord))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class JournalJsonContext : JsonSerializerContext;

/// <summary>
/// The up2k registry on disk: an append-only file of JSON lines, one per change, each written with one write(2) before
/// the change is acknowledged to the client. A killed process (kill -9) therefore loses nothing it confirmed — the
/// kernel holds the bytes — unlike copyparty's snapshot every 300 s (spec §2.11, §8.1). On open the file is replayed
/// and rewritten compactly; a torn last line (power loss) is skipped.
/// </summary>
internal sealed class RegistryJournal : IDisposable
{
    private readonly string _path;
    private FileStream? _out;
    private long _records;

    public RegistryJournal(string path)
    {
        _path = path;
    }

    /// <summary>Records written since the last compaction: the registry compacts when this outgrows the live jobs.</summary>
    public long Records => _records;

    /// <summary>Replays the file into a wark → job map (unfinished and finished jobs).</summary>
    public Dictionary<string, UploadJob> Load()
    {
        var jobs = new Dictionary<string, UploadJob>(StringComparer.Ordinal);
        if (!File.Exists(_path))
        {
            return jobs;
        }
        using var reader = new StreamReader(_path, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            JournalRecord? r;
            try
            {
                r = JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalRecord);
            }
            catch (JsonException)
            {
                continue; // a torn line: everything it would have said is re-sent by the client
            }
            Apply(jobs, r);
        }
        return jobs;
    }

    private static void Apply(Dictionary<string, UploadJob> jobs, JournalRecord? r)
    {
        switch (r?.Op)
        {
            case "new" when r.Job is { } j:
                jobs[j.Wark] = j.ToJob();
                break;
            case "got" when r.Wark is not null && r.Hash is not null && jobs.TryGetValue(r.Wark, out var job):
                job.Need.Remove(r.Hash);
                break;
            case "done" when r.Wark is not null && jobs.TryGetValue(r.Wark, out var job):
                job.Done = true;
                job.Need.Clear();
                break;
            case "drop" when r.Wark is not null:
                jobs.Remove(r.Wark);
                break;
        }
    }

    /// <summary>Rewrites the file with one line per live job (temp file + rename, so a crash keeps the old one).</summary>
    public void Compact(IEnumerable<UploadJob> jobs)
    {
        _out?.Dispose();
        _out = null;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var tmp = _path + ".tmp";
        long n = 0;
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (var j in jobs)
            {
                WriteLine(f, new JournalRecord { Op = "new", Job = JobRecord.From(j) });
                n++;
            }
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, _path, overwrite: true);
        _records = n;
    }

    public void Append(JournalRecord r)
    {
        // unbuffered: each record is one write(2), in the kernel before the caller answers the client
        _out ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        WriteLine(_out, r);
        _records++;
    }

    private static void WriteLine(Stream s, JournalRecord r)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(r, JournalJsonContext.Default.JournalRecord);
        var line = new byte[bytes.Length + 1];
        bytes.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        s.Write(line);
    }

    public void Dispose()
    {
        _out?.Dispose();
        _out = null;
    }
}
