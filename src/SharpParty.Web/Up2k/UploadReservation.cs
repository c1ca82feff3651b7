using System.Security.Cryptography;
using SharpParty.Core.Storage;
using SharpParty.Core.Up2k;
using SharpParty.Core.Vfs;
using SharpParty.Web.Upload;

namespace SharpParty.Web.Up2k;

/// <summary>
/// Claims the final name of an upload with an empty placeholder (as copyparty: a second upload of the same name gets
/// a collision name, and the final rename can never land on someone else's file) and creates the partial file at its
/// full length, so a full disk is found at the handshake, not halfway through.
/// </summary>
internal sealed class UploadReservation(IpHasher ipHash, SharpParty.Web.Search.IndexSet indexes, TimeProvider time)
{
    /// <summary>Length of random names (<c>rand</c>; copyparty's <c>nrand</c> default 9).</summary>
    private const int RandLength = 9;

    /// <summary>Call under the registry lock: reserves the name, creates the partial file and registers the job.</summary>
    public (UploadJob? Job, int Status, string? Error) CreateJob(UploadRegistry reg, UploadTicket tk)
    {
        var (name, status, error) = ReserveName(tk);
        if (name is null)
        {
            return (null, status, error);
        }
        var final = Path.Combine(tk.Folder, name);
        if (tk.Req.Size == 0)
        {
            // an empty file is complete at once (spec §8.3: no chunk POST follows)
            HandshakeHandler.TrySetMtime(final, tk.Lmod);
            var empty = tk.NewJob(name, name + ".PARTIAL", done: true);
            reg.Add(empty);
            indexes.RecordUpload(tk.Volume, empty.Folder, empty.Name, 0, tk.Lmod, tk.DataWark, tk.Now, empty.Ip, empty.User);
            return (empty, 0, null);
        }
        var partialName = tk.Options.DotPart ? "." + name + ".PARTIAL" : name + ".PARTIAL";
        var partial = Path.Combine(tk.Folder, partialName);
        try
        {
            using var h = File.OpenHandle(partial, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            // reserve the blocks (a full disk answers 507 now); where fallocate is missing, a sparse file of full length
            // small files: no fallocate call (a syscall per file that buys nothing at this size)
            if (tk.Req.Size >= PartialFile.DirectFrom && Preallocate.Reserve(h, tk.Req.Size) == Preallocate.Result.NoSpace)
            {
                h.Dispose();
                File.Delete(partial);
                TryDeletePlaceholder(final);
                return (null, 507, "not enough free disk space for this upload");
            }
            if (RandomAccess.GetLength(h) != tk.Req.Size)
            {
                RandomAccess.SetLength(h, tk.Req.Size);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            TryDeletePlaceholder(final);
            return (null, UploadSink.IsDiskFull(e) ? 507 : 500, UploadSink.IsDiskFull(e) ? "not enough free disk space for this upload" : "cannot create the upload file");
        }
        var job = tk.NewJob(name, partialName, done: false);
        reg.Add(job);
        return (job, 0, null);
    }

    /// <summary>
    /// Creates the empty placeholder under the requested name, or under copyparty's collision name when it is taken;
    /// with <c>replace</c> (and the delete permission) an existing file is removed first.
    /// </summary>
    public (string? Name, int Status, string? Error) ReserveName(UploadTicket tk)
    {
        var name = tk.Req.Rand || tk.Volume.HasFlag("rand") ? RandomName(tk.Name) : tk.Name;
        var target = Path.Combine(tk.Folder, name);
        if (tk.Req.Replace && tk.Rc.Target.Can(Perm.Delete) && File.Exists(target) && !Directory.Exists(target))
        {
            TryDelete(target);
        }
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var candidate = attempt == 0 ? name : UploadNames.Collision(name, time.GetUtcNow().AddTicks(attempt * 10), ipHash.For(tk.Rc.Ip));
            try
            {
                using (File.OpenHandle(Path.Combine(tk.Folder, candidate), FileMode.CreateNew, FileAccess.Write))
                {
                }
                return (candidate, 0, null);
            }
            catch (IOException e) when (UploadSink.IsDiskFull(e))
            {
                return (null, 507, "not enough free disk space for this upload");
            }
            catch (IOException)
            {
                // taken (a file or a folder of that name): next candidate
            }
            catch (UnauthorizedAccessException)
            {
                return (null, 500, "the server OS denied write-access");
            }
        }
        return (null, 409, "could not find a free name for this upload");
    }

    /// <summary>copyparty's <c>rand</c>: a random name of <c>nrand</c> chars, keeping the extension.</summary>
    private static string RandomName(string name)
    {
        var dot = name.LastIndexOf('.');
        var ext = dot > 0 ? name[dot..] : "";
        var r = Convert.ToBase64String(RandomNumberGenerator.GetBytes(RandLength)).Replace('+', '-').Replace('/', '_')[..RandLength];
        return r + ext;
    }

    /// <summary>Removes a placeholder this upload created, if it is still empty.</summary>
    public static void TryDeletePlaceholder(string path)
    {
        try
        {
            var fi = new FileInfo(path);
            if (fi.Exists && fi.Length == 0 && !fi.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                fi.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }
}
