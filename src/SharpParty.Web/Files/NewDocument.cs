using System.Net;
using SharpParty.Core.Storage;
using SharpParty.Core.Vfs;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Files;

/// <summary>
/// <c>act=new_md</c> (copyparty's "new markdown document"): creates an empty document in the folder and sends the
/// browser to its editor (<c>?edit</c>). As copyparty: ".md" is appended when the name has no extension, one longer than
/// five characters, or the user may not delete (so a writer without <c>d</c> cannot make an .html page).
/// </summary>
internal static class NewDocument
{
    public static async Task CreateAsync(RequestContext rc, string? rawName)
    {
        if (await FileOps.NewNameAsync(rc, rawName, "file") is not { } name)
        {
            return;
        }
        var dot = name.LastIndexOf('.');
        var ext = dot < 0 ? "" : name[(dot + 1)..];
        if (ext.Length is 0 or > 5 || !rc.Target.Can(Perm.Delete))
        {
            name += ".md";
        }
        if (await FileOps.ResolveNewAsync(rc, name, "dotfiles") is not { } r)
        {
            return;
        }
        var fs = r.Path.FsPath!;
        try
        {
            // CreateNew: an existing file (or an upload's placeholder) is never truncated
            using (File.Open(fs, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (IOException) when (File.Exists(fs) || Directory.Exists(fs))
        {
            // copyparty answers 500 here; it is the client's name that clashes, so a 409
            await Reply.Error(rc, 409, "that file exists already");
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Reply.Error(rc, Upload.UploadSink.IsDiskFull(e) ? 507 : 409, "could not create the file");
            return;
        }
        var href = "/" + UrlPath.Quote(r.Path.VPath) + "?edit";
        rc.Response.Headers.Location = href;
        var h = WebUtility.HtmlEncode(href);
        await Reply.Text(rc, 201, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={h}\"></head><body><a href=\"{h}\">edit the new document</a></body></html>\n", "text/html; charset=utf-8");
    }
}
