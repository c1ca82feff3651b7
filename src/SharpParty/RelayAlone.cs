namespace SharpParty;

/// <summary>
/// <c>sharpparty relay [HOST [PORT]] [--no-tls] [server options]</c>: p2p-copy's <c>run-relay-server HOST PORT</c>
/// as a server command line: the relay at every path, and one volume that nobody may read or write (an empty
/// folder), so that nothing is shared. TLS is on by default as in p2p-copy (ours: http and https on the same port,
/// self-signed unless <c>--cert</c>); <c>--no-tls</c> is <c>--http-only</c>.
/// </summary>
internal static class RelayAlone
{
    public static bool TryMapArgs(string[] args, out string[] mapped, out string error)
    {
        mapped = [];
        error = "";
        var pos = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--no-tls")
            {
                rest.Add("--http-only");
            }
            else if (a == "--tls")
            {
                continue;
            }
            else if (a is "--certfile")
            {
                if (i + 1 >= args.Length)
                {
                    error = "--certfile needs a PEM file (with the key in it; ours is --cert)";
                    return false;
                }
                rest.Add("--cert");
                rest.Add(args[++i]);
            }
            else if (a.StartsWith('-'))
            {
                rest.Add(a);
                if (i + 1 < args.Length && !args[i + 1].StartsWith('-') && TakesValue(a))
                {
                    rest.Add(args[++i]);
                }
            }
            else
            {
                pos.Add(a);
            }
        }
        if (pos.Count > 2)
        {
            error = "expected [HOST [PORT]]";
            return false;
        }
        var empty = Path.Combine(Path.GetTempPath(), "sharpparty-relay-empty");
        Directory.CreateDirectory(empty);
        var host = pos.Count > 0 ? (pos[0] == "localhost" ? "127.0.0.1" : pos[0]) : "::";
        var port = pos.Count > 1 ? pos[1] : "3923";
        mapped = ["-i", host, "-p", port, "--relay-root", "-v", empty + "::", .. rest];
        return true;
    }

    private static bool TakesValue(string option) =>
        SharpParty.Core.Config.OptionCatalog.Find(option) is { Kind: not SharpParty.Core.Config.OptKind.Flag };
}
