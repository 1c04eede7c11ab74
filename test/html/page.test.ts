import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLIENT_JS } from '../../src/html/client-source.js';
import { cutStrings, MAX_TEXT, pageData, scriptSafeJson } from '../../src/html/data.js';
import { contentSecurityPolicy, renderHtmlString } from '../../src/html/page.js';
import { PAGE_CSS } from '../../src/html/style.js';
import { CALL_CHARS, toolCallText } from '../../src/util/tool-call-text.js';
import { check, makeReport, side } from '../report/fixture.js';

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('the HTML page', () => {
  it('allows exactly its own script and style by hash, and nothing else', () => {
    expect(contentSecurityPolicy()).toBe(
      `default-src 'none'; script-src ${hash(CLIENT_JS)}; style-src ${hash(PAGE_CSS)}; base-uri 'none'; form-action 'none'`,
    );
    const html = renderHtmlString(makeReport());
    expect(html).toContain(`<script>${CLIENT_JS}</script>`);
    // The texts follow the script, so that the page is drawn while they are still being read.
    expect(html.indexOf('id="evalgate-text"')).toBeGreaterThan(html.indexOf(CLIENT_JS));
    expect(html).toContain(`<style>${PAGE_CSS}</style>`);
    // The policy comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(() => new Function(CLIENT_JS)).not.toThrow();
    expect(CLIENT_JS).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|fetch\(|XMLHttpRequest/,
    );
  });

  it('embeds data that cannot close its element, whatever the answers say', () => {
    const report = makeReport();
    report.cases[0]!.candidate = side({
      output: '</script><script>alert(1)</script><!-- \u2028\u2029 & </SCRIPT >',
    });
    const html = renderHtmlString(report);
    const element = (id: string) => {
      const open = `<script type="application/json" id="${id}">`;
      const start = html.indexOf(open) + open.length;
      return html.slice(start, html.indexOf('</script>', start));
    };
    for (const id of ['evalgate-data', 'evalgate-text']) {
      expect(element(id)).not.toMatch(/[<>&\u2028\u2029]/);
    }
    const data = JSON.parse(element('evalgate-data'));
    const texts = JSON.parse(element('evalgate-text'));
    expect(data.cases).toHaveLength(report.cases.length);
    expect(data.cases[0].candidate.score).toBe(1);
    expect(texts[0].candidate.output).toBe(report.cases[0]!.candidate!.output);
    expect(html.match(/<script/g)).toHaveLength(3);
    // The title carries the summary, escaped.
    expect(html).toMatch(/<title>evalgate: fail · blocked: quality/);
  });

  it('cuts over-long text and says so; leaves the rest as it was', () => {
    const long = 'x'.repeat(MAX_TEXT + 50);
    const cut = cutStrings({ a: [long], b: 1, c: null }) as { a: string[]; b: number };
    expect(cut.a[0]!.startsWith('x'.repeat(MAX_TEXT))).toBe(true);
    expect(cut.a[0]).toContain('50 more characters are in the JSON report');
    expect(cut.b).toBe(1);
    expect(scriptSafeJson('"<a>&"')).toBe('"\\u003ca\\u003e\\u0026"');
  });

  it('carries each tool call as the text the comment shows, and leaves the report as it was', () => {
    const report = makeReport();
    const huge = { name: 'refund', arguments: { order_id: 'A17', note: 'n'.repeat(100_000) } };
    report.cases[0]!.expected_tool_calls = [{ name: 'refund', arguments: { order_id: 'A17' } }];
    report.cases[0]!.candidate = side({
      tool_calls: [{ ...huge, id: 'call_1' }],
      steps: [
        { output: null, tool_calls: [huge], latency_ms: 1, input_tokens: 1, output_tokens: 1 },
      ],
    });
    const before = structuredClone(report);
    const text = [...pageData(report).text].join('');
    expect(report).toEqual(before);
    const [c] = JSON.parse(text);
    const shown = toolCallText(huge);
    expect(shown.length).toBeLessThanOrEqual(CALL_CHARS);
    expect(c.expected_tool_calls).toEqual([{ text: 'refund(order_id="A17")' }]);
    expect(c.candidate.tool_calls).toEqual([{ id: 'call_1', text: shown }]);
    expect(c.candidate.steps[0].tool_calls).toEqual([{ text: shown }]);
    expect(text).not.toContain('n'.repeat(100));
  });
  it('drops bidi overrides, escape sequences and control characters as the other renderers do', () => {
    const RLO = '\u202e';
    const PDF = '\u202c';
    const report = makeReport();
    const c = report.cases[0]!;
    c.id = `id${RLO}evil`;
    c.slices = [`tags=${RLO}x`];
    c.input = `i${RLO}n\u001b[31mput`;
    // An expected answer may be any JSON: its keys are shown too.
    c.expected = { [`k${RLO}ey`]: `e${'\u2066'}xp\u0007` };
    c.baseline = side({ reasons: { exact: `r${RLO}eason` } });
    c.candidate = side({
      output: `Refund approved: ${RLO}001$${PDF} to the customer`,
      error: { kind: 'scorer', message: `m${RLO}sg\u0000` },
    });
    report.summary = `s${RLO}um`;
    report.checks = [
      check({ metric: 'latency_p95', verdict: 'pass', slice: `tags=${RLO}x`, cached_pairs: 3 }),
    ];
    const long = `${RLO}${'a'.repeat(MAX_TEXT + 10)}`;
    report.cases[1]!.candidate = side({ output: long });
    const { data, text } = pageData(report);
    const dataJson = [...data].join('');
    const textJson = [...text].join('');
    // JSON.stringify leaves U+202E and friends as they are: none may reach the page.
    for (const json of [dataJson, textJson]) {
      expect(json).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(json).not.toMatch(/\\u00[01][0-9a-f]|[\u007f-\u009f]/i);
    }
    const page = JSON.parse(dataJson);
    const texts = JSON.parse(textJson);
    expect(page.cases[0].id).toBe('idevil');
    expect(page.cases[0].slices).toEqual(['tags=x']);
    expect(page.report.summary).toBe('sum');
    expect(page.report.checks[0].slice).toBe('tags=x');
    expect(page.notes[0]).toMatch(/^‡ latency p95 \[tags=x\]: /);
    expect(page.cases[0].candidate.error.message).toBe('msg');
    expect(texts[0].candidate.output).toBe('Refund approved: 001$ to the customer');
    expect(texts[0].input).toBe('input');
    expect(texts[0].expected).toEqual({ key: 'exp' });
    expect(texts[0].baseline.reasons).toEqual({ exact: 'reason' });
    expect(texts[1].candidate.output).toMatch(/^a{100}/);
    expect(texts[1].candidate.output).toContain('11 more characters are in the JSON report');
    // The page itself carries the same.
    expect(renderHtmlString(report)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
