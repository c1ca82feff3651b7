using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// One measurement of the web UI in headless Chromium (Debian's /usr/bin/chromium), printed as one number:
//   listing URL        ms from navigation start until the listing is drawn, cold cache then warm (two numbers)
//   upload URL FILE    seconds from handing the file to the page until the uploader is done
//   uploaddir URL DIR  the same for a folder (the folder picker)
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: WebUiBench listing URL | upload URL FILE | uploaddir URL DIR");
    return 2;
}
using var pw = await Playwright.CreateAsync();
await using var browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
var ctx = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 800 } });
// WEBUI_SETTINGS='{"hashers":4}': the page's settings (localStorage sp-*) before it loads, to compare them
if (Environment.GetEnvironmentVariable("WEBUI_SETTINGS") is { Length: > 0 } settings)
{
    await ctx.AddInitScriptAsync("(s => { for (const [k, v] of Object.entries(s)) localStorage.setItem('sp-' + k, JSON.stringify(v)); })(" + settings + ")");
}
var page = await ctx.NewPageAsync();
page.SetDefaultTimeout(600_000);
var inv = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "navtiming":
    {
        // where a page's load goes (a diagnostic): response, DOMContentLoaded and load, ms from navigation start, N times
        for (var i = 0; i < 4; i++)
        {
            await page.GotoAsync(args[1]);
            Console.WriteLine(await page.EvaluateAsync<string>(
                "(() => { const n = performance.getEntriesByType('navigation')[0]; return `response ${n.responseStart.toFixed(0)}-${n.responseEnd.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)} load ${n.loadEventEnd.toFixed(0)}`; })()"));
        }
        return 0;
    }
    case "readbench":
    {
        // a diagnostic: how fast the page can read a File (slices into ArrayBuffers, or its stream) and digest it
        await page.GotoAsync(args[1]);
        await page.EvaluateAsync("() => { const i = document.createElement('input'); i.type = 'file'; i.id = 'rb'; document.body.append(i); }");
        await page.SetInputFilesAsync("#rb", args[2]);
        Console.WriteLine(await page.EvaluateAsync<string>("""
            (async () => {
              const f = document.getElementById('rb').files[0], cs = 4 << 20, n = Math.min(64, Math.floor(f.size / cs)), out = [];
              let t0 = performance.now();
              for (let i = 0; i < n; i++) await f.slice(i * cs, (i + 1) * cs).arrayBuffer();
              out.push(`slice ${(n * 4 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              t0 = performance.now();
              await Promise.all([0, 1, 2, 3].map(async k => { for (let i = k; i < n; i += 4) await f.slice(i * cs, (i + 1) * cs).arrayBuffer(); }));
              out.push(`slice x4 ${(n * 4 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              t0 = performance.now();
              const r = f.slice(0, n * cs).stream().getReader(); let got = 0;
              for (;;) { const { done, value } = await r.read(); if (done) break; got += value.length; }
              out.push(`stream ${(got / 1048576 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              const streamInto = async (a, b) => { const dst = new Uint8Array(b - a); const r = f.slice(a, b).stream().getReader(); let o = 0;
                                                   for (;;) { const { done, value } = await r.read(); if (done) break; dst.set(value, o); o += value.length; } return dst; };
              t0 = performance.now();
              await Promise.all([0, 1].map(async k => { for (let i = k; i < n; i += 2) await streamInto(i * cs, (i + 1) * cs); }));
              out.push(`stream 4 MiB x2 ${(n * 4 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              t0 = performance.now();
              await Promise.all([0, 1, 2, 3].map(async k => { for (let i = k; i < n; i += 4) await streamInto(i * cs, (i + 1) * cs); }));
              out.push(`stream 4 MiB x4 ${(n * 4 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              const drain = async (a, b) => { const r = f.slice(a, b).stream().getReader(); let g = 0; for (;;) { const { done, value } = await r.read(); if (done) break; g += value.length; } return g; };
              t0 = performance.now();
              const half = (n * cs) / 2;
              await Promise.all([drain(0, half), drain(half, n * cs)]);
              out.push(`2 long streams ${(n * 4 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              const buf = await f.slice(0, cs).arrayBuffer();
              t0 = performance.now();
              for (let i = 0; i < 32; i++) await crypto.subtle.digest('SHA-512', buf);
              out.push(`digest ${(128 / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s`);
              return out.join(', ');
            })()
            """));
        return 0;
    }
    case "eval":
    {
        // a diagnostic: evaluates a script in the page after it is ready, prints what it returns
        await page.GotoAsync(args[1]);
        await page.WaitForSelectorAsync(".app[data-ready='1']");
        Console.WriteLine(await page.EvaluateAsync<string>(args[2]));
        return 0;
    }
    case "listing":
    {
        // interactive = the first animation frame in which the rows are drawn (the module has handed them to the
        // browser and listens for keys; End below checks that it does), timed inside the page from navigation start.
        // What Playwright sees is later by its own protocol round trips (hundreds of ms on a loaded machine), so that
        // number is printed too ("seen"), but it is not the page's time.
        await ctx.AddInitScriptAsync("""
            (() => { const tick = () => { if (document.querySelector(".app[data-ready='1'] .lv-row")) performance.mark('sp-drawn');
                                          else requestAnimationFrame(tick); };
                     requestAnimationFrame(tick); })()
            """);
        var seen = new List<double>();
        async Task<double> Once()
        {
            await page.GotoAsync(args[1]);
            await page.WaitForSelectorAsync(".app[data-ready='1'] .lv-row");
            seen.Add(await page.EvaluateAsync<double>("performance.now()"));
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('sp-drawn').length > 0");
            return await page.EvaluateAsync<double>("performance.getEntriesByName('sp-drawn')[0].startTime");
        }
        var cold = await Once();
        if (Environment.GetEnvironmentVariable("WEBUI_DETAIL") == "1")
        {
            Console.Error.WriteLine(await page.EvaluateAsync<string>(
                "performance.getEntriesByType('resource').map(e => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`).join('\\n')"));
            Console.Error.WriteLine(await page.EvaluateAsync<string>(
                "performance.getEntriesByType('mark').map(e => `${e.name}=${e.startTime.toFixed(0)}`).join(' ') + ' dcl=' + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd.toFixed(0) + ' resp=' + performance.getEntriesByType('navigation')[0].responseStart.toFixed(0) + '-' + performance.getEntriesByType('navigation')[0].responseEnd.toFixed(0)"));
        }
        var warm = await Once();
        // where the time goes: the HTML page (server-rendered, 10,000 rows for the no-JavaScript case), then the module
        var marks = await page.EvaluateAsync<string>(
            "(() => { const n = performance.getEntriesByType('navigation')[0]; const m = k => performance.getEntriesByName(k)[0]?.startTime ?? -1;"
            + " const more = performance.getEntriesByType('mark').filter(e => e.name.startsWith('sp-') && !['sp-start', 'sp-ready', 'sp-drawn'].includes(e.name)).map(e => `${e.name}=${e.startTime.toFixed(0)}`).join(' ');"
            + " return `request-start=${n.requestStart.toFixed(0)} response-start=${n.responseStart.toFixed(0)} html-response-end=${n.responseEnd.toFixed(0)} dom-loaded=${n.domContentLoadedEventEnd.toFixed(0)} module-start=${m('sp-start').toFixed(0)} ${more} ready=${m('sp-ready').toFixed(0)}`; })()");
        await page.Keyboard.PressAsync("End");
        var last = await page.EvaluateAsync<int>("document.querySelectorAll('.lv-row').length");
        Console.WriteLine(string.Create(inv, $"{cold:F0} {warm:F0} rows-in-dom={last} seen-by-playwright={seen[0]:F0}/{seen[1]:F0} warm: {marks}"));
        return 0;
    }
    case "upload":
    case "uploaddir":
    {
        await page.GotoAsync(args[1]);
        await page.WaitForSelectorAsync(".app[data-ready='1']");
        await page.ClickAsync(".tabs [data-tab=upload]");
        var input = page.Locator(args[0] == "upload" ? ".dropzone input:not([webkitdirectory])" : ".dropzone input[webkitdirectory]");
        var count = args[0] == "upload" ? 1 : Directory.GetFiles(args[2], "*", SearchOption.AllDirectories).Length;
        // WEBUI_PROFILE=FILE: V8's CPU profile of the page during the upload (a .cpuprofile, Chrome DevTools opens it)
        var profileTo = Environment.GetEnvironmentVariable("WEBUI_PROFILE");
        ICDPSession? cdp = null;
        if (!string.IsNullOrEmpty(profileTo))
        {
            cdp = await ctx.NewCDPSessionAsync(page);
            await cdp.SendAsync("Profiler.enable");
            await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 500 });
            await cdp.SendAsync("Profiler.start");
        }
        var sw = Stopwatch.StartNew();
        await input.SetInputFilesAsync(args[2]);
        // one call that resolves in the page when the uploader is done (polling from here would cost the page a
        // protocol round trip every few ms, which the command-line client does not pay)
        await page.EvaluateAsync("""
            n => new Promise(resolve => {
                const check = () => { const u = window.sp.panels.upload?.up;
                                      if (u && u.jobs.length === n && !u.busy()) { resolve(); return true; } return false; };
                if (check()) return;
                const u = window.sp.panels.upload.up;
                const on = () => { if (check()) { u.removeEventListener('change', on); u.removeEventListener('idle', on); } };
                u.addEventListener('change', on);
                u.addEventListener('idle', on);
            })
            """, count);
        var s = sw.Elapsed.TotalSeconds;
        if (cdp is not null)
        {
            var prof = await cdp.SendAsync("Profiler.stop");
            await File.WriteAllTextAsync(profileTo!, prof!.Value.GetProperty("profile").GetRawText());
        }
        var bad = await page.EvaluateAsync<int>("window.sp.panels.upload.up.jobs.filter(j => j.state !== 'ok').length");
        if (bad > 0)
        {
            Console.Error.WriteLine($"{bad} uploads did not finish ok");
            return 1;
        }
        // where the time went (stderr, for the reader; the script takes the number on stdout): when the last file was
        // hashed, and per file the median time hashing and from hashed to done (handshakes + POSTs + queueing)
        var where = await page.EvaluateAsync<string>("""
            (() => { const u = window.sp.panels.upload.up, js = u.jobs, t0 = u.t0;
                     if (!js[0]?.t) return 'no timings in this build';
                     const med = a => { a.sort((x, y) => x - y); return a[Math.floor(a.length / 2)] ?? -1; };
                     const last = Math.max(...js.map(j => j.t.hashed ?? 0)) - t0;
                     return `hash-kind=${u.hashKind} last-hashed=${last.toFixed(0)}ms hashing=${med(js.map(j => j.t.hashed - j.t.hash)).toFixed(1)}ms`
                       + ` hashed-to-done=${med(js.map(j => j.t.done - j.t.hashed)).toFixed(1)}ms`
                       + ` p90=${(() => { const a = js.map(j => j.t.done - j.t.hashed).sort((x, y) => x - y); return a[Math.floor(a.length * 0.9)].toFixed(0); })()}ms`
                       + ` max=${Math.max(...js.map(j => j.t.done - j.t.hashed)).toFixed(0)}ms`
                       + ` handshakes=${js.reduce((s, j) => s + j.handshakes, 0)}`; })()
            """);
        Console.Error.WriteLine(where);
        Console.WriteLine(s.ToString("F2", inv));
        return 0;
    }
    default:
        Console.Error.WriteLine("unknown mode " + args[0]);
        return 2;
}
