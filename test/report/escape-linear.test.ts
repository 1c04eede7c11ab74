import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regressionAnnotations } from '../../src/report/annotations.js';
import { renderConsole } from '../../src/report/console.js';
import {
  escapeCodeBlock,
  escapeMarkdownInline,
  escapeTerminal,
  stripControlChars,
  truncate,
} from '../../src/report/escape.js';
import { renderJunit } from '../../src/report/junit.js';
import { GITHUB_COMMENT_MAX_CHARS, renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary } from '../../src/report/write.js';
import { HOSTILE_OUTPUT, makeReport } from './fixture.js';

// The escapers as they were before they learnt to cut first: every character of the text in an
// array. Short texts must still come out exactly as they did.
function oldTruncate(text: string, max: number): string {
  if (!Number.isFinite(max) || text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  if (max < 1) return '';
  return `${points
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
const oneLine = (t: string) => t.replace(/[\s\u2028\u2029]+/g, ' ').trim();
const ZWSP = '&#8203;';
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
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
function oldMarkdownInline(text: string, max = Number.POSITIVE_INFINITY): string {
  const plain = oldTruncate(oneLine(stripControlChars(text)), max);
  let out = '';
  const points = Array.from(plain);
  for (let i = 0; i < points.length; i++) {
    const ch = points[i]!;
    if (ch === '@') out += `&#64;${ZWSP}`;
    else if (ch === '#')
      out += /[\p{L}\p{N}_-]/u.test(points[i + 1] ?? '') ? `&#35;${ZWSP}` : '&#35;';
    else out += ENTITIES[ch] ?? ch;
  }
  return out
    .replace(/^([-+=])(?=[-+=\s]|$)/, (_, ch: string) => `&#${ch.charCodeAt(0)};`)
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, (_, n: string, p: string) => `${n}&#${p.charCodeAt(0)};`);
}

// Text made of what the escapers act on: markup, mentions, issue links, controls, ANSI
// sequences, surrogate pairs and lone surrogates, runs of whitespace.
const PIECES = [
  'a',
  'é',
  '😀',
  '\ud800',
  '\udc00',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '@x',
  '#1',
  '# ',
  '<b>',
  '|',
  '`',
  '&',
  '- ',
  '1. ',
  '\u001b[31m',
  '\u001b]0;t\u0007',
  '\u0000',
  '\u202e',
  '\u2028',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));
const max = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(Number.POSITIVE_INFINITY));

describe('escapers that cut first', () => {
  it('give exactly what they gave before on texts of ordinary length', () => {
    fc.assert(
      fc.property(text, max, (t, m) => {
        expect(truncate(t, m)).toBe(oldTruncate(t, m));
        expect(escapeMarkdownInline(t, m)).toBe(oldMarkdownInline(t, m));
        expect(escapeTerminal(t, m)).toBe(oldTruncate(oneLine(stripControlChars(t)), m));
      }),
      { numRuns: 2000 },
    );
    expect(escapeMarkdownInline(HOSTILE_OUTPUT, 50)).toBe(oldMarkdownInline(HOSTILE_OUTPUT, 50));
  });

  it('cut a long text to the same visible start, marked with …', () => {
    const long = `${'@user said: <b>'.repeat(10)}${'z'.repeat(100_000)}`;
    expect(escapeMarkdownInline(long, 40)).toBe(oldMarkdownInline(long, 40));
    expect(escapeCodeBlock(long, 40)).toContain('…');
    expect(escapeTerminal(long, 40)).toBe(oldTruncate(long, 40));
    // A head of nothing but control sequences shows less, but still says that text was cut.
    const noise = `${'\u001b[0m'.repeat(10_000)}visible`;
    expect(escapeTerminal(noise, 10)).toBe('…');
  });

  it('never split a surrogate pair at the cut', () => {
    for (let n = 1; n < 8; n++) {
      const s = `${'a'.repeat(n)}${'😀'.repeat(2000)}`;
      for (const m of [1, 2, 3, 10]) {
        expect(escapeTerminal(s, m)).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])/u);
        expect(Array.from(escapeTerminal(s, m)).length).toBeLessThanOrEqual(m);
      }
    }
  });

  it('render a report with four 50 MB answers in well under the time one answer once took', () => {
    // One 50 MB answer shared by four cases: the renderers see four, the test holds one.
    const answer = Buffer.alloc(50_000_000, `${HOSTILE_OUTPUT}\n`).toString('utf8');
    const report = makeReport();
    for (const c of report.cases.slice(0, 4)) {
      c.candidate = { ...c.candidate!, output: answer, error: null, score: 0, pass: false };
    }
    const started = performance.now();
    const comment = renderMarkdown(report, { maxChars: GITHUB_COMMENT_MAX_CHARS });
    const summary = renderSummary(report);
    const junit = renderJunit(report);
    renderConsole(report, { color: false });
    regressionAnnotations(report, { max: 10, root: '/', cwd: '/' });
    const seconds = (performance.now() - started) / 1000;
    // Measured at 0.03 s (it was 149 s); the bound only says "not proportional to 200 MB".
    expect(seconds).toBeLessThan(10);
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(summary.length).toBeLessThan(100_000);
    expect(junit.length).toBeLessThan(100_000);
  });
});
