namespace SharpParty.Core.Config;

/// <summary>
/// Where server-wide state lives (sessions, salts): <c>$XDG_CONFIG_HOME/sharpparty</c>, else <c>~/.config/sharpparty</c>,
/// as copyparty uses <c>~/.config/copyparty</c>.
/// </summary>
internal static class StateDir
{
    public static string Path
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var baseDir = !string.IsNullOrEmpty(xdg)
                ? xdg
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return System.IO.Path.Combine(baseDir, "sharpparty");
        }
    }

    /// <summary>A secret kept across restarts in a file next to the sessions (created with mode 600 on first use).</summary>
    public static string PersistedSecret(string folder, string fileName, Func<string> generate)
    {
        var file = System.IO.Path.Combine(folder, fileName);
        try
        {
            if (File.Exists(file))
            {
                var existing = File.ReadAllText(file).Trim();
                if (existing.Length > 0)
                {
                    return existing;
                }
            }
            Directory.CreateDirectory(folder);
            var fresh = generate();
            File.WriteAllText(file, fresh + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return fresh;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return generate(); // read-only home: the salt lives as long as the process
        }
    }
}
