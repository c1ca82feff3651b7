using System.Text;
using Microsoft.Extensions.Logging;
using SharpParty.Core.Config;
using SharpParty.Core.Vfs;
using SharpParty.Media.Thumbs;
using SharpParty.Web.Download;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Thumbs;

/// <summary>
/// <c>GET ?th[=w|j|p|…]</c> and <c>?th=opus|mp3|caf</c>, with copyparty's rules: readers (<c>r</c>), or <c>g</c> on a file,
/// get a thumbnail, a transcode or an SVG icon; write-only users get an "upload only" icon; a folder shows its cover
/// (<c>--th-covers</c>) or a folder icon. A cached result goes out through the file sender (ETag, 304, ranges); a file
/// that cannot be converted gets an icon, never a 500. <c>?th=p</c> (a waveform) answers 404 where there is none.
/// </summary>
internal sealed partial class ThumbHandler(ThumbService service, ILogger<ThumbHandler> log)
{
    public async Task HandleAsync(RequestContext rc, bool isFolder, FileInfo? info)
    {
        var t = rc.Target;
        var canRead = t.Can(Perm.Read);
        if (!canRead && !(t.Can(Perm.Get) && !isFolder))
        {
            if (t.Can(Perm.Write))
            {
                await SendIconAsync(rc, "upload\nonly");
                return;
            }
            await Reply.Forbidden(rc, "you don't have read-access here");
            return;
        }
        var raw = rc.Query.Get("th") ?? "";
        if (t.Volume is not { } vol)
        {
            await SendIconAsync(rc, "folder"); // a virtual folder above the mounts
            return;
        }
        var media = rc.Options.Media;
        var policy = media.For(vol);
        var fmt = ThumbFormat.Parse(raw, policy.Crop, policy.X3);
        if (isFolder)
        {
            info = fmt.IsAudio || policy.NoThumb ? null : FindCover(rc, media);
            if (info is null)
            {
                await SendIconAsync(rc, "folder");
                return;
            }
        }
        else if (info is null)
        {
            await Reply.Error(rc, 404, "404 not found ┐( ´ -`)┌");
            return;
        }

        var kind = MediaKinds.Of(info.Name);
        if (!Allowed(media, policy, fmt, kind) || info.Length == 0)
        {
            await FallbackAsync(rc, fmt, info.Name);
            return;
        }
        var job = new ThumbJob(info.FullName, info.Length, info.LastWriteTimeUtc, kind, fmt, policy.Width, policy.Height, vol.HistPath,
            policy.ConvertTimeout);
        var result = await service.GetAsync(job, rc.Http.RequestAborted);
        if (result.Status == ThumbStatus.Ready && result.File is { } file)
        {
            rc.Note = result.FromCache ? "thumb cached" : "thumb made";
            await FileSender.SendAsync(rc, file);
            return;
        }
        if (!result.FromCache)
        {
            LogFailed(log, info.FullName, fmt.Key, result.Status);
        }
        rc.Note = result.Status == ThumbStatus.TimedOut ? "thumb timed out" : "thumb failed";
        await FallbackAsync(rc, fmt, info.Name);
    }

    /// <summary>Whether this kind of file gets this output here (copyparty's th_cli rules, our option names).</summary>
    private static bool Allowed(MediaOptions media, VolumeThumbPolicy policy, ThumbFormat fmt, MediaKind kind)
    {
        if (fmt.IsAudio)
        {
            var enabled = fmt.Output == ThumbOutput.Mp3 ? media.QMp3 != "0" : media.QOpus > 0;
            return !media.NoAcode && enabled && kind is MediaKind.Audio or MediaKind.Video;
        }
        if (policy.NoThumb || kind == MediaKind.None)
        {
            return false;
        }
        if (fmt.Output == ThumbOutput.Png && kind != MediaKind.Audio)
        {
            return false; // copyparty: "png only allowed for waveforms"
        }
        return kind switch
        {
            MediaKind.Video => !policy.NoVideo,
            MediaKind.Audio => !policy.NoAudio,
            _ => true,
        };
    }

    /// <summary>The first <c>--th-covers</c> name that exists in the folder, resolved through the Vfs like any other
    /// path (so a cover that is a symlink out of the volume, or a dotfile the user may not see, is not used).</summary>
    private static FileInfo? FindCover(RequestContext rc, MediaOptions media)
    {
        var t = rc.Target;
        foreach (var name in media.Covers)
        {
            var vpath = t.VPath.Length == 0 ? name : t.VPath + "/" + name;
            var res = rc.Options.Vfs.ResolveNormalized(vpath, rc.User);
            if (!res.Ok || res.Path.FsPath is null || (res.Path.HasDotSegment && !res.Path.Can(Perm.Dots)))
            {
                continue;
            }
            var f = new FileInfo(res.Path.FsPath);
            if (f.Exists)
            {
                return f;
            }
        }
        return null;
    }

    private static Task FallbackAsync(RequestContext rc, ThumbFormat fmt, string name) =>
        fmt.Output == ThumbOutput.Png ? Reply.Error(rc, 404, "no waveform for this file") : SendIconAsync(rc, IconSvg.LabelFor(name));

    /// <summary>An SVG icon; the same label always gives the same bytes, so browsers may cache it (copyparty does too).</summary>
    private static async Task SendIconAsync(RequestContext rc, string label)
    {
        var body = Encoding.UTF8.GetBytes(IconSvg.For(label));
        var res = rc.Response;
        res.StatusCode = 200;
        res.ContentType = "image/svg+xml";
        res.Headers.CacheControl = "max-age=300";
        res.ContentLength = body.Length;
        if (!rc.IsHead)
        {
            await res.Body.WriteAsync(body, rc.Http.RequestAborted);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "no thumbnail for {Path} ({Format}): {Status}")]
    private static partial void LogFailed(ILogger logger, string path, string format, ThumbStatus status);
}
