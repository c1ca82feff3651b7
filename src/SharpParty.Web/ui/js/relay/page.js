// /.cpr/relay.html: send or receive through the relay from a browser (proto.js speaks the protocol).
import { send, receive, sha256, hex } from './proto.js';

const $ = (id) => document.getElementById(id);
const status = (s) => { $('status').textContent = s; };
const size = (b) => (b < 1024 ? `${b} B` : b < 1 << 20 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / (1 << 20)).toFixed(1)} MiB`);

$('url').value = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/.cpr/relay`;
const progress = (done, total, path) => {
  $('bar').value = total ? done / total : 1;
  status(`${size(done)} of ${size(total)}  ${path}`);
};

// for tests and scripts: what was received, with each file's sha256
const api = { received: [], state: 'idle', error: null };
window.spRelay = api;

async function run(what, job) {
  api.state = 'busy';
  api.error = null;
  $('send').disabled = $('receive').disabled = true;
  const t0 = performance.now();
  try {
    await job();
    api.state = 'done';
    status(`${what} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } catch (e) {
    api.state = 'failed';
    api.error = String(e.message ?? e);
    status(`${what} failed: ${api.error}`);
  } finally {
    $('send').disabled = $('receive').disabled = false;
  }
}

$('send').onclick = () => {
  const picked = [...$('files').files, ...$('folder').files];
  const files = picked.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  if (!files.length) { status('pick files or a folder first'); return; }
  run(`sent ${files.length} files`, () => send($('url').value, $('code').value, $('encrypt').checked, files, progress));
};

$('receive').onclick = () => {
  api.received = [];
  $('got').textContent = '';
  run('received', () => receive($('url').value, $('code').value, $('encrypt').checked, progress, async (path, blob) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = path.split('/').pop();
    a.textContent = `${path} (${size(blob.size)})`;
    li.append(a);
    $('got').append(li);
    api.received.push({ path, size: blob.size, sha256: hex(await sha256(await blob.arrayBuffer())) });
  }));
};
