namespace SharpParty.Media.Tags;

/// <summary>MP3 (and MP2/MP1): ID3v2 at the start, ID3v1 at the end, MPEG audio frames between.</summary>
internal static class Mp3Reader
{
    /// <summary>Stacked ID3v2 tags (a tagger that prepended instead of replacing) are followed this far.</summary>
    private const int MaxStackedTags = 4;

    public static ProbedMedia Read(MediaFile f)
    {
        var m = new ProbedMedia();
        long start = 0;
        for (var i = 0; i < MaxStackedTags && start < f.Length; i++)
        {
            var size = Id3v2Reader.Read(f, start, m);
            if (size <= 0)
            {
                break;
            }

            start += size;
        }

        var end = f.Length;
        if (Id3v1Reader.Has(f))
        {
            Id3v1Reader.Read(f, m);
            end -= Id3v1Reader.Size;
        }

        if (start < end)
        {
            MpegAudioInfo.Read(f, start, end, m);
        }

        return m;
    }
}
