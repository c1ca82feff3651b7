// The navpane: the folder tree from the root down to the open folder (?tree), opened further on demand (?tree=.).
import { api } from './api.js';
import { el, q } from './util.js';

export class TreePane {
  constructor(host, onOpen) {
    this.host = host;
    this.onOpen = onOpen;
    this.root = el('ul.tree', { role: 'tree' });
    host.append(this.root);
    this.current = '/';
    this.dots = false;
    host.addEventListener('click', (e) => this.onClick(e));
  }

  /** Shows the tree down to dir (an absolute URL path ending in /). */
  async show(dir) {
    this.current = dir;
    let data;
    try {
      data = await api.tree(dir, this.dots);
    } catch {
      return; // the listing says what went wrong; the tree just stays as it was
    }
    if (this.current !== dir) return;
    this.root.replaceChildren(...this.level('/', data));
    const cur = this.root.querySelector('a.cur');
    cur?.scrollIntoView({ block: 'nearest' });
  }

  /** One level of {"k<name>": {…}, a: [names]} as list items; the k-entry is the open path. */
  level(base, node) {
    const open = Object.keys(node).filter((k) => k.startsWith('k')).map((k) => k.slice(1));
    return (node.a || []).map((name) => {
      const url = base + q(name) + '/';
      const sub = open.includes(name) ? node['k' + name] : null;
      return this.item(url, name, sub);
    });
  }

  item(url, name, sub) {
    const li = el('li', { role: 'treeitem', 'aria-expanded': sub ? 'true' : 'false' },
      el('button.tw', { type: 'button', tabindex: '-1', 'aria-label': 'expand', dataset: { url } }),
      el('a' + (url === this.current ? '.cur' : ''), { href: url, text: name, title: name }));
    if (sub) li.append(el('ul', { role: 'group' }, this.level(url, sub)));
    return li;
  }

  async onClick(e) {
    const tw = e.target.closest('button.tw');
    if (tw) {
      const li = tw.parentElement;
      if (li.getAttribute('aria-expanded') === 'true') {
        li.setAttribute('aria-expanded', 'false');
        li.querySelector('ul')?.remove();
        return;
      }
      const url = tw.dataset.url;
      let names = [];
      try { names = await api.subdirs(url, this.dots); } catch { /* leave it closed */ }
      li.setAttribute('aria-expanded', 'true');
      li.append(el('ul', { role: 'group' }, names.map((n) => this.item(url + q(n) + '/', n, null))));
      return;
    }
    const a = e.target.closest('a');
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      this.onOpen(a.getAttribute('href'));
    }
  }

  /** The folders next to dir in its parent, for I/K (previous/next folder). */
  siblingOf(dir, delta) {
    const a = [...this.root.querySelectorAll('a')].find((x) => x.getAttribute('href') === dir);
    if (!a) return null;
    const li = a.parentElement;
    let sib = delta < 0 ? li.previousElementSibling : li.nextElementSibling;
    return sib ? sib.querySelector(':scope > a').getAttribute('href') : null;
  }
}
