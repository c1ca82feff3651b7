namespace SharpParty.Core.Config;

internal enum OptKind
{
    /// <summary>A switch: present or not.</summary>
    Flag,
    /// <summary>Takes one value; the last one given wins.</summary>
    Value,
    /// <summary>Takes a value and may be repeated (<c>-v</c>, <c>-a</c>, <c>-c</c>).</summary>
    List,
}

/// <summary>One option SharpParty implements. <see cref="Key"/> is its name without dashes, as written in <c>[global]</c>.</summary>
internal sealed record OptionDef(string Key, OptKind Kind, string? Default, string Metavar, string Help)
{
    /// <summary>The command-line spelling: one dash for copyparty's short options (<c>-v</c>, <c>-e2dsa</c>, <c>-lo</c>), two otherwise.</summary>
    public string Spelling => Key.Length <= 2 || Key is "lo" or "ed" or "nc" or "mte" or "mth" or "mtm" or "mtp" || Key.StartsWith("e2", StringComparison.Ordinal) ? "-" + Key : "--" + Key;
}

/// <summary>
/// Every option SharpParty understands, with its default and where that default comes from. Options that copyparty
/// has and we do not (yet) are in <see cref="CopypartyFlags"/>: accepted with one warning each.
/// </summary>
internal static class OptionCatalog
{
    public static readonly OptionDef[] All =
    [
        new("c", OptKind.List, null, "PATH", "add config file (repeatable; a folder adds every *.conf in it)"),
        new("i", OptKind.Value, "::", "IP", "addresses to listen on, comma-separated (IPv4 and IPv6; :: is all)"),
        new("p", OptKind.Value, "3923", "PORT", "ports to listen on, comma-separated or ranges (as copyparty)"),
        new("a", OptKind.List, null, "USER:PASS", "add account"),
        new("v", OptKind.List, null, "SRC:DST:PERMS", "add volume, SRC:DST:PERMS[,users]:...:c,flag[=val]; none = current folder, rw for everyone"),
        new("grp", OptKind.List, null, "G:U,U", "add group, NAME:USER1,USER2"),
        new("ed", OptKind.Flag, null, "", "allow ?dots: users with read may see dotfiles (volflag=dots)"),
        new("q", OptKind.Flag, null, "", "quiet: no request log"),
        new("lo", OptKind.Value, null, "PATH", "also write the log to this file (strftime patterns are expanded)"),
        new("hist", OptKind.Value, null, "PATH", "where volume state lives (default: VOL/.hist)"),
        new("http-only", OptKind.Flag, null, "", "plain HTTP only on the listening ports (no certificate is loaded)"),
        new("https-only", OptKind.Flag, null, "", "HTTPS only on the listening ports (plain HTTP gets a 400 saying so)"),
        new("cert", OptKind.Value, null, "PATH", "TLS certificate: a PEM file with the private key and the certificate (default: $XDG_CONFIG_HOME/sharpparty/cert.pem, self-signed, created on first start)"),
        new("ssl-ver", OptKind.Value, null, "LIST", "TLS versions to offer, comma-separated: tls12, tls13 (default: both)"),
        new("crt-sdays", OptKind.Value, "365", "D", "lifetime in days of a created certificate (as copyparty)"),
        new("crt-alg", OptKind.Value, "ecdsa-256", "S-N", "key of a created certificate: ecdsa-256, rsa-2048 or rsa-4096 (as copyparty)"),
        new("vague-403", OptKind.Flag, null, "", "answer 404 instead of 403 so that existence is not revealed"),
        new("no-dot-mv", OptKind.Flag, null, "", "refuse moving dotfiles and folders that hold dotfiles"),
        new("no-dot-ren", OptKind.Flag, null, "", "refuse renaming a file or folder into a dotfile"),
        new("no-up-list", OptKind.Flag, null, "", "do not list incoming files in the control panel (/?h)"),
        new("ban-pw", OptKind.Value, "9,60,1440", "N,W,B", "ban an IP for B minutes after more than N bad passwords within W minutes; 'no' disables (as copyparty)"),
        new("unpost", OptKind.Value, "43200", "SEC", "uploaders may delete their uploads for this long (as copyparty)"),
        new("ah-alg", OptKind.Value, "none", "ALG", "password hashing: none or argon2 (argon2id)"),
        new("ah-salt", OptKind.Value, null, "SALT", "static salt for password hashes (default: random, persisted)"),
        new("ah-gen", OptKind.Value, null, "PW", "print the hash of PW for the config file and exit"),
        new("logout", OptKind.Value, "8086", "HOURS", "session lifetime (as copyparty)"),
        new("ses-db", OptKind.Value, null, "PATH", "login sessions database (default: $XDG_CONFIG_HOME/sharpparty/sessions.db)"),
        new("warksalt", OptKind.Value, "hunter2", "SALT", "up2k file-identifier salt; clients must use the same (as copyparty)"),
        new("dedup", OptKind.Flag, null, "", "a duplicate upload becomes a symlink to the existing file (volflag=dedup)"),
        new("hardlink", OptKind.Flag, null, "", "a duplicate upload becomes a hard link, or a symlink where that fails (volflag=hardlink)"),
        new("hardlink-only", OptKind.Flag, null, "", "a duplicate upload becomes a hard link, or a copy where that fails (volflag=hardlinkonly)"),
        new("reflink", OptKind.Flag, null, "", "a duplicate upload becomes a copy-on-write clone where the filesystem can (btrfs, xfs), else a copy (volflag=reflink; new in SharpParty)"),
        new("no-clone", OptKind.Flag, null, "", "never reuse data already on the server: clients upload every byte (volflag=noclone)"),
        new("no-dupe", OptKind.Flag, null, "", "reject duplicate uploads with 409 (volflag=nodupe)"),
        new("safe-dedup", OptKind.Value, "50", "N", "1 = trust size+mtime of an existing copy; 10+ = re-hash it before deduplicating against it (volflag=safededup; as copyparty)"),
        new("u2abort", OptKind.Value, "1", "NUM", "who may abort an unfinished upload in the unpost list: 0 nobody, 1 same IP and account, 2 same IP, 3 same account (volflag=u2abort; as copyparty)"),
        new("dotpart", OptKind.Flag, null, "", "unfinished uploads are hidden dotfiles (.NAME.PARTIAL)"),
        new("u2-fsync", OptKind.Flag, null, "", "fdatasync every up2k chunk before confirming it (survives power loss; slower; ours)"),
        new("e2d", OptKind.Flag, null, "", "keep an index of each volume (uploads are recorded; search; dedup survives everything) (volflag=e2d)"),
        new("e2ds", OptKind.Flag, null, "", "-e2d, and scan writable volumes at startup (volflag=e2ds)"),
        new("e2dsa", OptKind.Flag, null, "", "-e2d, and scan all volumes at startup (volflag=e2dsa)"),
        new("e2v", OptKind.Flag, null, "", "scans re-hash every file and report the ones whose content changed without their size or mtime (volflag=e2v)"),
        new("e2vu", OptKind.Flag, null, "", "-e2v, and fix the index (volflag=e2vu)"),
        new("e2vp", OptKind.Flag, null, "", "-e2v, and stop the scan at the first mismatch (volflag=e2vp)"),
        new("e2t", OptKind.Flag, null, "", "read media tags of uploads (built-in readers for MP3/FLAC/Ogg/Opus/MP4, ffprobe for the rest) (volflag=e2t)"),
        new("e2ts", OptKind.Flag, null, "", "-e2t, and read tags of files found by scans (volflag=e2ts)"),
        new("e2tsr", OptKind.Flag, null, "", "-e2ts, and read every file's tags again at startup"),
        new("mte", OptKind.Value, null, "TAGS", "tags to index and show, comma-separated (default: copyparty's list; +x/-x to add/remove)"),
        new("mth", OptKind.Value, null, "TAGS", "tags hidden by default in the browser (default: copyparty's list)"),
        new("mtm", OptKind.List, null, "NEW=A,B", "map tag names: NEW takes the value of A, else B"),
        new("mtp", OptKind.List, null, "KEY=[FLAGS,]PROG", "external tag parser program (copyparty's syntax and flags)"),
        new("mtag-to", OptKind.Value, "60", "SEC", "ffprobe / -mtp timeout per file (as copyparty)"),
        new("no-mtag-ff", OptKind.Flag, null, "", "never run ffprobe (built-in readers only)"),
        new("hash-mt", OptKind.Value, "0", "N", "files hashed at once by a scan; 0 = the core count (as copyparty)"),
        new("re-maxage", OptKind.Value, "0", "SEC", "rescan volumes this often; 0 = only at startup (volflag=scan)"),
        new("no-hash", OptKind.Value, null, "RE", "index files whose path matches RE without hashing them (volflag=nohash)"),
        new("no-idx", OptKind.Value, null, "RE", "do not index files whose path matches RE (volflag=noidx)"),
        new("srch-hits", OptKind.Value, "7999", "N", "most hits a search returns (as copyparty)"),
        new("srch-time", OptKind.Value, "45", "SEC", "a search is stopped after this long (as copyparty)"),
        new("no-thumb", OptKind.Flag, null, "", "no thumbnails: icons instead (volflag=dthumb)"),
        new("no-vthumb", OptKind.Flag, null, "", "no video thumbnails (volflag=dvthumb)"),
        new("no-athumb", OptKind.Flag, null, "", "no audio spectrograms (volflag=dathumb)"),
        new("th-size", OptKind.Value, "320x256", "WxH", "thumbnail size (volflag=thsize; as copyparty)"),
        new("th-mt", OptKind.Value, null, "N", "thumbnails made at once; default the core count (as copyparty)"),
        new("th-convt", OptKind.Value, "60", "SEC", "a conversion is stopped (ffmpeg killed) after this long (volflag=convt; as copyparty)"),
        new("th-ram-max", OptKind.Value, "6", "GiB", "an image whose pixels would need more memory than this is not decoded (as copyparty)"),
        new("th-crop", OptKind.Value, "y", "TXT", "crop thumbnails to the box: y, n, fy (force y), fn (force n) (volflag=crop)"),
        new("th-x3", OptKind.Value, "n", "TXT", "thumbnails at 3x size: y, n, fy, fn (volflag=th3x)"),
        new("th-clean", OptKind.Value, "43200", "SEC", "sweep the thumbnail cache this often; 0 = never (as copyparty)"),
        new("th-maxage", OptKind.Value, "604800", "SEC", "remove cached thumbnails unused for this long (as copyparty)"),
        new("th-maxsize", OptKind.Value, "2048", "MiB", "trim each volume's thumbnail cache to this size, least recently used first; 0 = no cap (new in SharpParty)"),
        new("th-covers", OptKind.Value, "folder.png,folder.jpg,cover.png,cover.jpg", "N,N", "files that give a folder its thumbnail (as copyparty)"),
        new("no-acode", OptKind.Flag, null, "", "no audio transcoding (?th=opus, mp3, caf)"),
        new("q-opus", OptKind.Value, "128", "KBPS", "opus bitrate for transcoding; 0 disables opus and caf (as copyparty)"),
        new("q-mp3", OptKind.Value, "q2", "QUALITY", "mp3 quality for transcoding: q0..q9 (VBR) or e.g. 192k (CBR); 0 disables (as copyparty)"),
        new("ac-maxage", OptKind.Value, "86400", "SEC", "remove transcoded audio unused for this long (as copyparty)"),
        new("no-readme", OptKind.Flag, null, "", "do not show README.md below folder listings"),
        new("no-logues", OptKind.Flag, null, "", "do not show .prologue.html / .epilogue.html around folder listings"),
        new("no-mv", OptKind.Flag, null, "", "disable move/rename"),
        new("no-dav", OptKind.Flag, null, "", "disable WebDAV (PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK)"),
        new("dav-inf", OptKind.Flag, null, "", "allow PROPFIND with Depth: infinity (streamed, bounded)"),
        new("dav-mac", OptKind.Flag, null, "", "do not hide or refuse macOS junk files (._* and .DS_Store) over WebDAV"),
        new("dav-auth", OptKind.Flag, null, "", "PROPFIND always asks anonymous clients to log in (volflag davauth; davfs2 needs it when only some folders are public)"),
        new("blank-wt", OptKind.Value, "300", "SEC", "any client with write access may overwrite an empty file modified less than SEC seconds ago (as copyparty)"),
        new("no-zip", OptKind.Flag, null, "", "disable ?zip and ?tar folder downloads"),
        new("no-del", OptKind.Flag, null, "", "disable delete"),
        new("unsafe-symlinks", OptKind.Flag, null, "", "let symlinks lead outside the volumes (copyparty's default; ours is to refuse)"),
        new("xvol", OptKind.Flag, null, "", "symlinks may only lead inside their own volume, not into another one (volflag=xvol)"),
        new("xdev", OptKind.Flag, null, "", "stay within the filesystem of each volume root: nothing on another device (a bind-mount, a symlink to another disk) is served or indexed (volflag=xdev)"),
        new("ftp", OptKind.Value, null, "PORT", "enable the FTP server on PORT, for example 3921"),
        new("ftps", OptKind.Value, null, "PORT", "enable the explicit FTPS server (AUTH TLS, then PROT P) on PORT, for example 3990"),
        new("ftp-pr", OptKind.Value, null, "A-B", "ports for passive FTP connections, for example 12000-13000 (split in two when both --ftp and --ftps run)"),
        new("ftp-nat", OptKind.Value, null, "ADDR", "the address given in passive-mode replies (behind NAT)"),
        new("ftp-wt", OptKind.Value, "7", "SEC", "any client with write access may overwrite a file modified less than SEC seconds ago (as copyparty)"),
        new("ftp-no-ow", OptKind.Flag, null, "", "FTP uploads never overwrite an existing file (as copyparty)"),
        new("ftp-no-active", OptKind.Flag, null, "", "refuse active-mode FTP (PORT/EPRT); passive only"),
        new("ftp-idle", OptKind.Value, "300", "SEC", "close FTP control and data connections idle this long (as pyftpdlib)"),
        new("ftp-ip-max", OptKind.Value, "32", "N", "most FTP connections from one address at once; 0 = no limit"),
        new("ftpv", OptKind.Flag, null, "", "FTP: log every command and reply (passwords masked; as copyparty)"),
        new("ftp4", OptKind.Flag, null, "", "FTP on IPv4 only (as copyparty)"),
        new("ftp-ipa", OptKind.Value, null, "CIDR", "FTP: only accept clients inside CIDR, e.g. lan or 10.89.0.0/16, 192.168.33.0/24 (as copyparty)"),
        new("tftp", OptKind.Value, "0", "PORT", "serve TFTP on this UDP port (0 = off; copyparty suggests 3969, or 69 as root)"),
        new("tftp-pr", OptKind.Value, null, "A-B", "UDP ports for TFTP transfers, e.g. 12000-13000 (default: any free port)"),
        new("tftp4", OptKind.Flag, null, "", "TFTP on IPv4 only"),
        new("tftp-nols", OptKind.Flag, null, "", "TFTP: requesting a folder is an error instead of its listing"),
        new("tftp-lsf", OptKind.Value, null, "PTN", "TFTP: a missing file whose name matches PTN gets the folder listing (default: .ls, dir, ls.txt… as copyparty)"),
        new("tftp-ipa", OptKind.Value, null, "CIDR", "TFTP: only answer clients inside CIDR, e.g. lan or 10.89.0.0/16 (as copyparty)"),
        new("tftp-max", OptKind.Value, "64", "N", "TFTP transfers at once; more get an error 'server busy' (ours)"),
        new("tftp-to", OptKind.Value, "1", "SEC", "TFTP: resend an unanswered packet after SEC seconds unless the client asks for its own timeout (RFC 2349; as tftpd-hpa)"),
        new("tftp-retries", OptKind.Value, "6", "N", "TFTP: give a transfer up after sending the same packet N times (ours)"),
        new("relay", OptKind.Flag, null, "", "WebSocket relay at /.cpr/relay: pairs a sender and a receiver by code (p2p-copy compatible; see sharpparty send/receive)"),
        new("relay-root", OptKind.Flag, null, "", "--relay, and accept relay WebSockets at any path (p2p-copy clients given ws://host:port)"),
        new("relay-users", OptKind.Value, "*", "USERS", "who may use the relay: * anyone, @acct any account, or account names, comma-separated (password via ?pw= or basic auth)"),
        new("relay-wait", OptKind.Value, "600", "SEC", "close a relay peer still waiting for its partner after SEC seconds (p2p-copy: never)"),
        new("relay-ip-max", OptKind.Value, "16", "N", "waiting relay sockets per client IP"),
        new("relay-pairs", OptKind.Value, "64", "N", "concurrent relay pairs"),
        new("relay-rate", OptKind.Value, "0", "MIB", "relay byte rate per pair in MiB/s, both directions together; 0 = unlimited"),
        new("relay-box", OptKind.Value, null, "SEC", "relay mailbox at /.cpr/relay/FOLDER: a peer there with no partner after SEC seconds is served by the server (a sender's files are stored into FOLDER, needs w; a receiver gets FOLDER's files or the encrypted upload stored for its code, needs r)"),
        new("relay-msg", OptKind.Value, "2112", "KIB", "largest relayed WebSocket message in KiB (p2p-copy's clients: 2048)"),
        new("name", OptKind.Value, null, "TXT", "server name shown in the browser (default: host name)"),
        new("exit", OptKind.Value, null, "WHEN", "'cfg': exit after parsing the config (for CI)"),
        new("version", OptKind.Flag, null, "", "print the version and exit"),
        new("h", OptKind.Flag, null, "", "show this help and exit"),
    ];

