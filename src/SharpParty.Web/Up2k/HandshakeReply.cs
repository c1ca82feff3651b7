using System.Buffers;
using System.Text.Json;
using SharpParty.Core.Up2k;
using SharpParty.Web.Routing;

namespace SharpParty.Web.Up2k;

/// <summary>The handshake answer in copyparty's shape (spec §2.5).</summary>
internal static class HandshakeReply
{
    public static async Task WriteAsync(RequestContext rc, UploadJob job, List<string> need, string folderVPath, long lmod)
    {
        var buf = new ArrayBufferWriter<byte>(256 + (need.Count * 48));
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("name", job.Name);
            // the folder URL chunks are POSTed to; clients quote it themselves
            w.WriteString("purl", folderVPath.Length == 0 ? "/" : "/" + folderVPath + "/");
            w.WriteNumber("size", job.Size);
            w.WriteNumber("lmod", lmod);
            // every Linux filesystem we run on takes writes at any offset, so chunks may come in any order
            w.WriteBoolean("sprs", true);
            w.WriteStartArray("hash");
            foreach (var h in need)
            {
                w.WriteStringValue(h);
            }
            w.WriteEndArray();
            w.WriteString("dwrk", job.DataWark);
            w.WriteString("wark", job.Wark);
            w.WriteEndObject();
        }
        rc.Response.StatusCode = 200;
        rc.Response.ContentType = "application/json";
        rc.Response.ContentLength = buf.WrittenCount;
        await rc.Response.Body.WriteAsync(buf.WrittenMemory, rc.Http.RequestAborted);
    }
}
