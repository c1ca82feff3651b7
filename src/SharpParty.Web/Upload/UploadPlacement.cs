using SharpParty.Core.Storage;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Upload;

/// <summary>Puts a received temp file under its final name, renaming on collision as copyparty does.</summary>
internal static class UploadPlacement
{
    /// <summary>Returns the final name, or null (temp file removed) when it could not be placed.</summary>
    public static string? Place(RequestContext rc, ReceivedFile file, string folder, string name, bool overwrite, IpHasher ipHash, TimeProvider time)
    {
        var candidate = name;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var r = FilePlacer.Place(file.TempPath, Path.Combine(folder, candidate), overwrite && attempt == 0);
            switch (r)
            {
                case PlaceResult.Placed:
                    return candidate;
                case PlaceResult.Exists:
                    candidate = UploadNames.Collision(name, time.GetUtcNow().AddTicks(attempt * 10), ipHash.For(rc.Ip));
                    continue;
                default:
                    UploadSink.TryDelete(file.TempPath);
                    return null;
            }
        }
        UploadSink.TryDelete(file.TempPath);
        return null;
    }
}

/// <summary>copyparty's salted 8-char IP hash used in collision names; the salt is random per process.</summary>
internal sealed class IpHasher
{
    private readonly string _salt = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public string For(System.Net.IPAddress ip) => UploadNames.IpHash(_salt, ip.ToString());
}
