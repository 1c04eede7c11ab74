import { describe, expect, it } from 'vitest';
import {
  escapeCodeBlock,
  escapeHtml,
  escapeMarkdownInline,
  escapeTerminal,
  escapeXml,
  escapeXmlAttr,
  stripControlChars,
  truncate,
} from '../../src/report/escape.js';
import { decodeEntities, HOSTILE_OUTPUT } from './fixture.js';

const ZWSP = '\u200b';
const MARKDOWN_SYNTAX = /[<>|`*_[\]~$\\]/;

describe('escapeMarkdownInline', () => {
  const out = escapeMarkdownInline(HOSTILE_OUTPUT);

  it('leaves no character that Markdown or HTML would act on', () => {
    expect(out).not.toMatch(MARKDOWN_SYNTAX);
    expect(out).not.toMatch(/["']/);
    expect(out).not.toMatch(/[\n\r]/);
    // Every & starts one of the entities we emit.
    expect(out.replace(/&(#\d+|amp|lt|gt|quot);/g, '')).not.toContain('&');
  });

  it('cannot ping or cross-link: @ and #123 are split by a zero-width space', () => {
    const decoded = decodeEntities(out);
    expect(decoded).not.toMatch(/@[\w-]/);
    expect(decoded).not.toMatch(/#\d/);
    expect(decoded).toContain(`@${ZWSP}octocat`);
    expect(decoded).toContain(`@${ZWSP}org/team`);
    expect(decoded).toContain(`#${ZWSP}123`);
    expect(escapeMarkdownInline('C# and # alone')).toBe('C&#35; and &#35; alone');
  });

  it('reads as the original text on one line, minus control characters', () => {
    const decoded = decodeEntities(out).replaceAll(ZWSP, '');
    expect(decoded).toContain('</details><img src=x onerror=alert(1)>');
    expect(decoded).toContain('| a | b | |---|---| ``` rm -rf /');
    expect(decoded).toContain('RED bell nul vt del');
    expect(decoded).not.toMatch(/[\u0000-\u001f\u007f\ufffe\ud800]/);
    expect(decoded).not.toContain('[31m');
  });

  it('does not let a line start a list, heading underline or ordered list', () => {
    expect(escapeMarkdownInline('- item')).toBe('&#45; item');
    expect(escapeMarkdownInline('+ item')).toBe('&#43; item');
    expect(escapeMarkdownInline('===')).toBe('&#61;==');
    expect(escapeMarkdownInline('1. first')).toBe('1&#46; first');
    expect(escapeMarkdownInline('# heading')).toBe('&#35; heading');
    expect(escapeMarkdownInline('> quote')).toBe('&gt; quote');
  });

  it('truncates before escaping, so no entity is cut, and marks the cut', () => {
    const s = escapeMarkdownInline('<<<<<<<<<<<<', 5);
    expect(s).toBe('&lt;&lt;&lt;&lt;…');
    expect(escapeMarkdownInline('short', 5)).toBe('short');
    expect(Array.from(decodeEntities(escapeMarkdownInline('😀'.repeat(10), 4)))).toHaveLength(4);
  });

  it('cannot autolink: a scheme and www. are split by a zero-width space', () => {
    const text =
      'see https://evil.test/x, ftp://f.test, HTTP://a.test and www.evil.test or WWW.x.test';
    const escaped = escapeMarkdownInline(text);
    expect(escaped).toBe(
      `see https:${'&#8203;'}//evil.test/x, ftp:&#8203;//f.test, HTTP:&#8203;//a.test and www&#8203;.evil.test or WWW&#8203;.x.test`,
    );
    const decoded = decodeEntities(escaped);
    expect(decoded).not.toMatch(/:\/\/|www\./i);
    // What a reader sees (and copies, less the invisible space) is the text as it was.
    expect(decoded.replaceAll(ZWSP, '')).toBe(text);
    expect(decodeEntities(escapeMarkdownInline('mail a@b.test')).replaceAll(ZWSP, '')).toBe(
      'mail a@b.test',
    );
    expect(escapeMarkdownInline('a: b, ratio 1:2, w.w.w.')).toBe('a: b, ratio 1:2, w.w.w.');
  });

  it('keeps ordinary text readable', () => {
    expect(escapeMarkdownInline('Yes, within 30 days.')).toBe('Yes, within 30 days.');
    expect(escapeMarkdownInline('a\n\n  b\tc')).toBe('a b c');
  });
});

describe('escapeCodeBlock', () => {
  const out = escapeCodeBlock(HOSTILE_OUTPUT);

  it('keeps lines but no tag, so </pre> and </details> cannot close anything', () => {
    expect(out).not.toMatch(/[<>]/);
    expect(out).toContain('\n');
    expect(out).toContain('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;/pre&gt;');
    expect(out).not.toMatch(/@[\w]/);
  });

  it('strips terminal escapes and control characters', () => {
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // The OSC title sequence is removed whole, as a terminal would consume it.
    expect(out).toContain('RED  bell');
  });

  it('truncates', () => {
    expect(escapeCodeBlock('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('escapeXml', () => {
  it('removes characters XML 1.0 forbids and escapes markup', () => {
    const out = escapeXml(HOSTILE_OUTPUT);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&(#\d+|amp|lt|gt|quot);/g, '')).not.toContain('&');
    expect(escapeXml('a & b < c ]]> d')).toBe('a &amp; b &lt; c ]]&gt; d');
  });

  it('keeps valid astral characters and newlines', () => {
    expect(escapeXml('😀\nok')).toBe('😀\nok');
    expect(escapeXmlAttr('a\nb\tc"')).toBe('a&#10;b&#9;c&quot;');
  });
});

describe('helpers', () => {
  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('stripControlChars removes ANSI sequences and normalises line ends', () => {
    expect(stripControlChars('\u001b[1;31mX\u001b[0m\r\nY\rZ\u202eW')).toBe('X\nY\nZW');
  });

  it('escapeTerminal gives one clean line', () => {
    const out = escapeTerminal(HOSTILE_OUTPUT);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(escapeTerminal('abcdef', 4)).toBe('abc…');
  });

  it('truncate counts code points', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});
