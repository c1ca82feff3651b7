namespace SharpParty.Client.Relay;

/// <summary>
/// Extensions our commands add on top of p2p-copy's protocol (spec §1.5 "Extensions invisible to Python peers"). The
/// sender lists them under <c>x_caps</c> in its manifest; a receiver of ours echoes the ones it takes (inside its
/// receiver manifest with <c>--resume</c>, else as an <c>x_caps</c> message), and only then are they used. p2p-copy
/// ignores unknown keys and never echoes, so against it everything stays as in its protocol.
/// </summary>
internal static class RelayCaps
{
    /// <summary>Small files' messages coalesced into one (<see cref="MessageBatch"/>).</summary>
    public const string Batch = "batch1";

    /// <summary>What our sender offers; none with <c>SHARPPARTY_RELAY_NO_EXT=1</c> (bench/relay.sh measures both).</summary>
    public static readonly IReadOnlyList<string> Ours = Environment.GetEnvironmentVariable("SHARPPARTY_RELAY_NO_EXT") == "1" ? [] : [Batch];
}
