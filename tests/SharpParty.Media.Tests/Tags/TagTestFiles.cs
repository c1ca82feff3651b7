namespace SharpParty.Media.Tests.Tags;

/// <summary>Temporary files for byte-level tests, deleted with the instance.</summary>
internal sealed class TagTestFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sp-tags-").FullName;
    private int _n;

    public string Write(byte[] bytes, string ext = ".mp3")
    {
        var p = Path.Combine(_dir, $"f{Interlocked.Increment(ref _n)}{ext}");
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
