namespace SharpParty.Client.Relay;

/// <summary><c>sharpparty send</c> and <c>sharpparty receive</c>: entry points, also called in-process by tests.</summary>
internal static class RelayCommand
{
    public static async Task<int> SendAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool terminal, CancellationToken ct)
    {
        var o = RelayArgs.ParseSend(args, out var argError, out var help);
        if (help)
        {
            await output.WriteLineAsync(RelayArgs.SendHelp);
            return RelayExit.Ok;
        }
        if (o is null)
        {
            await error.WriteLineAsync(RelayArgs.SendUsage);
            await error.WriteLineAsync("sharpparty send: error: " + argError);
            return RelayExit.Usage;
        }
        return await new RelaySender(o, error, terminal).RunAsync(ct);
    }

    public static async Task<int> ReceiveAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool terminal, CancellationToken ct)
    {
        var o = RelayArgs.ParseReceive(args, out var argError, out var help);
        if (help)
        {
            await output.WriteLineAsync(RelayArgs.ReceiveHelp);
            return RelayExit.Ok;
        }
        if (o is null)
        {
            await error.WriteLineAsync(RelayArgs.ReceiveUsage);
            await error.WriteLineAsync("sharpparty receive: error: " + argError);
            return RelayExit.Usage;
        }
        using var r = new RelayReceiver(o, error, terminal);
        return await r.RunAsync(ct);
    }
}