    private static readonly Dictionary<string, OptionDef> ByKey = All.ToDictionary(o => o.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, bool> CopypartyByKey = BuildCopyparty();

    private static readonly Dictionary<string, string> CopypartySpellings = CopypartyFlags.All
        .GroupBy(f => Canon(f.Name)).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

    /// <summary>copyparty's own spelling of an option: "-e2dsa", "--no-robots".</summary>
    public static string CopypartySpelling(string canon) => CopypartySpellings.GetValueOrDefault(canon) ?? "--" + canon;

    private static Dictionary<string, bool> BuildCopyparty()
    {
        var d = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (name, takes) in CopypartyFlags.All)
        {
            d[Canon(name)] = takes;
        }
        return d;
    }

    /// <summary>"--ban_pw", "ban-pw", "-v" → "ban-pw", "v". "help" → "h".</summary>
    public static string Canon(string name)
    {
        var k = name.TrimStart('-').Replace('_', '-');
        return k == "help" ? "h" : k;
    }

    public static OptionDef? Find(string name) => ByKey.GetValueOrDefault(Canon(name));

    /// <summary>Whether copyparty knows this option, and if so whether it takes a value.</summary>
    public static bool IsCopypartyOption(string name, out bool takesValue) => CopypartyByKey.TryGetValue(Canon(name), out takesValue);
}
