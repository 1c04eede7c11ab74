// `npm run bench:html`: the HTML report of a large run. Writes a report of CASES cases (default
// 10,000) with realistic text (a 300-character input, 600-character answers, a reason per
// scorer), renders it with the CLI bundle's `evalgate view` (run `npm run build` first), and
// opens it in Chromium (/usr/bin/chromium, or CHROMIUM): the file's size, the time until the page
// is drawn and usable, and the time a search over every case takes.
// Usage: node bench/html.mjs [cases=10000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../scripts/chromium-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CASES = Number(process.argv[2] ?? 10_000);
const cli = path.join(root, 'dist/cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const words =
  'the order refund account shipping billing within days policy customer please note that your request has been processed and we will contact you soon'.split(
    ' ',
  );
const text = (chars) => {
  let out = '';
  while (out.length < chars) out += `${words[Math.floor(rand() * words.length)]} `;
  return out.trim();
};
const answer = (score, latency) => ({
  output: text(600),
  score,
  pass: score >= 0.5,
  scores: { exact: score >= 0.5 ? 1 : 0, judge: score },
  reasons: { judge: text(100) },
  latency_ms: latency,
  ttft_ms: latency / 5,
  tpot_ms: 8 + rand() * 4,
  input_tokens: 120,
  output_tokens: 140,
  cost_usd: 0.0004,
  error: null,
});
const tags = ['billing', 'shipping', 'account', 'product'];
const cases = Array.from({ length: CASES }, (_, i) => ({
  id: `case-${String(i).padStart(5, '0')}`,
  slices: [`tags=${tags[i % 4]}`],
  source: `golden.jsonl:${i + 1}`,
  input: text(300),
  expected: text(100),
  baseline: answer(rand() < 0.9 ? 1 : 0.3, 400 + rand() * 600),
  candidate: answer(rand() < 0.86 ? 1 : 0.3, 420 + rand() * 700),
}));
const pcts = { p50: 700, p95: 1000, p99: 1100, mean: 720 };
const target = {
  cases: CASES,
  quality: 0.9,
  pass_rate: 0.9,
  error_rate: 0,
  latency_ms: pcts,
  ttft_ms: { p50: 140, p95: 200 },
  tpot_ms: { p50: 10, p95: 12 },
  input_tokens: 120 * CASES,
  output_tokens: 140 * CASES,
  cost_usd: 0.0004 * CASES,
};
const checks = ['quality', 'pass_rate'].flatMap((metric) =>
  [null, ...tags.map((t) => `tags=${t}`)].map((slice) => ({
    metric,
    slice,
    baseline: 0.9,
    candidate: 0.87,
    delta: -0.03,
    ci: [-0.045, -0.015],
    budget: 0.02,
    p_value: 0.2,
    n: slice ? CASES / 4 : CASES,
    verdict: 'inconclusive',
    reason: 'bench',
  })),
);
const report = {
  schema_version: 1,
  decision: 'inconclusive',
  summary: 'bench report',
  cases,
  targets: { baseline: target, candidate: target },
  checks,
  meta: {
    tool: 'evalgate',
    version: 'bench',
    started_at: new Date(0).toISOString(),
    duration_ms: 1,
    config: 'evalgate.yaml',
    datasets: ['golden.jsonl'],
    confidence: 0.95,
    seed: 1,
    models: {},
    warnings: [],
  },
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-bench-html-'));
try {
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  writeFileSync(json, JSON.stringify(report));
  let t = performance.now();
  const r = spawnSync(process.execPath, [cli, 'view', json, '--html', html], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`evalgate view failed: ${r.stderr}`);
  const renderMs = performance.now() - t;
  const mb = (f) => (statSync(f).size / 1e6).toFixed(1);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    t = performance.now();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    const usable = performance.now() - t;
    const inPage = Number(await page.getAttribute('body', 'data-ready-ms'));
    t = performance.now();
    await page.fill('#case-search', 'case-0999');
    await page.waitForFunction(
      () => document.querySelector('#case-count')?.getAttribute('data-matching') === '10',
    );
    const search = performance.now() - t;
    runs.push({ usable, inPage, search });
    await page.close();
  }
  await browser.close();
  const best = (k) => Math.min(...runs.map((x) => x[k]));
  const worst = (k) => Math.max(...runs.map((x) => x[k]));
  console.log(`cases: ${CASES}`);
  console.log(`JSON report: ${mb(json)} MB; HTML report: ${mb(html)} MB (limit 15 MB)`);
  console.log(`evalgate view (process, render + write): ${renderMs.toFixed(0)} ms`);
  console.log(
    `Chromium, open → drawn and usable: best ${best('usable').toFixed(0)} ms, worst ${worst('usable').toFixed(0)} ms of 3 (limit 2000 ms); on the page's own clock: best ${best('inPage').toFixed(0)} ms, worst ${worst('inPage').toFixed(0)} ms`,
  );
  console.log(
    `first search over every case (reads the answers' texts), typed → rows shown: best ${best('search').toFixed(0)} ms, worst ${worst('search').toFixed(0)} ms`,
  );
  console.log(
    `load average while measuring: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
} finally {
  if (process.env.KEEP) console.log(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
