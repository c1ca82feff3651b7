using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// One control connection: its state (who, where, transfer settings, the data connection being set up) and the one
/// switch that answers every command. File commands and transfers live in <see cref="FtpFileCommands"/> and
/// <see cref="FtpTransfers"/>; this type owns the order of things. Every path goes through the Vfs resolver.
/// </summary>
internal sealed partial class FtpSession
{
    private readonly FtpServices _s;
    private readonly FtpFileCommands _files;
    private readonly FtpTransfers _transfers;
    private string? _pendingUser;

    public FtpSession(FtpServices services, ControlChannel control, IPAddress peer, IPAddress local, bool secure)
    {
        _s = services;
        Control = control;
        Peer = peer;
        Local = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
        Secure = secure;
        _files = new FtpFileCommands(this);
        _transfers = new FtpTransfers(this);
    }

    public FtpServices Services => _s;

    public ControlChannel Control { get; }

    public IPAddress Peer { get; }

    public IPAddress Local { get; }

    /// <summary>The FTPS endpoint: TLS is required on the control connection before login, and on data connections.</summary>
    public bool Secure { get; }

    /// <summary>The config snapshot for the current command (a reload applies from the next one).</summary>
    public ServerOptions Options { get; private set; } = null!;

    /// <summary>The account, <c>*</c> for anonymous; null before login.</summary>
    public string? User { get; private set; }

    /// <summary>The working folder as a virtual path ("" = root).</summary>
    public string Cwd { get; private set; } = "";

    /// <summary>REST: where the next RETR/STOR starts.</summary>
    public long RestOffset { get; set; }

    public string? RenameFrom { get; set; }

    /// <summary>OPTS HASH: the algorithm HASH uses (draft-bryan-ftpext-hash §4; SHA-512 as copyparty's up2k).</summary>
    public string HashAlgorithm { get; private set; } = "SHA-512";

    /// <summary>TYPE A: RETR and STOR convert line ends (LF here, CRLF on the wire). A is RFC 959's default (§3.1.1.1)
    /// and pyftpdlib's, so copyparty's: lftp's <c>put -a</c> sends CRLF text without a TYPE command and expects it.
    /// Clients moving files send TYPE I first (curl, lftp, ftplib, FileZilla all do).</summary>
    public bool Ascii { get; private set; } = true;

    public DataChannel? PendingData { get; set; }

    /// <summary>PROT P: data connections use TLS.</summary>
    public bool ProtectData { get; private set; }

    private bool _pbsz;

    /// <summary>The transfer running now (RETR/STOR/LIST…), answered from its own task.</summary>
    public Task? Transfer { get; set; }

    public CancellationTokenSource? TransferCancel { get; set; }

