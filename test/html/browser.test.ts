import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../scripts/chromium-args.mjs';
import { writeHtmlReport } from '../../src/html/write.js';
import { allRegressions, improvedCases } from '../../src/report/regressions.js';
import { figureLine } from '../../src/report/table.js';
import type { CaseReport, Report } from '../../src/types.js';
import { CALL_CHARS, toolCallText } from '../../src/util/tool-call-text.js';
import { needTools } from '../helpers/system-tools.js';
import { ROOT } from '../helpers/workspace.js';
import { check, makeReport, side } from '../report/fixture.js';

// The HTML report in a real browser: Debian's Chromium driven by playwright-core, the page opened
// from disk as a user opens a downloaded artifact. One browser for the whole file.

const tools = needTools('chromium');
const ARTIFACTS = path.join(ROOT, 'test-results');

/** Outputs written to run code if the page ever rendered them as markup. */
const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '</details></td></tr></table><b>broken out</b>',
  '</script><script>window.__pwned = "close"</script>',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '\u2028\u2029 <!-- <svg onload="window.__pwned=\'svg\'">',
].join('\n');

function hostileCase(): CaseReport {
  return {
    id: 'hostile-<script>window.__pwned="id"</script>',
    slices: ['tags=<img src=x onerror="window.__pwned=\'slice\'">'],
    source: 'golden.jsonl:9',
    input: HOSTILE,
    expected: { answer: HOSTILE },
    messages: [
      { role: 'system', content: 'You are <b>helpful</b>.' },
      { role: 'user', content: 'Look up order 17' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', name: 'lookup_order', arguments: { id: '17</script>' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"status": "<img src=x onerror=alert(1)>"}' },
    ],
    baseline: side({ output: 'Your order 17 has shipped today.', reasons: { exact: 'matched' } }),
    candidate: side({
      output: `Your order 17 was lost. ${HOSTILE}`,
      score: 0,
      pass: false,
      scores: { exact: 0 },
      reasons: { exact: HOSTILE },
      tool_calls: [{ name: 'lookup_order', arguments: { id: '17', note: HOSTILE } }],
      steps: [
        {
          output: null,
          tool_calls: [{ name: 'lookup_order', arguments: { id: '17' } }],
          latency_ms: 300,
          input_tokens: 40,
          output_tokens: 8,
        },
        {
          output: HOSTILE,
          tool_calls: [],
          latency_ms: 500,
          input_tokens: 90,
          output_tokens: 30,
          stop: 'answered',
        },
      ],
    }),
  };
}

/** The renderers' fixture, a hostile conversation case and enough plain cases to need paging. */
function testReport(): Report {
  const report = makeReport();
  report.cases.push(hostileCase());
  for (let i = 0; i < 260; i++) {
    const drop = i % 13 === 0;
    report.cases.push({
      id: `bulk-${String(i).padStart(3, '0')}`,
      slices: [i % 2 ? 'tags=billing' : 'tags=shipping'],
      baseline: side({ latency_ms: 300 + i, repeat_scores: [1, 1, 1] }),
      candidate: side({
        latency_ms: 350 + i * 1.5,
        score: drop ? 0 : 1,
        pass: !drop,
        repeat_scores: drop ? [0, 1, 0] : [1, 1, 1],
      }),
    });
  }
  report.checks[4] = check({
    ...report.checks[4]!,
    adjustment: { method: 'weighted Holm', tests: 4, level: 0.9875 },
  });
  // Cached timings behind the latency check, replies without token counts on the candidate.
  const latency = report.checks.findIndex((c) => c.metric === 'latency_p95');
  report.checks[latency] = { ...report.checks[latency]!, cached_pairs: 150 };
  report.targets.candidate!.answers_without_tokens = 7;
  return report;
}

let browser: Browser;
let report: Report;
let url: string;

beforeAll(async () => {
  if (tools.skip) return;
  browser = await chromium.launch({
    executablePath: tools.path.chromium,
    args: CHROMIUM_ARGS,
  });
  report = testReport();
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-html-')), 'report.html');
  writeHtmlReport(report, file);
  url = pathToFileURL(file).href;
});
afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  problems: string[];
}

