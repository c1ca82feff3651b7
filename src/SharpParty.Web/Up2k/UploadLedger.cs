using SharpParty.Core.Config;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;

namespace SharpParty.Web.Up2k;

/// <summary>
/// Remembers finished basic uploads (PUT, multipart) in the volume's registry too, under a metadata wark, so that
/// unpost and <c>lifetime</c> treat them like up2k uploads (copyparty needs its index, <c>-e2d</c>, for both).
/// </summary>
internal sealed class UploadLedger(RegistrySet registries, SharpParty.Web.Search.UploadHasher hasher, TimeProvider time)
{
    public void Record(Volume vol, string folderRel, string name, long size, string user, string ip)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var salt = Up2kHash.DefaultSalt;
        var rules = UploadRules.For(vol);
        var job = new UploadJob
        {
            Wark = Up2kHash.MetaWark(salt, size, now, folderRel, name),
            DataWark = Up2kHash.MetaWark(salt, size, now, folderRel, name),
            Folder = folderRel,
            Name = name,
            ClientName = name,
            PartialName = name + ".PARTIAL",
            Size = size,
            Lmod = now,
            Hashes = [],
            User = user,
            Ip = ip,
            Started = now,
            Poked = now,
            Life = rules.Lifetime,
            Done = true,
        };
        var reg = registries.For(vol);
        lock (reg.Gate)
        {
            reg.Add(job);
        }
        hasher.Enqueue(vol, folderRel, name, now, ip, user);
    }
}