    public async Task RunAsync(CancellationToken closed)
    {
        Options = _s.Config.Current;
        await Control.ReplyAsync(Secure ? "220 SharpParty FTPS server ready; AUTH TLS first." : "220 SharpParty FTP server ready.");
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var line = await ReadWithIdleAsync(closed);
                if (line is null)
                {
                    return;
                }
                if (!await HandleAsync(line.Value))
                {
                    return;
                }
            }
        }
        finally
        {
            await AbortTransferAsync();
            PendingData?.Dispose();
        }
    }

    /// <summary>The next line; null when the client left or stayed silent past --ftp-idle with nothing being transferred.</summary>
    private async Task<FtpLine?> ReadWithIdleAsync(CancellationToken closed)
    {
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(closed);
            idle.CancelAfter(TimeSpan.FromSeconds(_s.Config.Current.Ftp.IdleSeconds));
            var line = await Control.ReadLineAsync(idle.Token);
            if (line is not null || closed.IsCancellationRequested || !idle.IsCancellationRequested)
            {
                return line;
            }
            if (Transfer is { IsCompleted: false })
            {
                continue; // a long transfer keeps the control connection quiet; that is not idleness
            }
            await Control.ReplyAsync("421 Idle timeout; closing the control connection.");
            return null;
        }
    }

    /// <summary>Answers one line; false ends the session.</summary>
    private async Task<bool> HandleAsync(FtpLine line)
    {
        if (line.Error is not null)
        {
            if (_s.Config.Current.Ftp.Verbose)
            {
                LogCommand(_s.Log, Peer, line.Verb, "(refused)");
            }
            await Control.ReplyAsync(line.Error);
            return true;
        }
        var cmd = line.Command;
        var verbose = _s.Config.Current.Ftp.Verbose;
        Control.Trace = verbose ? Control.Trace ?? (reply => LogReply(_s.Log, Peer, reply)) : null;
        if (verbose)
        {
            LogCommand(_s.Log, Peer, line.Verb, cmd == FtpCommand.Pass ? "****" : line.Argument);
        }
        // RFC 959 §4.1.3: ABOR and STAT are answered during a transfer; anything else waits for it to finish
        if (cmd is not (FtpCommand.Abor or FtpCommand.Stat) && Transfer is { } running)
        {
            await running;
        }
        Options = _s.Config.Current;
        if (User is null && !AllowedBeforeLogin(cmd))
        {
            await Control.ReplyAsync(Secure && !Control.IsTls ? "530 Secure the connection with AUTH TLS, then log in." : "530 Please log in with USER and PASS first.");
            return true;
        }
        var arg = line.Argument;
        switch (cmd)
        {
            case FtpCommand.User:
                await UserAsync(arg);
                return true;
            case FtpCommand.Pass:
                return await PassAsync(arg);
            case FtpCommand.Acct:
                await Control.ReplyAsync("202 ACCT is not needed here.");
                return true;
            case FtpCommand.Quit:
                await Control.ReplyAsync("221 Goodbye.");
                return false;
            case FtpCommand.Syst:
                await Control.ReplyAsync("215 UNIX Type: L8");
                return true;
            case FtpCommand.Feat:
                await Control.ReplyAsync(Features());
                return true;
            case FtpCommand.Opts:
                await OptsAsync(arg);
                return true;
            case FtpCommand.Help:
                await Control.ReplyAsync("214 See RFC 959; FEAT lists the extensions.");
                return true;
            case FtpCommand.Stat:
                await Control.ReplyAsync(Transfer is { IsCompleted: false } ? "213 A transfer is in progress." : $"211 Logged in as {User ?? "nobody"}; working folder {FtpPaths.Quote(Cwd)}.");
                return true;
            case FtpCommand.Noop:
                await Control.ReplyAsync("200 NOOP ok.");
                return true;
            case FtpCommand.Auth:
                return await AuthAsync(arg);
            case FtpCommand.Pbsz:
                _pbsz = Control.IsTls;
                await Control.ReplyAsync(Control.IsTls ? "200 PBSZ=0" : "503 PBSZ needs AUTH TLS first.");
                return true;
            case FtpCommand.Prot:
                await ProtAsync(arg);
                return true;
            case FtpCommand.Pwd:
                await Control.ReplyAsync($"257 {FtpPaths.Quote(Cwd)} is the current directory.");
                return true;
            case FtpCommand.Cwd:
                await CwdAsync(arg);
                return true;
            case FtpCommand.Cdup:
                await CwdAsync("..");
                return true;
            case FtpCommand.Type:
                // RFC 959 §3.1.1: A (with the default N format) rewrites line ends on RETR/STOR, I and L 8 are bytes as they are
                var t = arg.ToUpperInvariant();
                if (t is "I" or "A" or "A N" or "L 8")
                {
                    Ascii = t[0] == 'A';
                    await Control.ReplyAsync($"200 Type set to {t[0]}.");
                    return true;
                }
                await Control.ReplyAsync("504 Type not supported.");
                return true;
            case FtpCommand.Mode:
                await Control.ReplyAsync(arg.Equals("S", StringComparison.OrdinalIgnoreCase) ? "200 Mode S ok." : "504 Only MODE S is supported.");
                return true;
            case FtpCommand.Stru:
                await Control.ReplyAsync(arg.Equals("F", StringComparison.OrdinalIgnoreCase) ? "200 Structure F ok." : "504 Only STRU F is supported.");
                return true;
            case FtpCommand.Allo:
                await Control.ReplyAsync("202 No storage allocation necessary.");
                return true;
            case FtpCommand.Rest:
                if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var rest))
                {
                    await Control.ReplyAsync("501 REST needs a byte offset (a whole number >= 0).");
                    return true;
                }
                RestOffset = rest;
                await Control.ReplyAsync($"350 Restarting at {rest}.");
                return true;
            case FtpCommand.Pasv:
                await _transfers.PassiveAsync(extended: false, arg);
                return true;
            case FtpCommand.Epsv:
                await _transfers.PassiveAsync(extended: true, arg);
                return true;
            case FtpCommand.Port:
                await _transfers.ActiveAsync(extended: false, arg);
                return true;
            case FtpCommand.Eprt:
                await _transfers.ActiveAsync(extended: true, arg);
                return true;
            case FtpCommand.List:
                await _transfers.ListAsync(arg, FtpTransfers.ListShape.Ls);
                return true;
            case FtpCommand.Nlst:
                await _transfers.ListAsync(arg, FtpTransfers.ListShape.Names);
                return true;
            case FtpCommand.Mlsd:
                await _transfers.ListAsync(arg, FtpTransfers.ListShape.Facts);
                return true;
            case FtpCommand.Retr:
                await _transfers.RetrAsync(arg);
                return true;
            case FtpCommand.Stor:
                await _transfers.StorAsync(arg, append: false);
                return true;
            case FtpCommand.Appe:
                await _transfers.StorAsync(arg, append: true);
                return true;
            case FtpCommand.Abor:
                await AborAsync();
                return true;
            case FtpCommand.Mlst:
                await _files.MlstAsync(arg);
                return true;
            case FtpCommand.Size:
                await _files.SizeAsync(arg);
                return true;
            case FtpCommand.Mdtm:
                await _files.MdtmAsync(arg);
                return true;
            case FtpCommand.Mfmt:
                await _files.MfmtAsync(arg);
                return true;
            case FtpCommand.Dele:
                await _files.DeleAsync(arg);
                return true;
            case FtpCommand.Rmd:
                await _files.RmdAsync(arg);
                return true;
            case FtpCommand.Mkd:
                await _files.MkdAsync(arg);
                return true;
            case FtpCommand.Rnfr:
                await _files.RnfrAsync(arg);
                return true;
            case FtpCommand.Rnto:
                await _files.RntoAsync(arg);
                return true;
            case FtpCommand.Xsha512:
                await _files.HashAsync(arg, "SHA-512", draftReply: false);
                return true;
            case FtpCommand.Hash:
                await _files.HashAsync(arg, HashAlgorithm, draftReply: true);
                return true;
            default:
                await Control.ReplyAsync("502 Command not implemented.");
                return true;
        }
    }

    private bool AllowedBeforeLogin(FtpCommand c) => c switch
    {
        FtpCommand.User or FtpCommand.Pass => !Secure || Control.IsTls,
        FtpCommand.Quit or FtpCommand.Syst or FtpCommand.Feat or FtpCommand.Opts or FtpCommand.Help or FtpCommand.Noop
            or FtpCommand.Auth or FtpCommand.Pbsz or FtpCommand.Prot or FtpCommand.Stat => true,
        _ => false,
    };

    private string Features()
    {
        var lines = new List<string> { "211-Features:" };
        if (Secure)
        {
            lines.AddRange([" AUTH TLS", " PBSZ", " PROT"]);
        }
        // draft-bryan-ftpext-hash §5: the algorithms, the one in use marked with '*'
        var hash = " HASH " + string.Join(';', FileHashes.Algorithms.Select(a => a == HashAlgorithm ? a + "*" : a));
        lines.AddRange([" EPRT", " EPSV", hash, " MDTM", " MFMT", " MLST type*;size*;modify*;perm*;", " REST STREAM", " SIZE", " TVFS", " UTF8", " XSHA512", "211 End"]);
        return string.Join('\n', lines);
    }

    private Task OptsAsync(string arg)
    {
        var a = arg.ToUpperInvariant();
        if (a is "UTF8 ON" or "UTF8" or "UTF-8 ON")
        {
            return Control.ReplyAsync("200 Always in UTF8 mode.");
        }
        if (a == "HASH")
        {
            return Control.ReplyAsync("200 " + HashAlgorithm);
        }
        if (a.StartsWith("HASH ", StringComparison.Ordinal))
        {
            var want = a[5..].Trim();
            if (!FileHashes.Algorithms.Contains(want))
            {
                return Control.ReplyAsync("501 Unknown algorithm; choose one of " + string.Join(", ", FileHashes.Algorithms) + ".");
            }
            HashAlgorithm = want;
            return Control.ReplyAsync("200 " + want);
        }
        if (a.StartsWith("MLST", StringComparison.Ordinal))
        {
            return Control.ReplyAsync("200 MLST OPTS type;size;modify;perm;");
        }
        return Control.ReplyAsync("501 Option not understood.");
    }

    private async Task UserAsync(string name)
    {
        if (User is not null)
        {
            await Control.ReplyAsync("503 Already logged in; reconnect to log in as someone else.");
            return;
        }
        _pendingUser = name;
        await Control.ReplyAsync(name == "anonymous" ? "331 Anonymous login: send any password." : "331 Password required.");
    }

    /// <summary>
    /// copyparty's rules: the user "anonymous" is <c>*</c> whatever the password; otherwise the password, then the user
    /// name, is looked up as an account password (so any name works). A login that gives no access anywhere fails and
    /// counts towards <c>--ban-pw</c>, the same list HTTP uses.
    /// </summary>
    private async Task<bool> PassAsync(string password)
    {
        if (User is not null)
        {
            await Control.ReplyAsync("230 Already logged in.");
            return true;
        }
        if (_pendingUser is null)
        {
            await Control.ReplyAsync("503 Send USER first.");
            return true;
        }
        var name = _pendingUser;
        _pendingUser = null;
        var user = name == "anonymous" ? Identity.Anonymous
            : _s.Auth.UserByPassword(Options, password) ?? _s.Auth.UserByPassword(Options, name);
        if (user is not null && Options.Vfs.Volumes.Any(v => (v.PermsFor(user) & (Perm.Read | Perm.Write | Perm.Get)) != 0))
        {
            User = user;
            LogLogin(_s.Log, user, Peer);
            await Control.ReplyAsync(user == Identity.Anonymous ? "230 Logged in anonymously." : $"230 Logged in as {user}.");
            return true;
        }
        LogBadLogin(_s.Log, Peer);
        if (Options.BanPw is { } rule && _s.Bans.Strike(Peer, rule))
        {
            await Control.ReplyAsync("421 Too many failed logins; your address is banned.");
            return false;
        }
        await Control.ReplyAsync("530 Login incorrect.");
        return true;
    }

    private async Task<bool> AuthAsync(string arg)
    {
        if (!Secure || _s.Listeners.Tls is not { } tls)
        {
            await Control.ReplyAsync("502 AUTH is offered on the FTPS port only.");
            return true;
        }
        if (Control.IsTls)
        {
            await Control.ReplyAsync("503 Already using TLS.");
            return true;
        }
        if (!arg.Equals("TLS", StringComparison.OrdinalIgnoreCase) && !arg.Equals("SSL", StringComparison.OrdinalIgnoreCase) && !arg.Equals("TLS-C", StringComparison.OrdinalIgnoreCase))
        {
            await Control.ReplyAsync("504 AUTH TLS only.");
            return true;
        }
        await Control.ReplyAsync("234 AUTH TLS ok; start the handshake.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await Control.UpgradeAsync(tls, Options.Tls.Protocols, cts.Token);
    }

    private Task ProtAsync(string arg)
    {
        if (!Control.IsTls || !_pbsz)
        {
            return Control.ReplyAsync("503 PROT needs AUTH TLS and PBSZ first.");
        }
        switch (arg.ToUpperInvariant())
        {
            case "P":
                ProtectData = true;
                return Control.ReplyAsync("200 Data connections will be encrypted.");
            case "C":
                ProtectData = false;
                return Control.ReplyAsync(Secure ? "200 PROT C accepted, but data transfers on this port need PROT P." : "200 Data connections will be plain.");
            default:
                return Control.ReplyAsync("536 Only PROT P and C are supported.");
        }
    }

    private async Task CwdAsync(string arg)
    {
        var r = Resolve(arg.Length == 0 ? "/" : arg);
        if (!r.Ok || !IsVisible(r.Path) || (!r.Path.IsVirtual && !Directory.Exists(r.Path.FsPath)) || r.Path.Perms == Perm.None)
        {
            await Control.ReplyAsync("550 No such directory.");
            return;
        }
        Cwd = r.Path.VPath;
        await Control.ReplyAsync($"250 Directory changed to {FtpPaths.Quote(Cwd)}.");
    }

    private async Task AborAsync()
    {
        PendingData?.Dispose();
        PendingData = null;
        if (Transfer is { IsCompleted: false })
        {
            await AbortTransferAsync();
            await Control.ReplyAsync("226 Abort successful.");
            return;
        }
        await Control.ReplyAsync("225 No transfer to abort.");
    }

    private async Task AbortTransferAsync()
    {
        if (Transfer is { } t)
        {
            TransferCancel?.Cancel();
            try
            {
                await t;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Resolves an argument against the working folder through the Vfs resolver.</summary>
    public VfsResult Resolve(string arg) => Options.Vfs.Resolve(FtpPaths.Combine(Cwd, arg), User ?? Identity.Anonymous);

    /// <summary>Dotfiles (any dot segment) exist only for users with the '.' permission, as over HTTP.</summary>
    public static bool IsVisible(VfsPath p) => !p.HasDotSegment || p.Can(Perm.Dots);

    /// <summary>550 for a missing or hidden path, 553 for a name the resolver refuses.</summary>
    public static string NotFound(VfsResult r) => r.Error == VfsError.BadPath ? "553 File name not allowed: " + r.Reason + "." : "550 No such file or directory.";

    /// <summary>550 saying which permission is missing, or "no such file" with --vague-403.</summary>
    public string Denied(string what) => Options.Vague403 ? "550 No such file or directory." : $"550 Permission denied: you need {what} access here.";

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "ftp {Ip} > {Verb} {Argument}")]
    private static partial void LogCommand(ILogger logger, IPAddress ip, string verb, string argument);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Information, Message = "ftp {Ip} < {Reply}")]
    private static partial void LogReply(ILogger logger, IPAddress ip, string reply);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "ftp login: {User} from {Ip}")]
    private static partial void LogLogin(ILogger logger, string user, IPAddress ip);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "ftp: bad password from {Ip}")]
    private static partial void LogBadLogin(ILogger logger, IPAddress ip);
}
