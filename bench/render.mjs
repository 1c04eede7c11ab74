// `npm run bench:render`: how long the renderers take on a report holding huge answers (issue 9:
// four 50 MB answers took 166 s, mostly in text truncation that spread whole strings into
// arrays). Renders the PR comment, the job summary, JUnit, the terminal table and the
// annotations of a report with ANSWERS answers of MB megabytes each, then writes the JSON
// report. Usage: node bench/render.mjs [answers=4] [mb=50] [ascii]: `ascii` leaves out the é and
// emoji, so that each answer is a one-byte string (half the memory).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importSource } from './from-source.mjs';

const ANSWERS = Number(process.argv[2] ?? 4);
const MB = Number(process.argv[3] ?? 50);

const r = await importSource({
  'src/report/markdown.ts': ['renderMarkdown', 'GITHUB_COMMENT_MAX_CHARS'],
  'src/report/write.ts': ['renderSummary', 'writeOutputs'],
  'src/report/junit.ts': ['renderJunit'],
  'src/report/console.ts': ['renderConsole'],
  'src/report/annotations.ts': ['regressionAnnotations'],
});
// Where the JSON report is written.
const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-bench-render-'));

// Text with everything the escapers act on: markup, mentions, pipes, newlines, an ANSI colour.
const unit = `Lorem ipsum <b>dolor</b> @octocat #12 | a_b *c* \`d\` \u001b[31mred\u001b[0m${
  process.argv[4] === 'ascii' ? '' : ' é 😀'
}\n`;
// Decoded from bytes, as the transport does: a flat string, not a rope that the first reader flattens.
const answer = (i) => Buffer.alloc(MB * 1e6, `${i} ${unit}`).toString('utf8');
const side = (output, score) => ({
  output,
  score,
  pass: score >= 1,
  scores: { exact: score },
  latency_ms: 800,
  input_tokens: 10,
  output_tokens: 1e6,
  cost_usd: 0.01,
  error: null,
});
const cases = Array.from({ length: ANSWERS }, (_, i) => ({
  id: `huge-${i}`,
  slices: ['tags=big'],
  source: `golden.jsonl:${i + 1}`,
  input: `q${i}`,
  expected: `a${i}`,
  baseline: side(`a${i}`, 1),
  candidate: side(answer(i), 0),
}));
const report = {
  schema_version: 1,
  decision: 'fail',
  summary: 'blocked: quality dropped',
  cases,
  targets: {},
  checks: [],
  meta: {
    tool: 'evalgate',
    version: 'bench',
    started_at: new Date().toISOString(),
    duration_ms: 1,
    config: 'evalgate.yaml',
    datasets: ['golden.jsonl'],
    confidence: 0.95,
    seed: 1,
    warnings: [],
  },
};

const time = (label, fn) => {
  const t = performance.now();
  const v = fn();
  console.log(`${label.padEnd(24)} ${((performance.now() - t) / 1000).toFixed(3)} s`);
  return v;
};
console.log(`${ANSWERS} answers × ${MB} MB`);
const t0 = performance.now();
time('PR comment (Markdown)', () =>
  r.renderMarkdown(report, { maxChars: r.GITHUB_COMMENT_MAX_CHARS }),
);
time('job summary', () => r.renderSummary(report));
time('JUnit', () => r.renderJunit(report));
time('terminal table', () => r.renderConsole(report, { color: false }));
time('annotations', () => r.regressionAnnotations(report, { max: 10, root: dir, cwd: dir }));
console.log(`${'all rendering'.padEnd(24)} ${((performance.now() - t0) / 1000).toFixed(3)} s`);
const file = path.join(dir, 'report.json');
time('JSON report written', () => r.writeOutputs(report, { report: file }));
console.log(
  `report size ${(statSync(file).size / 1e6).toFixed(0)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
rmSync(dir, { recursive: true, force: true });
