using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.E2E.Tests;

/// <summary>The UI's files over plain HTTP: versioned URLs cached for good, precompressed, revalidated by ETag.</summary>
public sealed partial class AssetTests
{
    [Fact]
    public async Task The_page_points_at_versioned_immutable_compressed_modules()
    {
        await using var srv = await TestServer.StartAsync(["-v", ".::r"]);
        var html = await srv.Client.GetStringAsync("/");
        var m = AppScript().Match(html);
        Assert.True(m.Success, html);
        var url = m.Groups[1].Value;

        // every module the entry imports statically is preloaded from the page, the lazily imported panels are not
        var v = url[..url.IndexOf("js/app.js", StringComparison.Ordinal)];
        foreach (var mod in (string[])["js/app.js", "js/api.js", "js/util.js", "js/browse.js", "js/upload/drop.js", "media/index.js", "media/common.js"])
        {
            Assert.Contains($"<link rel=\"modulepreload\" href=\"{v}{mod}\">", html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("upload/panel.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("search.js", html, StringComparison.Ordinal);

        // compressed in the background as the server starts: until then a file goes out as it is (never a wait), after
        // that as brotli
        HttpResponseMessage res;
        var tries = 0;
        while (true)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, url);
            req.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
            res = await srv.Client.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            if (res.Content.Headers.ContentEncoding.Count > 0 || ++tries == 100)
            {
                break;
            }
            Assert.Contains("import { api } from './api.js';", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            res.Dispose();
            await Task.Delay(100);
        }
        using var _ = res;
        Assert.Equal("public, max-age=31536000, immutable", res.Headers.CacheControl!.ToString());
        Assert.Equal("br", Assert.Single(res.Content.Headers.ContentEncoding));
        Assert.StartsWith("text/javascript", res.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        await using var br = new BrotliStream(await res.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var js = await new StreamReader(br).ReadToEndAsync();
        Assert.Contains("import { api } from './api.js';", js, StringComparison.Ordinal);

        // gzip for a client without brotli, identity for one without either; each its own ETag
        using var gzReq = new HttpRequestMessage(HttpMethod.Get, url);
        gzReq.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br;q=0");
        using var gz = await srv.Client.SendAsync(gzReq);
        Assert.Equal("gzip", Assert.Single(gz.Content.Headers.ContentEncoding));
        using var plain = await srv.Client.GetAsync(url);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(js, await plain.Content.ReadAsStringAsync());
        Assert.NotEqual(res.Headers.ETag, plain.Headers.ETag);

        // revalidation: the same ETag gives 304
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", plain.Headers.ETag!.ToString());
        using var r304 = await srv.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, r304.StatusCode);

        // an unversioned URL is the same file, but revalidated each time; an old version is not cached for good
        using var bare = await srv.Client.GetAsync("/.cpr/js/app.js");
        Assert.Equal("no-cache", bare.Headers.CacheControl!.ToString());
        using var old = await srv.Client.GetAsync("/.cpr/v-000000000000/js/app.js");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal("no-cache", old.Headers.CacheControl!.ToString());
        using var missing = await srv.Client.GetAsync(url.Replace("app.js", "nope.js", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [GeneratedRegex("<script type=\"module\" async src=\"(/\\.cpr/v-[0-9a-f]{12}/js/app\\.js)\"")]
    private static partial Regex AppScript();
}
