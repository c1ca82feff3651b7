namespace SharpParty.Client.Up2k;

/// <summary>
/// A file or folder found on the command line, as u2c names it: <see cref="Rel"/> is the path the server gets below the
/// destination URL ("/"-separated; "" for the contents-of-a-folder top), <see cref="Mtime"/> is seconds since 1970 with
/// its fraction (the handshake's <c>lmod</c>).
/// </summary>
internal sealed record LocalEntry(string AbsPath, string Rel, bool IsDir, long Size, double Mtime)
{
    /// <summary>The folder part of <see cref="Rel"/> ("" at the top).</summary>
    public string RelDir => Rel.LastIndexOf('/') is var i and >= 0 ? Rel[..i] : "";

    /// <summary>The last segment of <see cref="Rel"/>: the name the handshake asks for.</summary>
    public string Name => Rel[(Rel.LastIndexOf('/') + 1)..];
}
