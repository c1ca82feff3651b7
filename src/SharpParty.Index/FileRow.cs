namespace SharpParty.Index;

/// <summary>One indexed file: where it is in its volume, what it is (size, mtime, content wark) and who uploaded it.</summary>
/// <param name="Dir">folder relative to the volume root, '/'-separated, "" for the root</param>
/// <param name="Wark">up2k content wark; a "#" metadata wark when the file was not hashed (<c>--no-hash</c>)</param>
/// <param name="UpAt">unix seconds of the upload, 0 when found by a scan</param>
internal sealed record FileRow(string Dir, string Name, long Size, long Mtime, string Wark, long UpAt = 0, string? UpIp = null, string? UpUser = null);
