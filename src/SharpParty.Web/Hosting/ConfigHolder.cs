using SharpParty.Core.Config;

namespace SharpParty.Web.Hosting;

/// <summary>
/// Holds the current config snapshot. Readers take <see cref="Current"/> once per request and never lock; a reload builds
/// a whole new snapshot and swaps it in with one reference write, or keeps the old one and says why.
/// </summary>
internal sealed class ConfigHolder(ServerOptions initial, string workingDir)
{
    private ServerOptions _current = initial;
    private readonly Lock _reloadLock = new();

    public ServerOptions Current => Volatile.Read(ref _current);

    /// <summary>Re-reads the command line and config files. Listening addresses and ports need a restart (as copyparty's [global]).</summary>
    public bool TryReload(out string message)
    {
        lock (_reloadLock)
        {
            var old = Current;
            if (!OptionsBuilder.TryBuild(old.Args, workingDir, out var fresh, out var error))
            {
                message = "reload failed, still running the previous config: " + error;
                return false;
            }
            var note = fresh!.Addresses.SequenceEqual(old.Addresses) && fresh.Ports.SequenceEqual(old.Ports)
                ? ""
                : " (new addresses/ports take effect after a restart)";
            Volatile.Write(ref _current, fresh);
            message = $"config reloaded: {fresh.Vfs.Volumes.Count} volumes, {fresh.Accounts.Count} accounts" + note;
            return true;
        }
    }
}
