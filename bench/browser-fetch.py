#!/usr/bin/env python3
"""bench/browser-fetch.py -- what one fetch() costs a page in a bare headless Chromium (no Playwright, so no DevTools
Network domain adding its own cost per request). Not part of CI.

    python3 bench/browser-fetch.py http://127.0.0.1:PORT/ /some-small-file

Starts /usr/bin/chromium headless with a private profile and a debugging port, opens the URL, runs 300 sequential
fetches of the file, then 600 with 6 at a time, and prints ms per request. Needs Debian's python3-websockets.
Only the browser this script started is stopped."""
import asyncio, json, subprocess, sys, tempfile, time, urllib.request

import websockets

url, path = sys.argv[1], sys.argv[2]
EXPR = """(async () => { const out = [];
  let t0 = performance.now();
  for (let i = 0; i < 300; i++) { const r = await fetch(%(p)s, {cache: 'no-store'}); await r.text(); }
  out.push('sequential ' + ((performance.now() - t0) / 300).toFixed(2) + ' ms/request');
  t0 = performance.now(); let i = 0;
  const worker = async () => { while (i < 600) { i++; const r = await fetch(%(p)s, {cache: 'no-store'}); await r.text(); } };
  await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
  out.push('6 at a time ' + ((performance.now() - t0) / 600).toFixed(2) + ' ms/request');
  return out.join(', '); })()""" % {"p": json.dumps(path)}

port = 9333
profile = tempfile.mkdtemp(prefix="sp-browser-fetch-")
browser = subprocess.Popen(["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", f"--remote-debugging-port={port}",
                            f"--user-data-dir={profile}", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    tabs = None
    for _ in range(100):
        try:
            tabs = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
            break
        except OSError:
            time.sleep(0.1)
    ws_url = [t for t in tabs if t["type"] == "page"][0]["webSocketDebuggerUrl"]

    async def main():
        async with websockets.connect(ws_url, max_size=None) as ws:
            seq = 0

            async def call(method, params=None):
                nonlocal seq
                seq += 1
                mine = seq
                await ws.send(json.dumps({"id": mine, "method": method, "params": params or {}}))
                for _ in range(10000):
                    m = json.loads(await asyncio.wait_for(ws.recv(), 120))
                    if m.get("id") == mine:
                        return m
                raise TimeoutError(method)

            await call("Page.enable")
            await call("Page.navigate", {"url": url})
            await asyncio.sleep(2)
            r = await call("Runtime.evaluate", {"expression": EXPR, "awaitPromise": True, "returnByValue": True})
            print(r["result"]["result"].get("value"))

    asyncio.run(main())
finally:
    browser.terminate()
    browser.wait(10)
