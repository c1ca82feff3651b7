using System.Collections.Frozen;
using System.Globalization;
using SharpParty.Core.Vfs;

namespace SharpParty.Core.Config;

/// <summary>Command line + config files → a validated <see cref="ServerOptions"/>, or a one-line error.</summary>
internal static class OptionsBuilder
{
    public static bool TryBuild(IReadOnlyList<string> args, string workingDir, out ServerOptions? options, out string error)
    {
        options = null;
        if (!ArgParser.TryParse(args, out var parsed, out error))
        {
            return false;
        }
        var accounts = new List<string>();
        var groups = new List<string>();
        var volumes = new List<VolumeSpec>();
        var configFiles = new List<string>();
        // config files are read after the command line so that, as in copyparty, a config file wins over args
        foreach (var c in parsed.Settings.Where(s => s.Def.Key == "c").Select(s => s.Value).ToList())
        {
            var path = Path.GetFullPath(c, workingDir);
            configFiles.Add(path);
            if (!ConfigFile.TryLoad(path, out var content, out error))
            {
                return false;
            }
            foreach (var kv in content!.Global)
            {
                if (!ArgParser.TryAdd(parsed, kv.Key, kv.Value, static () => null, path, out error))
                {
                    error = $"{path}: [global] {error}";
                    return false;
                }
            }
            accounts.AddRange(content.Accounts);
            groups.AddRange(content.Groups);
            volumes.AddRange(content.Volumes);
        }

        string? Last(string key) => parsed.Settings.LastOrDefault(s => s.Def.Key == key).Value
            ?? OptionCatalog.Find(key)!.Default;
        bool Has(string key) => parsed.Settings.Any(s => s.Def.Key == key);
        IEnumerable<string> All(string key) => parsed.Settings.Where(s => s.Def.Key == key).Select(s => s.Value);

        accounts.InsertRange(0, All("a"));
        groups.InsertRange(0, All("grp"));
        var cliVolumes = new List<VolumeSpec>();
        foreach (var v in All("v"))
        {
            if (!VolumeArg.TryParse(v, out var spec, out error))
            {
                return false;
            }
            cliVolumes.Add(spec!);
        }
        volumes.InsertRange(0, cliVolumes);

        var warnings = parsed.Unsupported.Select(u => $"option {u} is not supported by SharpParty yet; ignored").ToList();

        if (!TryParseAccounts(accounts, out var accts, out error) || !TryParseGroups(groups, accts, out var grps, out error))
        {
            return false;
        }
        if (!TryParsePorts(Last("p")!, out var ports, out error))
        {
            return false;
        }
        var addrs = Last("i")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var a in addrs)
        {
            if (!System.Net.IPAddress.TryParse(a, out _))
            {
                error = $"-i {a}: not an IP address";
                return false;
            }
        }
        if (!BanRule.TryParse(Last("ban-pw")!, out var banPw, out error))
        {
            error = "--ban-pw: " + error;
            return false;
        }
        if (!int.TryParse(Last("unpost"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unpost) || unpost < 0)
        {
            error = "--unpost: expected seconds (a whole number >= 0)";
            return false;
        }
        if (!int.TryParse(Last("blank-wt"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var blankWt) || blankWt < 0)
        {
            error = "--blank-wt: expected seconds (a whole number >= 0)";
            return false;
        }
        if (!int.TryParse(Last("logout"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var logout) || logout <= 0)
        {
            error = "--logout: expected hours (a whole number > 0)";
            return false;
        }
        var ah = Last("ah-alg")!;
        if (!IsValidHashAlg(ah))
        {
            error = $"--ah-alg {ah}: supported are none, argon2 and argon2,ITERATIONS,MiB,LANES";
            return false;
        }
        if (!TlsOptions.TryBuild(Has, Last, workingDir, out var tls, out error))
        {
            return false;
        }
        if (!Up2kOptions.TryBuild(Has, Last, out var up2k, out error) || !IndexOptions.TryBuild(Has, Last, out var index, out error, k => parsed.Settings.Where(x => x.Def.Key == k).Select(x => x.Value ?? "").ToList()))
        {
            return false;
        }
        if (!FtpOptions.TryBuild(Has, Last, out var ftp, out error))
        {
            return false;
        }
        if (!TftpOptions.TryBuild(Has, Last, out var tftp, out error))
        {
            return false;
        }
        if (!RelayOptions.TryBuild(Has, Last, out var relay, out error))
        {
            return false;
        }
        if (!MediaOptions.TryBuild(Has, Last, out var media, out error))
        {
            return false;
        }
        if (volumes.Count == 0)
        {
            // copyparty with no -v: the current folder, read-write for everyone
            volumes.Add(new VolumeSpec(".", "", [new AccessGrant(Perm.Read | Perm.Write, ["*"])], new Dictionary<string, string>()));
        }
        var hist = Last("hist");
        if (!VfsBuilder.TryBuild(volumes, accts, grps, workingDir, hist, Has("ed"), Has("unsafe-symlinks"), warnings, out var vfs, out error,
            [.. ((string[])["xdev", "xvol"]).Where(Has)]))
        {
            return false;
        }
        options = new ServerOptions
        {
            Addresses = addrs,
            Ports = ports,
            Accounts = accts,
            Groups = grps,
            Volumes = volumes,
            Vfs = vfs!,
            Quiet = Has("q"),
            LogFile = Last("lo"),
            Hist = hist,
            AllowDots = Has("ed"),
            Tls = tls,
            Vague403 = Has("vague-403"),
            NoDotMv = Has("no-dot-mv"),
            NoDotRen = Has("no-dot-ren"),
            NoUpList = Has("no-up-list"),
            NoMv = Has("no-mv"),
            NoDav = Has("no-dav"),
            DavInf = Has("dav-inf"),
            DavMac = Has("dav-mac"),
            DavAuth = Has("dav-auth"),
            BlankWt = blankWt,
            NoDel = Has("no-del"),
            NoZip = Has("no-zip"),
            BanPw = banPw,
            UnpostSeconds = unpost,
            Up2k = up2k,
            Index = index,
            Ftp = ftp,
            Tftp = tftp,
            Relay = relay,
            Media = media,
            AhAlg = ah,
            AhSalt = Last("ah-salt"),
            LogoutHours = logout,
            SessionDb = Path.GetFullPath(Last("ses-db") ?? Path.Combine(StateDir.Path, "sessions.db"), workingDir),
            ServerName = Last("name") ?? Environment.MachineName,
            ExitWhen = Last("exit"),
            ConfigFiles = configFiles,
            Warnings = warnings,
            Args = args.ToArray(),
        };
        return true;
    }

    private static bool IsValidHashAlg(string ah)
    {
        if (ah is "none" or "argon2")
        {
            return true;
        }
        var p = ah.Split(',');
        return p.Length is 4 or 5 && p[0] == "argon2" && p.Skip(1).All(x => int.TryParse(x, out var n) && n > 0)
            && int.Parse(p[2], CultureInfo.InvariantCulture) <= 4096;
    }

    private static bool TryParseAccounts(List<string> items, out FrozenDictionary<string, string> accounts, out string error)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        var pws = new HashSet<string>(StringComparer.Ordinal);
        accounts = FrozenDictionary<string, string>.Empty;
        error = "";
        foreach (var a in items)
        {
            var colon = a.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == a.Length - 1)
            {
                error = $"-a {MaskAccount(a)}: expected USER:PASS";
                return false;
            }
            var user = a[..colon].Trim();
            var pw = a[(colon + 1)..].Trim();
            if (user is "*" || user.StartsWith('@') || user.Any(c => char.IsControl(c) || c == ',' || c == ' '))
            {
                error = $"-a {user}:…: bad user name";
                return false;
            }
            if (!pws.Add(pw))
            {
                // copyparty identifies users by password alone, so two accounts may not share one
                error = $"-a {user}:…: another account has the same password; passwords must be unique";
                return false;
            }
            d[user] = pw;
        }
        accounts = d.ToFrozenDictionary(StringComparer.Ordinal);
        return true;
    }

