// Every English string of the UI, in one table, so a translation is one more table of the same keys.
// Values are plain text; {0}, {1}… are filled in by t().

const en = {
  // top bar and tabs
  'tab.files': 'Files',
  'tab.upload': 'Upload',
  'tab.search': 'Search',
  'tab.unpost': 'My uploads',
  'tab.settings': 'Settings',
  'top.tree': 'Folders',
  'top.tree.tip': 'Show or hide the folder tree (B)',
  'top.login': 'Log in',
  'top.logout': 'Log out',
  'top.user': 'Signed in as {0}',
  'top.anon': 'Not signed in',
  'top.help': 'Keyboard shortcuts (?)',

  // listing
  'col.name': 'Name',
  'col.size': 'Size',
  'col.ext': 'Type',
  'col.date': 'Modified',
  'col.tag.up_ip': 'Uploader IP',
  'col.tag..up_at': 'Uploaded',
  'col.tag..dur': 'Duration',
  'col.tag..files': 'Files',
  'list.empty': 'This folder is empty.',
  'list.emptyup': 'This folder is empty. Drop files here to upload them.',
  'list.noread': 'You may upload here, but not see what is here.',
  'list.loading': 'Loading…',
  'list.error': 'Could not open this folder: {0}',
  'list.parent': 'Parent folder',
  'list.summary': '{0} folders, {1} files, {2}',
  'list.selected': '{0} selected ({1})',
  'list.folder': 'folder',
  'view.list': 'List',
  'view.grid': 'Grid',
  'view.tip': 'List or grid view (G)',
  'view.thumbs': 'Thumbnails',
  'view.thumbs.tip': 'Thumbnails or icons in the grid (T)',

  // file manager
  'fm.newfolder': 'New folder',
  'fm.newfile': 'New document',
  'fm.download': 'Download',
  'fm.download.tip': 'Download the selection as one {0} file',
  'fm.cut': 'Cut',
  'fm.copy': 'Copy',
  'fm.paste': 'Paste {0}',
  'fm.paste.tip': 'Move or copy the {0} items you cut or copied into this folder (Ctrl-V)',
  'fm.rename': 'Rename',
  'fm.delete': 'Delete',
  'fm.selectall': 'Select all',
  'fm.clear': 'Clear selection',
  'fm.msg': 'Send message',
  'fm.msg.ask': 'Message to the server owner (it goes to the server log):',
  'fm.msg.ok': 'Message sent.',
  'fm.ask.folder': 'Name of the new folder:',
  'fm.ask.file': 'Name of the new markdown document:',
  'fm.ask.rename': 'New name:',
  'fm.confirm.delete': 'Delete {0} item(s)? This cannot be undone.\n\n{1}',
  'fm.cut.ok': '{0} item(s) cut: open the destination folder and press Paste (Ctrl-V).',
  'fm.copy.ok': '{0} item(s) copied: open the destination folder and press Paste (Ctrl-V).',
  'fm.paste.ok': '{0} item(s) moved here.',
  'fm.pastecopy.ok': '{0} item(s) copied here.',
  'fm.rename.ok': 'Renamed.',
  'fm.renamed.n': 'Renamed {0} file(s).',
  'fm.delete.ok': '{0} item(s) deleted.',
  'fm.mkdir.ok': 'Created the folder “{0}”.',
  'fm.fail': '{0} failed: {1}',
  'fm.nothing': 'Select some files first.',
  'fm.same': 'That is where they already are.',

  // batch rename
  'br.title': 'Rename {0} files',
  'br.regex': 'Find (regular expression)',
  'br.format': 'New name',
  'br.help': 'In "New name": $1, $2… are the groups found, (name) (ext) (n) are the old name, the extension and the position; tags from the index too, e.g. (artist) (title) (tn). $lpad((n),3,0) pads to 3 characters on the left, $rpad on the right.',
  'br.preset': 'Presets',
  'br.preset.save': 'Save as preset',
  'br.preset.name': 'Name of the preset:',
  'br.go': 'Rename all',
  'br.cancel': 'Cancel',
  'br.old': 'Now',
  'br.new': 'After',

  // uploader
  'up.drop': 'Drop files or folders here',
  'up.dropok': 'Drop to upload into {0}',
  'up.dropsearch': 'Drop to search for these files on the server',
  'up.pick': 'Choose files',
  'up.pickdir': 'Choose a folder',
  'up.mode.up': 'Upload',
  'up.mode.search': 'Find on server',
  'up.mode.tip': '"Find on server" hashes your files and tells you where the server already has them; nothing is uploaded.',
  'up.into': 'into {0}',
  'up.basic': 'Basic uploader (no resume)',
  'up.basic.send': 'Upload',
  'up.nowrite': 'You cannot upload into this folder.',
  'up.all': 'All',
  'up.ok': 'Uploaded',
  'up.ng': 'Failed',
  'up.done': 'Already there',
  'up.busy': 'Busy',
  'up.queued': 'Waiting',
  'up.hashing': 'hashing {0}%',
  'up.sending': 'sending {0}%',
  'up.waiting': 'waiting',
  'up.handshake': 'checking',
  'up.found': 'found {0} time(s)',
  'up.notfound': 'not on the server',
  'up.total': '{0} of {1} files · {2} of {3} · {4}/s · {5} left',
  'up.idle': 'No uploads yet.',
  'up.resume': 'Interrupted uploads from before: {0}. Choose or drop the same files again into the same folder to continue where they stopped.',
  'up.forget': 'Forget',
  'up.leave': 'Uploads are still running. Leave anyway?',
  'up.insecure': 'This page is not a secure context (plain http on a network address): files are hashed by the slower built-in SHA-512.',
  'up.clear': 'Clear finished',

  // search
  'srch.name': 'Name contains',
  'srch.path': 'Folder path contains',
  'srch.sizemin': 'Size at least (MiB)',
  'srch.sizemax': 'Size at most (MiB)',
  'srch.after': 'Modified after',
  'srch.before': 'Modified before',
  'srch.tags': 'Tags contain',
  'srch.raw': 'Raw query',
  'srch.raw.tip': 'e.g.  name like *.flac and size > 10',
  'srch.go': 'Search',
  'srch.none': 'Nothing found.',
  'srch.hits': '{0} found',
  'srch.trunc': '{0} found (more exist; narrow the search)',
  'srch.noindex': 'Search needs the file index (start the server with -e2dsa).',

  // unpost
  'unp.intro': 'Your recent uploads from this address. You may delete them for a while after uploading.',
  'unp.none': 'You have no recent uploads here.',
  'unp.unfinished': 'Unfinished ({0}% done)',
  'unp.delete': 'Delete',
  'unp.deletesel': 'Delete selected',
  'unp.refresh': 'Refresh',
  'unp.filter': 'Filter',
  'unp.ok': '{0} upload(s) deleted.',

  // settings
  'set.theme': 'Theme',
  'set.theme.auto': 'Like the system',
  'set.theme.light': 'Light',
  'set.theme.dark': 'Dark',
  'set.conns': 'Parallel uploads (chunks in flight)',
  'set.hashers': 'Hashing threads',
  'set.sortkey': 'Sort by',
  'set.arc': 'Download folders and selections as',
  'set.dirsfirst': 'Folders first',
  'set.dots': 'Show hidden files (dotfiles)',
  'set.navpane': 'Show the folder tree',
  'set.grid': 'Grid view',
  'set.reset': 'Reset all settings',

  // login
  'login.title': 'Log in',
  'login.pw': 'Password',
  'login.go': 'Log in',
  'login.bad': 'Wrong password.',
  'login.cancel': 'Cancel',

  // dialogs and misc
  'dlg.ok': 'OK',
  'dlg.cancel': 'Cancel',
  'err.net': 'The server did not answer.',
  'err.perm': 'You do not have permission to do that here.',
  'help.title': 'Keyboard shortcuts',
  'help.keys': [
    ['↑ ↓', 'move the cursor'], ['Shift + ↑ ↓', 'select while moving'], ['Space', 'select or unselect'],
    ['Ctrl-A', 'select all / none'], ['Enter', 'open'], ['M or Backspace', 'parent folder'],
    ['I / K', 'previous / next folder'], ['B', 'folder tree on / off'], ['G', 'list / grid'], ['T', 'thumbnails / icons'],
    ['Ctrl-X / Ctrl-C / Ctrl-V', 'cut / copy / paste'], ['F2', 'rename'], ['Ctrl-K or Delete', 'delete'],
    ['Y', 'download the selection'], ['/', 'search'], ['U', 'upload'], ['Esc', 'close, clear selection'], ['?', 'this help'],
  ],
};

let table = en;

/** Looks up a string and fills in {0}, {1}… */
export function t(key, ...args) {
  const s = table[key] ?? en[key] ?? key;
  if (typeof s !== 'string') return s;
  return args.length ? s.replace(/\{(\d)\}/g, (_, i) => String(args[+i])) : s;
}

/** Installs a translation (a table with some or all of the keys above); missing keys stay English. */
export function setLanguage(tbl) {
  table = tbl || en;
}
