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

    /// <summary>A whole-file SHA-256 (hex) as <c>x_sha256</c> in each <c>file_eof</c>, checked by the receiver against
    /// the bytes it wrote (the resumed prefix included), so a file is only put in place when it is the sender's file
    /// byte for byte. Plaintext only: under E2E <c>file_eof</c> travels in clear, and a whole-file hash there would
    /// let the relay confirm a guessed file (GCM's tag already authenticates every encrypted chunk).</summary>
    public const string Sha256 = "sha256f";

    /// <summary>What our sender offers; none with <c>SHARPPARTY_RELAY_NO_EXT=1</c> (bench/relay.sh measures both).
    /// The file's mtime needs no offer: our sender always puts <c>x_mtime</c> (Unix seconds) in the <c>file</c>
    /// header, which p2p-copy's receiver ignores (it reads headers with <c>.get()</c>) and ours applies.</summary>
    public static readonly IReadOnlyList<string> Ours = Environment.GetEnvironmentVariable("SHARPPARTY_RELAY_NO_EXT") == "1" ? [] : [Batch, Sha256];
}