/** Opens the page and records every console error, page error and request other than the file. */
async function open(at = url): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== at) problems.push(`request: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(at);
  await page.waitForSelector('body[data-ready=true]', { timeout: 10_000 });
  return { page, problems };
}

const visibleRows = (page: Page) => page.locator('#case-rows tr.case-row').count();

describe.skipIf(tools.skip)('the HTML report in Chromium', () => {
  it('loads with no console error and no request, and draws each check with its values', async () => {
    const { page, problems } = await open();
    expect(await page.locator('#decision').textContent()).toBe('fail');
    expect(await page.locator('#summary').textContent()).toBe(report.summary);
    const rows = await page
      .locator('g.forest-row')
      .evaluateAll((els) =>
        els.map((e) => ({ ...(e as unknown as { dataset: Record<string, string> }).dataset })),
      );
    expect(rows).toHaveLength(report.checks.length);
    for (const c of report.checks) {
      const row = rows.find((r) => r.metric === c.metric && r.slice === (c.slice ?? ''));
      expect(row, `${c.metric} ${c.slice}`).toBeDefined();
      expect(Number(row!.delta)).toBe(c.delta);
      expect(Number(row!.ciLo)).toBe(c.ci![0]);
      expect(Number(row!.ciHi)).toBe(c.ci![1]);
      expect(Number(row!.budget)).toBe(c.budget);
      expect(row!.verdict).toBe(c.verdict);
      expect(row!.adjusted).toBe(c.adjustment ? 'true' : 'false');
    }
    // A drop budget sits left of zero; a relative one right of it.
    const quality = rows.find((r) => r.metric === 'quality' && r.slice === '')!;
    expect(Number(quality.budgetAt)).toBe(-0.02);
    expect(Number(rows.find((r) => r.metric === 'latency_p95')!.budgetAt)).toBe(0.2);
    // The latency marks are the report's own quantiles.
    const p95 = await page
      .locator('svg.cdf[data-field=latency_ms] g[data-side=candidate][data-q=p95]')
      .getAttribute('data-value');
    expect(Number(p95)).toBe(report.targets.candidate!.latency_ms.p95);
    expect(await page.locator('svg.cdf[data-field=ttft_ms] path.cdf').count()).toBe(2);
    expect(await page.locator('#score-hist rect.bar').count()).toBe(20);
    expect(await page.locator('#repeat-hist rect.bar').count()).toBe(20);
    expect(await page.locator('tr.slice-row[data-slice="tags=billing"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says under a check’s panel when its timings came from the cache, and counts replies without token counts', async () => {
    const { page, problems } = await open();
    const latency = report.checks.find((c) => c.metric === 'latency_p95')!;
    const notes = await page.locator('p.figure-note').allTextContents();
    expect(notes).toEqual([figureLine(latency, report)]);
    expect(notes[0]).toMatch(
      /^‡ latency p95: 150 of the \d+ pairs have an answer from the response cache/,
    );
    expect(await page.locator('p.figure-note[data-metric=latency_p95]').count()).toBe(1);
    const row = await page.locator('#targets tr', { hasText: 'No token counts' }).allTextContents();
    expect(row).toEqual(['No token counts (not in the totals)07']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters, searches, sorts and pages the case table', async () => {
    const { page, problems } = await open();
    const total = report.cases.length;
    const count = page.locator('#case-count');
    expect(await count.getAttribute('data-matching')).toBe(String(total));
    expect(await visibleRows(page)).toBe(100);
    await page.click('#case-more');
    expect(await visibleRows(page)).toBe(200);

    const regressed = allRegressions(report).length;
    await page.click('button[data-filter=regressed]');
    expect(await count.getAttribute('data-matching')).toBe(String(regressed));
    expect(await visibleRows(page)).toBe(Math.min(100, regressed));
    // Worst change first.
    const changes = await page
      .locator('#case-rows tr.case-row')
      .evaluateAll((els) =>
        els.map((e) => Number((e as unknown as { dataset: { change: string } }).dataset.change)),
      );
    expect(changes).toEqual([...changes].sort((a, b) => a - b));

    await page.click('button[data-filter=improved]');
    expect(await count.getAttribute('data-matching')).toBe(String(improvedCases(report).length));
    await page.click('button[data-filter=errors]');
    expect(await page.locator('#case-rows tr.case-row').getAttribute('data-id')).toBe('timeout-3');

    await page.click('button[data-filter=all]');
    await page.selectOption('#slice-filter', 'tags=shipping');
    const shipping = report.cases.filter((c) => c.slices.includes('tags=shipping')).length;
    expect(await count.getAttribute('data-matching')).toBe(String(shipping));
    await page.selectOption('#slice-filter', '');
    await page.selectOption('#scorer-filter', 'rubric|x');
    expect(await count.getAttribute('data-matching')).toBe('1');
    await page.selectOption('#scorer-filter', '');

    await page.fill('#case-search', 'newly-failing');
    await expect.poll(() => count.getAttribute('data-matching')).toBe('1');
    expect(await page.locator('#case-rows tr.case-row').getAttribute('data-id')).toBe(
      'newly-failing-6',
    );
    await page.fill('#case-search', 'BULK-01');
    await expect.poll(() => count.getAttribute('data-matching')).toBe('10');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows hostile outputs, ids and conversations as text: nothing runs, nothing loads', async () => {
    const { page, problems } = await open();
    await page.fill('#case-search', 'hostile-');
    await expect.poll(() => page.locator('#case-count').getAttribute('data-matching')).toBe('1');
    const row = page.locator('#case-rows tr.case-row');
    expect(await row.locator('td.id').textContent()).toBe(hostileCase().id);
    await row.click();
    const detail = page.locator('tr.case-detail');
    const candidate = detail.locator('.answer[data-side=candidate] pre.output');
    expect(await candidate.textContent()).toBe(hostileCase().candidate!.output);
    // The word diff marks what the candidate added.
    expect(await candidate.locator('ins').count()).toBeGreaterThan(0);
    expect(await detail.locator('.conversation .turn').count()).toBe(4);
    // Each call reads as in the comment and the console: the same text, as bounded.
    const c = hostileCase();
    expect(await detail.locator('.call').allTextContents()).toEqual([
      `[c1] ${toolCallText(c.messages![2]!.tool_calls![0]!)}`,
      toolCallText(c.candidate!.tool_calls![0]!),
      toolCallText(c.candidate!.steps![0]!.tool_calls[0]!),
    ]);
    const long = toolCallText(c.candidate!.tool_calls![0]!);
    expect(long.startsWith('lookup_order(id="17", note="<script>')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(CALL_CHARS);
    expect(await detail.locator('.steps tbody tr').count()).toBe(2);
    expect(
      await detail.locator('tr.scorer-row[data-scorer=exact] td.reason').nth(1).textContent(),
    ).toBe(HOSTILE);
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    // Only the page's own elements: its data, its texts and its script; no image, link, iframe, <b>.
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.locator('img, a, iframe, b, details details').count()).toBe(0);
    expect(problems).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await page.close();
  });
});

describe.skipIf(tools.skip)('a large HTML report', () => {
  it('carries its data compressed, draws at once, and reads the texts when a search needs them', async () => {
    const report = makeReport();
    for (let i = 0; i < 1500; i++) {
      report.cases.push({
        id: `big-${i}`,
        slices: ['tags=billing'],
        input: `question ${i} `.repeat(60),
        baseline: side({ output: `answer ${i} `.repeat(80) }),
        candidate: side({ output: `answer ${i} changed `.repeat(60), score: 0.5, pass: false }),
      });
    }
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-html-')), 'big.html');
    writeHtmlReport(report, file);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('{"encoding":"gzip+base64","data":"');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('request', (r) => r.url() !== pathToFileURL(file).href && problems.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('#case-count').getAttribute('data-matching')).toBe(
      String(report.cases.length),
    );
    await page.fill('#case-search', 'answer 1499 changed');
    await expect.poll(() => page.locator('#case-count').getAttribute('data-matching')).toBe('1');
    await page.locator('#case-rows tr.case-row').click();
    expect(await page.locator('.answer[data-side=baseline] pre.output').textContent()).toBe(
      'answer 1499 '.repeat(80),
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe.skipIf(tools.skip)('the latency plots', () => {
  /** Quantiles a few ms apart on both sides: the slower side's marks either side of the other's. */
  function closeQuantiles(): Report {
    const report = makeReport();
    const latencies = (shift: number) => ({
      p50: 900 + shift,
      p95: 1500 + shift,
      p99: 1512 + shift,
    });
    report.targets.baseline!.latency_ms = { ...latencies(0), mean: 950 };
    report.targets.candidate!.latency_ms = { ...latencies(6), mean: 956 };
    // TTFT: the candidate a little faster, its labels growing towards the baseline's.
    report.targets.baseline!.ttft_ms = { p50: 300, p95: 604 };
    report.targets.candidate!.ttft_ms = { p50: 298, p95: 600 };
    report.targets.baseline!.tpot_ms = { p50: 9, p95: 9.9 };
    report.targets.candidate!.tpot_ms = { p50: 9, p95: 9.9 };
    report.cases = Array.from({ length: 200 }, (_, i) => ({
      id: `c${i}`,
      slices: [],
      // TPOT: the same on both sides, the marks on one line.
      baseline: side({ latency_ms: 300 + i * 6, ttft_ms: 100 + i * 2.5, tpot_ms: 8 + i / 100 }),
      candidate: side({ latency_ms: 306 + i * 6, ttft_ms: 99 + i * 2.5, tpot_ms: 8 + i / 100 }),
    }));
    return report;
  }

  it('keeps the p50/p95/p99 labels of both sides readable when the values are close: no two overlap', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-html-')), 'close.html');
    writeHtmlReport(closeQuantiles(), file);
    const { page, problems } = await open(pathToFileURL(file).href);
    for (const field of ['latency_ms', 'ttft_ms', 'tpot_ms']) {
      const boxes = await page
        .locator(`svg.cdf[data-field=${field}] :is(text.s-baseline, text.s-candidate)`)
        .evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { label: `${e.getAttribute('class')}: ${e.textContent}`, ...r.toJSON() };
          }),
        );
      expect(boxes.length, field).toBeGreaterThanOrEqual(4);
      // And none runs past the plot's edges, where it would be cut off.
      const plot = (await page.locator(`svg.cdf[data-field=${field}]`).boundingBox())!;
      for (const b of boxes) {
        expect(b.left, b.label).toBeGreaterThanOrEqual(plot.x);
        expect(b.right, b.label).toBeLessThanOrEqual(plot.x + plot.width);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const apart =
            a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `${field}: "${a.label}" overlaps "${b.label}"`).toBe(true);
        }
      }
    }
    expect(problems).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page
      .locator('#latency')
      .screenshot({ path: path.join(ARTIFACTS, 'html-latency-close.png') });
    await page.close();
  });
});
