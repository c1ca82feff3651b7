using System.Runtime.InteropServices;
using SharpParty.Core.Config;
using SharpParty.Web.Hosting;

namespace SharpParty;

internal static class Program
{
    /// <summary>Exit codes: 0 ok, 1 runtime failure (port in use…), 2 bad command line or config (as argparse).</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "up")
        {
            return await RunClientAsync(args[1..]);
        }
        if (args.Length > 0 && args[0] is "send" or "receive")
        {
            return await RunRelayClientAsync(args[0], args[1..]);
        }
        if (args.Length > 0 && args[0] == "relay")
        {
            // a relay alone (as p2p-copy's run-relay-server): the server with no folder shared to anyone
            if (!RelayAlone.TryMapArgs(args[1..], out var mapped, out var relayError))
            {
                await Console.Error.WriteLineAsync("sharpparty relay: error: " + relayError);
                return 2;
            }
            args = mapped;
        }
        var cwd = Environment.CurrentDirectory;
        // socket completions run on the epoll thread instead of hopping to the thread pool first: measured 20-30% less
        // CPU per GiB received (upload bodies arrive in 4 KiB reads, so the hops add up). Read when the first socket
        // is made, so it is set before anything listens; an explicit setting in the environment wins.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
        if (args.Contains("-h") || args.Contains("--help"))
        {
            Console.Out.Write(HelpText.Render());
            return 0;
        }
        if (args.Contains("--version"))
        {
            Console.Out.WriteLine($"sharpparty {typeof(Program).Assembly.GetName().Version}");
            return 0;
        }
        if (!OptionsBuilder.TryBuild(args, cwd, out var options, out var error))
        {
            await Console.Error.WriteLineAsync("sharpparty: error: " + error);
            return 2;
        }
        foreach (var w in options!.Warnings)
        {
            await Console.Error.WriteLineAsync("sharpparty: warning: " + w);
        }
        if (options.ExitWhen == "cfg")
        {
            return 0;
        }
        TlsIdentity? tls = null;
        if (options.Tls.Mode != TlsMode.HttpOnly)
        {
            // before anything listens: a bad certificate is a config error (exit 2), not a runtime one
            if (!CertificateSource.TryGet(options.Tls, CertificateSource.DefaultFile, DateTimeOffset.UtcNow, out tls, out var note, out var certError))
            {
                await Console.Error.WriteLineAsync("sharpparty: error: " + certError);
                return 2;
            }
            if (note is not null)
            {
                Console.Out.WriteLine("sharpparty: " + note);
            }
        }
        RunningServer server;
        try
        {
            server = await SharpPartyServer.StartAsync(options, cwd, tls: tls, modules: SharpParty.Protocols.ProtocolModules.All);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync("sharpparty: cannot listen: " + e.Message);
            return 1;
        }
        await using (server)
        {
            foreach (var u in server.Urls)
            {
                Console.Out.WriteLine($"sharpparty: listening on {u}");
            }
            if (options.Ftp.Enabled)
            {
                Console.Out.WriteLine($"sharpparty: ftp on port {(options.Ftp.Port >= 0 ? options.Ftp.Port : "-")}, ftps (AUTH TLS) on port {(options.Ftp.TlsPort >= 0 ? options.Ftp.TlsPort : "-")}");
            }
            if (tls is not null)
            {
                // printed once, so a user can compare it with what the browser shows before trusting the certificate
                Console.Out.WriteLine($"sharpparty: {(options.Tls.Mode == TlsMode.HttpsOnly ? "https only" : "http and https on the same ports")}; certificate {tls.File}, SHA-256 {tls.Sha256}");
            }
            Console.Out.WriteLine(ReachableUrls.Describe(options, server.Urls));
            // SIGUSR1 reloads accounts and volumes, as copyparty (10 is SIGUSR1 on Linux)
            using var usr1 = PosixSignalRegistration.Create((PosixSignal)10, ctx =>
            {
                ctx.Cancel = true;
                server.Config.TryReload(out var msg);
                Console.Out.WriteLine("sharpparty: " + msg);
            });
            await server.WaitForShutdownAsync();
        }
        return 0;
    }

    /// <summary><c>sharpparty send</c> / <c>receive</c>: the relay clients (SharpParty.Client/Relay); exit codes as p2p-copy's.</summary>
    private static async Task<int> RunRelayClientAsync(string verb, string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            return verb == "send"
                ? await SharpParty.Client.Relay.RelayCommand.SendAsync(args, Console.Out, Console.Error, !Console.IsErrorRedirected, cts.Token)
                : await SharpParty.Client.Relay.RelayCommand.ReceiveAsync(args, Console.Out, Console.Error, !Console.IsErrorRedirected, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted");
            return 130;
        }
    }

    /// <summary><c>sharpparty up</c>: the up2k command-line client (SharpParty.Client); Ctrl-C stops it (exit 130).</summary>
    private static async Task<int> RunClientAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return await SharpParty.Client.Up2k.UpCommand.RunAsync(args, Console.Out, Console.Error, !Console.IsOutputRedirected, cts.Token);
    }
}
