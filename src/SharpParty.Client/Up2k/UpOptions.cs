namespace SharpParty.Client.Up2k;

/// <summary>
/// What <c>sharpparty up</c> was asked to do: u2c.py's flags (same names, same defaults unless a comment says otherwise),
/// parsed once and never changed afterwards.
/// </summary>
internal sealed record UpOptions
{
    /// <summary>The destination folder URL, always ending in "/"; "-" lists warks instead of uploading.</summary>
    public required string Url { get; init; }

    /// <summary>"http://host:port": sent as Origin (passes the server's CSRF check) and the base of every request.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The URL's path, ending in "/" (u2c's <c>vtop</c>).</summary>
    public required string FolderPath { get; init; }

    public required IReadOnlyList<string> Paths { get; init; }

    public bool ListWarks => Url == "-";

    public string? Password { get; init; }

    /// <summary>-s: file-search by content instead of uploading.</summary>
    public bool Search { get; init; }

    /// <summary>-x: absolute paths matching any of these (from the start, ignoring case, as Python's re.match) are skipped.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>--ok: carry on when some local paths cannot be read.</summary>
    public bool ContinueOnLocalErrors { get; init; }

    /// <summary>--touch: ask the server to take the local mtime when the content is already there (umod).</summary>
    public bool Touch { get; init; }

    /// <summary>--ow: replace an existing file instead of getting a renamed copy.</summary>
    public bool Overwrite { get; init; }

    /// <summary>--dr: after uploading, delete remote files that are not present locally (implies --ow, as u2c).</summary>
    public bool DeleteRemote { get; init; }

    /// <summary>--dl: delete each local file once the server has all of it.</summary>
    public bool DeleteLocal { get; init; }

    /// <summary>-z: skip files whose size and mtime (±2 s, as u2c) match the server's listing.</summary>
    public bool SkipSame { get; init; }

    /// <summary>--wsalt: only for the offline wark listing (URL "-"); the server's salt is its own business.</summary>
    public string WarkSalt { get; init; } = "hunter2";

    /// <summary>--chs: with URL "-", also print every chunk hash.</summary>
    public bool ListChunks { get; init; }

    /// <summary>--jw: with URL "-", print only wark and path.</summary>
    public bool JustWarks { get; init; }

    /// <summary>-j: parallel chunk uploads (u2c's default 2; also the number of handshakes in flight, see Uploader).</summary>
    public int Connections { get; init; } = 2;

    /// <summary>-J: hashing threads. u2c uses min(cores, 3); we use every core because hashing is what a client waits for.</summary>
    public int HashThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>--sz: stitch consecutive chunks into POSTs of about this size (u2c: 64 MiB).</summary>
    public long StitchBytes { get; init; } = 64L << 20;

    /// <summary>--szm: no POST larger than this; bigger chunks go as X-Up2k-Subc pieces (u2c: 96 MiB, Cloudflare's cap).</summary>
    public long MaxPostBytes { get; init; } = 96L << 20;

    /// <summary>--cd: pause before retrying a failed handshake or chunk (u2c: 5 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>-nh: do not hash while uploading (u2c: for slow disks).</summary>
    public bool NoHashWhileUploading { get; init; }

    /// <summary>-ns: no progress line even on a terminal.</summary>
    public bool NoStatus { get; init; }

    /// <summary>-q: only errors and the summary.</summary>
    public bool Quiet { get; init; }

    /// <summary>-v: say more about local errors and retries.</summary>
    public bool Verbose { get; init; }

    /// <summary>--spd: print hashing and upload speed per file.</summary>
    public bool ShowSpeed { get; init; }

    /// <summary>-td: accept any TLS certificate.</summary>
    public bool NoCertCheck { get; init; }
}
