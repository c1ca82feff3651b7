// Syntax highlighting for the text viewer, written for SharpParty (no served npm highlighter; copyparty vendors
// prism.js). One pass per file with one sticky regex per language: each alternative is a token class (comment,
// string, number, keyword, ...), everything else is copied as plain text. Output is HTML-escaped text in <span>s, so
// a file can never inject markup. Good enough to read code; not a parser (no nesting, no regex literals in JS).
//
//   import { languageOf, highlight } from '/.cpr/media/highlight.js';
//   pre.innerHTML = highlight(text, languageOf('main.py'));

const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const words = (s) => new RegExp('\\b(?:' + s.trim().split(/\s+/).join('|') + ')\\b');

const C_KW = `if else for while do switch case default break continue return goto sizeof typedef struct union enum
    static const extern volatile register inline void char short int long float double signed unsigned bool true false
    NULL nullptr auto class public private protected virtual override template typename namespace using new delete
    this throw try catch operator friend explicit mutable constexpr noexcept`;
const LANGS = {
    c: { line: '//', block: ['/\\*', '\\*/'], kw: C_KW, pre: true },
    cs: {
        line: '//', block: ['/\\*', '\\*/'], pre: true, verbatim: true,
        kw: `abstract as base bool break byte case catch char checked class const continue decimal default delegate do
        double else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface
        internal is lock long namespace new null object operator out override params private protected public readonly
        ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint
        ulong unchecked unsafe ushort using virtual void volatile while var async await record init required get set
        value yield partial where when with nameof dynamic global not and or`,
    },
    java: {
        line: '//', block: ['/\\*', '\\*/'],
        kw: `abstract assert boolean break byte case catch char class const continue default do double else enum extends
        final finally float for goto if implements import instanceof int interface long native new package private
        protected public return short static strictfp super switch synchronized this throw throws transient try void
        volatile while true false null var record sealed permits yield fun val when object companion data`,
    },
    js: {
        line: '//', block: ['/\\*', '\\*/'], template: true,
        kw: `break case catch class const continue debugger default delete do else export extends finally for function if
        import in instanceof let new return super switch this throw try typeof var void while with yield async await of
        true false null undefined static get set interface type enum implements private protected public readonly
        declare namespace abstract as from keyof`,
    },
    go: {
        line: '//', block: ['/\\*', '\\*/'], template: true,
        kw: `break case chan const continue default defer else fallthrough for func go goto if import interface map package
        range return select struct switch type var true false nil iota string int int64 uint8 byte rune error bool`,
    },
    rust: {
        line: '//', block: ['/\\*', '\\*/'],
        kw: `as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move
        mut pub ref return self Self static struct super trait true type unsafe use where while Some None Ok Err`,
    },
    py: {
        line: '#', triple: true,
        kw: `and as assert async await break class continue def del elif else except False finally for from global if
        import in is lambda None nonlocal not or pass raise return True try while with yield self match case`,
    },
    sh: {
        line: '#', vars: true,
        kw: `if then else elif fi case esac for while until do done in function return local export readonly declare
        set unset shift exit break continue source alias echo cd test`,
    },
    rb: { line: '#', kw: `def end if elsif else unless while until for in do return class module self nil true false and or not yield begin rescue ensure require` },
    lua: { line: '--', kw: `and break do else elseif end false for function if in local nil not or repeat return then true until while` },
    sql: {
        line: '--', block: ['/\\*', '\\*/'], nocase: true,
        kw: `select from where and or not insert into values update set delete create table index view drop alter join left
        right inner outer on as group by order having limit offset union all distinct null is in like between case when
        then else end primary key foreign references default integer text real blob`,
    },
    php: { line: '//', block: ['/\\*', '\\*/'], vars: true, kw: `function return if else elseif foreach for while echo class public private protected static new null true false array use namespace` },
    css: { block: ['/\\*', '\\*/'], css: true },
    conf: { line: '[#;]', conf: true },
    yaml: { line: '#', yaml: true, kw: 'true false null yes no on off' },
    json: { json: true, kw: 'true false null' },
    markup: { markup: true },
    diff: { diff: true },
};

const EXT = {
    c: 'c', h: 'c', cpp: 'c', cc: 'c', cxx: 'c', hpp: 'c', hh: 'c', ino: 'c', m: 'c', swift: 'c', dart: 'c',
    cs: 'cs', java: 'java', kt: 'java', kts: 'java', scala: 'java', groovy: 'java', gradle: 'java',
    js: 'js', mjs: 'js', cjs: 'js', jsx: 'js', ts: 'js', tsx: 'js', go: 'go', rs: 'rust',
    py: 'py', pyw: 'py', pyi: 'py', sh: 'sh', bash: 'sh', zsh: 'sh', ksh: 'sh', fish: 'sh', ps1: 'sh',
    rb: 'rb', pl: 'rb', pm: 'rb', r: 'rb', lua: 'lua', sql: 'sql', php: 'php',
    css: 'css', scss: 'css', less: 'css',
    ini: 'conf', cfg: 'conf', conf: 'conf', toml: 'conf', properties: 'conf', env: 'conf', desktop: 'conf', service: 'conf',
    yaml: 'yaml', yml: 'yaml', json: 'json', jsonc: 'json', webmanifest: 'json',
    html: 'markup', htm: 'markup', xhtml: 'markup', xml: 'markup', svg: 'markup', vue: 'markup', xsl: 'markup', plist: 'markup',
    csproj: 'markup', props: 'markup', targets: 'markup', resx: 'markup',
    diff: 'diff', patch: 'diff',
};
const NAMES = { makefile: 'sh', dockerfile: 'sh', containerfile: 'sh', '.bashrc': 'sh', '.profile': 'sh', '.gitconfig': 'conf', '.editorconfig': 'conf' };