    private static string MaskAccount(string a)
    {
        var colon = a.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "…" : a[..colon] + ":…";
    }

    private static bool TryParseGroups(List<string> items, IReadOnlyDictionary<string, string> accounts,
        out FrozenDictionary<string, IReadOnlyList<string>> groups, out string error)
    {
        var d = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        groups = FrozenDictionary<string, IReadOnlyList<string>>.Empty;
        error = "";
        foreach (var g in items)
        {
            var colon = g.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"--grp {g}: expected NAME:USER1,USER2";
                return false;
            }
            var name = g[..colon].Trim();
            var users = g[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            d[name] = d.TryGetValue(name, out var prev) ? prev.Concat(users).Distinct().ToList() : users;
        }
        _ = accounts;
        groups = d.ToFrozenDictionary(StringComparer.Ordinal);
        return true;
    }

    public static bool TryParsePorts(string text, out List<int> ports, out string error)
    {
        ports = [];
        error = "";
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                if (!int.TryParse(part[..dash], out var lo) || !int.TryParse(part[(dash + 1)..], out var hi) || lo < 0 || hi > 65535 || hi < lo || hi - lo > 1024)
                {
                    error = $"-p {text}: bad port range '{part}'";
                    return false;
                }
                for (var p = lo; p <= hi; p++)
                {
                    ports.Add(p);
                }
            }
            else if (int.TryParse(part, out var p) && p is >= 0 and <= 65535)
            {
                ports.Add(p);
            }
            else
            {
                error = $"-p {text}: bad port '{part}'";
                return false;
            }
        }
        if (ports.Count == 0)
        {
            error = "-p: no port given";
            return false;
        }
        return true;
    }
}
