namespace SharpParty.Media.Thumbs;

/// <summary>What a conversion produces.</summary>
internal enum ThumbOutput
{
    Jpeg,
    Webp,
    /// <summary>copyparty's <c>?th=p</c>: a PNG waveform, for audio only.</summary>
    Png,
    Opus,
    Mp3,
    /// <summary>Opus in a CAF container (what iOS plays).</summary>
    Caf,
}

/// <summary>
/// One <c>?th=</c> value as copyparty reads it: the first letter picks the output (<c>w</c> webp, <c>j</c> jpeg, <c>p</c> png
/// waveform, anything else jpeg), <c>f</c> anywhere means uncropped ("full"), <c>3</c> anywhere means three times the size;
/// <c>opus</c>, <c>mp3</c> and <c>caf</c> ask for transcoded audio. A volume's <c>crop</c>/<c>th3x</c> flags starting with
/// <c>f</c> force the choice, whatever the client asked for.
/// </summary>
internal readonly record struct ThumbFormat(ThumbOutput Output, bool Crop, bool X3)
{
    public bool IsAudio => Output is ThumbOutput.Opus or ThumbOutput.Mp3 or ThumbOutput.Caf;

    /// <summary>The file extension of the output (also its cache name's).</summary>
    public string Extension => Output switch
    {
        ThumbOutput.Webp => "webp",
        ThumbOutput.Png => "png",
        ThumbOutput.Opus => "opus",
        ThumbOutput.Mp3 => "mp3",
        ThumbOutput.Caf => "caf",
        _ => "jpg",
    };

    /// <summary>A short stable key for the cache ("w", "jf3", "opus").</summary>
    public string Key => IsAudio ? Extension : Extension[..1] + (Crop ? "" : "f") + (X3 ? "3" : "");

    public static ThumbFormat Parse(string? value, string volumeCrop = "y", string volumeX3 = "n")
    {
        var v = (value ?? "").ToLowerInvariant();
        switch (v)
        {
            case "opus":
                return new(ThumbOutput.Opus, false, false);
            case "mp3":
                return new(ThumbOutput.Mp3, false, false);
            case "caf":
                return new(ThumbOutput.Caf, false, false);
        }
        var output = v.StartsWith('w') ? ThumbOutput.Webp : v.StartsWith('p') ? ThumbOutput.Png : ThumbOutput.Jpeg;
        var crop = volumeCrop.StartsWith('f') ? volumeCrop == "fy" : !v.Contains('f');
        var x3 = volumeX3.StartsWith('f') ? volumeX3 == "fy" : v.Contains('3');
        return new(output, crop, x3);
    }
}