/** Plain text files the viewer opens without highlighting. */
const PLAIN = new Set('txt text log nfo csv tsv md markdown rst adoc tex srt vtt sub ass cue m3u m3u8 pls gitignore gitattributes lock sum'.split(' '));

/** The language of a file name, '' for plain text, or null when it is not a text file the viewer knows. */
export function languageOf(name) {
    const lower = name.toLowerCase();
    if (NAMES[lower]) return NAMES[lower];
    const dot = lower.lastIndexOf('.');
    const ext = dot < 0 ? '' : lower.slice(dot + 1);
    if (EXT[ext]) return EXT[ext];
    if (PLAIN.has(ext) || /^(readme|license|copying|changelog|authors|notice)$/.test(lower)) return '';
    return null;
}

const cache = new Map();

/** One sticky regex for a language; the capture group that matched names the token class. */
function compile(lang) {
    if (cache.has(lang)) return cache.get(lang);
    const d = LANGS[lang];
    const parts = []; // [class, source]
    if (d.markup) {
        parts.push(['com', '<!--[\\s\\S]*?(?:-->|$)'], ['kw', '<!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)'], ['kw', '<[!?][^>]*>?'],
            ['tag', '</?[A-Za-z][\\w:.-]*'], ['str', '"[^"]*"|\'[^\']*\''], ['attr', '[A-Za-z_:][\\w:.-]*(?==)'], ['tag', '/?>'],
            ['num', '&#?\\w+;']);
    } else if (d.diff) {
        parts.push(['meta', '^(?:@@.*|diff .*|index .*|\\+\\+\\+ .*|--- .*)$'], ['add', '^\\+.*$'], ['del', '^-.*$']);
    } else {
        if (d.block) parts.push(['com', d.block[0] + '[\\s\\S]*?(?:' + d.block[1] + '|$(?![\\s\\S]))']);
        if (d.line) parts.push(['com', (d.line === '#' && d.vars ? '(?<![\\w$])#' : d.line) + '.*']);
        if (d.conf) parts.push(['kw', '^\\s*\\[[^\\]\\n]*\\]'], ['attr', '^\\s*[\\w.\\-"]+(?=\\s*[=:])']);
        if (d.yaml) parts.push(['attr', '^\\s*-?\\s*[\\w.\\-"\' ]+(?=:(?:\\s|$))'], ['meta', '^(?:---|\\.\\.\\.)$']);
        if (d.json) parts.push(['attr', '"(?:[^"\\\\\\n]|\\\\.)*"(?=\\s*:)']);
        if (d.css) parts.push(['str', '"[^"\\n]*"|\'[^\'\\n]*\''], ['attr', '[\\w-]+(?=\\s*:[^;{}]*[;}])'], ['kw', '@[\\w-]+|#[\\da-fA-F]{3,8}\\b'],
            ['tag', '[.#]?[A-Za-z_][\\w-]*(?=[^{};]*\\{)'], ['num', '-?\\d*\\.?\\d+(?:%|[a-z]+)?']);
        if (d.triple) parts.push(['str', '[rbuf]{0,2}(?:"""[\\s\\S]*?(?:"""|$(?![\\s\\S]))|\'\'\'[\\s\\S]*?(?:\'\'\'|$(?![\\s\\S])))']);
        if (d.verbatim) parts.push(['str', '\\$?@"(?:[^"]|"")*"']);
        if (d.template) parts.push(['str', '`(?:[^`\\\\]|\\\\[\\s\\S])*(?:`|$(?![\\s\\S]))']);
        if (!d.css) parts.push(['str', '"(?:[^"\\\\\\n]|\\\\.)*"?|\'(?:[^\'\\\\\\n]|\\\\.)*\'?']);
        if (d.pre) parts.push(['meta', '^\\s*#\\s*\\w+']);
        if (d.vars) parts.push(['attr', '\\$\\{[^}\\n]*\\}|\\$[\\w@#?*!$-]+']);
        if (!d.css) parts.push(['num', '\\b(?:0[xX][\\da-fA-F_]+|0[bB][01_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][+-]?\\d+)?)[a-zA-Z]*\\b']);
        if (d.kw) parts.push(['kw', words(d.kw).source]);
        if (!d.css && !d.json) parts.push(['fn', '\\b[A-Za-z_]\\w*(?=\\s*\\()']);
    }
    const re = new RegExp(parts.map(([, src]) => '(' + src + ')').join('|'), 'gm' + (d.nocase ? 'i' : ''));
    const c = { re, classes: parts.map(([cls]) => cls) };
    cache.set(lang, c);
    return c;
}

/** HTML for a text in a language ('' or unknown: escaped plain text). */
export function highlight(text, lang) {
    if (!lang || !LANGS[lang]) return esc(text);
    const { re, classes } = compile(lang);
    let out = '';
    let at = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0].length === 0) {
            re.lastIndex++; // an empty match (an anchor at a line start) must not stall the loop
            continue;
        }
        let g = 1;
        while (m[g] === undefined) g++;
        out += esc(text.slice(at, m.index)) + '<span class="spt-' + classes[g - 1] + '">' + esc(m[0]) + '</span>';
        at = m.index + m[0].length;
    }
    return out + esc(text.slice(at));
}
