// Escaping for untrusted text: model outputs, dataset inputs, case ids, tag values and anything
// else that came from a file or an endpoint rather than from evalgate itself. Each renderer has
// one function here, and each of them must keep hostile text inert: it may not change the layout
// of the page around it (close a <details>, start a table cell, open a code fence), run markup
// (<img onerror>), ping anyone (@org/team), link issues (#123) or drive a terminal (ANSI escapes).

import { ANSI_SEQUENCE, BIDI, CONTROL, XML_ILLEGAL } from '../util/control-chars.js';

/**
 * Removes terminal escape sequences, control characters (keeping tab and newline) and bidi
 * overrides. `\r\n` and lone `\r` become `\n`.
 */
export function stripControlChars(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ANSI_SEQUENCE, '')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .replace(XML_ILLEGAL, '');
}

/** Where the first `n` code points of `text` end, in UTF-16 code units; O(n), whatever its length. */
function codePointsEnd(text: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < text.length; k++) {
    const hi = text.charCodeAt(i);
    const lowNext = (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += hi >= 0xd800 && hi <= 0xdbff && lowNext ? 2 : 1;
  }
  return i;
}

/**
 * Cuts `text` to at most `max` code points, ending with `…` when anything was cut (or when
 * `cut` says the text given is already a cut piece of a longer one). Looks at the first `max`
 * code points only: a 50 MB answer costs what a short one does.
 */
export function truncate(text: string, max: number, cut = false): string {
  if (!Number.isFinite(max) || (!cut && text.length <= max)) return text;
  if (!cut && codePointsEnd(text, max) >= text.length) return text;
  if (max < 1) return '';
  return `${text.slice(0, codePointsEnd(text, max - 1)).trimEnd()}…`;
}

/**
 * How much raw text can hold `max` visible code points: two code units each (surrogate pairs),
 * with room for the control sequences and runs of whitespace that escaping removes or merges.
 */
function rawBound(max: number): number {
  return 4 * max + 256;
}

/**
 * `process` (stripping, collapsing) applied to a bounded head of `text`, then cut to `max` code
 * points: the cut comes first, so the work is proportional to `max`, never to the whole text.
 * A head made almost entirely of control sequences may show less than `max`; the `…` still
 * says that text was left out.
 */
function cutThen(text: string, max: number, process: (s: string) => string): string {
  if (!Number.isFinite(max)) return process(text);
  let end = rawBound(max);
  if (text.length <= end) return truncate(process(text), max);
  // Never split a surrogate pair: half of one would become U+FFFD or be dropped as illegal.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const head = process(text.slice(0, end));
  return truncate(head, max, codePointsEnd(head, max) >= head.length);
}

/** One line: every run of whitespace (newlines, tabs, line separators) becomes one space. */
function oneLine(text: string): string {
  return text.replace(/[\s\u2028\u2029]+/g, ' ').trim();
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` for HTML text and attribute values. Nothing else. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

/** A zero-width space: splits `@name` and `#123` so GitHub neither pings nor cross-links. */
const ZWSP = '&#8203;';

// Numeric character references rather than backslash escapes: they work the same in a Markdown
// paragraph, in a table cell and inside raw HTML such as <summary>, where a backslash would show.
// `(`, `)` and `!` need nothing once `[` and `]` are escaped: they only act inside link syntax.
const MARKDOWN_ENTITIES: Record<string, string> = {
  ...HTML_ENTITIES,
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  $: '&#36;',
};

/** What escapeMarkdownInline replaces; group 1 is a `#` that would link an issue (`#123`, `#x`). */
const MARKDOWN_SPECIAL = /(#(?=[\p{L}\p{N}_-]))|[@#&<>"'|`\\*_[\]~$]/gu;

/**
 * GitHub links a bare `https://…`, `ftp://…` or `www.…` (GFM autolinks), even inside <code>. A
 * zero-width space after the scheme's `:` and inside `www.` leaves the text looking the same and
 * linking nothing. A character reference alone would not do: it is decoded before the autolinks
 * are looked for. (`user@host` mail links are broken at the `@`, as mentions are.)
 */
const AUTOLINK = /:(?=\/\/)|(?<=www)(?=\.)/gi;

/**
 * Untrusted text for one line of GitHub Markdown (a table cell, a list item, a paragraph, the
 * contents of <summary> or <code>): control characters removed, whitespace collapsed to single
 * spaces, cut to `maxLength` code points with `…`, then escaped so that it renders as the same
 * characters and nothing else: no HTML, no Markdown syntax, no table pipes, no @mentions, no
 * #issue links, no links, no math. Never wrap the result in a backtick code span (entities show
 * there); use <code> instead.
 */
export function escapeMarkdownInline(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  const plain = cutThen(text, maxLength, (s) => oneLine(stripControlChars(s)));
  // One pass over the text, no array of its characters: linear in its length.
  const out = plain.replace(MARKDOWN_SPECIAL, (ch, link: string | undefined) =>
    link
      ? `&#35;${ZWSP}`
      : ch === '@'
        ? `&#64;${ZWSP}`
        : ch === '#'
          ? '&#35;'
          : MARKDOWN_ENTITIES[ch]!,
  );
  // At the start of a line, `- `, `+ `, `1. ` would open a list and `---`/`===` underline a heading.
  return out
    .replace(AUTOLINK, (ch) => `${ch}${ZWSP}`)
    .replace(/^([-+=])(?=[-+=\s]|$)/, (_, ch: string) => `&#${ch.charCodeAt(0)};`)
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, (_, n: string, p: string) => `${n}&#${p.charCodeAt(0)};`);
}

/**
 * Untrusted text for the inside of a `<pre>` block (write `<pre>` + result + `</pre>`, with
 * `<pre>` at the start of a line): newlines kept, control characters removed, cut to
 * `maxLength` code points, HTML-escaped, so nothing inside can close the block or open a tag.
 * Fence characters (`` ` `` and `~`) are escaped and `@` gets a zero-width space as well, so
 * the text stays inert even if the block is ever shown outside an HTML block.
 */
export function escapeCodeBlock(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  const plain = cutThen(text, maxLength, stripControlChars);
  return escapeHtml(plain).replace(/[@`~]/g, (ch) =>
    ch === '@' ? `&#64;${ZWSP}` : ch === '`' ? '&#96;' : '&#126;',
  );
}

/**
 * Untrusted text for XML character data (JUnit): terminal escapes and characters XML 1.0
 * forbids removed, line ends normalised to `\n`, `& < > " '` escaped. Safe in attributes too,
 * but prefer `escapeXmlAttr` there so newlines survive attribute-value normalisation.
 */
export function escapeXml(text: string): string {
  return stripControlChars(text).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

/** Like `escapeXml`, with tab and newline as references so an attribute value keeps them. */
export function escapeXmlAttr(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * Untrusted text for one terminal line: escape sequences and controls removed, whitespace
 * collapsed, cut to `maxLength` code points.
 */
export function escapeTerminal(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  return cutThen(text, maxLength, (s) => oneLine(stripControlChars(s)));
}

/**
 * Lines that cannot be GitHub workflow commands. Run in a workflow's `run:` step, a line that
 * begins with `::` (after any whitespace, which the runner skips) is one (`::add-mask::`,
 * `::stop-commands::`): a case id or an answer quoted at a line's start is prefixed so it is not.
 * The runner also still reads the older form, `##[command]data`, anywhere in a line: a zero-width
 * space between its `#`s leaves it looking the same and meaning nothing.
 */
export function noWorkflowCommands(text: string): string {
  return text.replace(/^(\s*)::/gm, '$1> ::').replace(/##\[/g, '#\u200b#[');
}
