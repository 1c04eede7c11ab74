import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { openAiReply } from '../helpers/loopback.js';
import {
  baseConfig,
  CLI,
  goldenJsonl,
  runNode,
  runWithOutputs,
  workspace,
} from '../helpers/workspace.js';

// Figures that silently mix unlike things, through the CLI bundle against a loopback endpoint:
// a latency check over answers from the response cache (timed on another day), and a cost check
// against an endpoint that leaves out `usage` on some replies (read as $0). The report, the
// terminal and the Markdown summary each say so where the check is shown.

let llm: FakeServer;
const JSON_TYPE = { 'content-type': 'application/json' };

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    const answer = `a${i}`;
    // 15% more tokens than the baseline per case, and no usage at all on every third reply.
    if (req.model === 'partial-usage') {
      const body =
        i % 3 === 0
          ? { choices: [{ index: 0, message: { role: 'assistant', content: answer } }] }
          : openAiReply(answer, { prompt_tokens: 115, completion_tokens: 23 });
      return { status: 200, body: JSON.stringify(body), headers: JSON_TYPE };
    }
    if (req.model === 'counted') {
      const body = openAiReply(answer, { prompt_tokens: 100, completion_tokens: 20 });
      return { status: 200, body: JSON.stringify(body), headers: JSON_TYPE };
    }
    return answer;
  });
});
afterAll(() => llm.close());

const env = { TEST_KEY: 'sk-honest-figures-1' };
const readReport = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;

describe('a latency check over cached answers', () => {
  it('the second run says how many pairs rest on cached timings; quality and cost say nothing', async () => {
    // A budget no loopback jitter reaches: this test is about what the check says, not its verdict.
    const cfg = baseConfig(llm.url, '  cache: {dir: .cache}\n').replace(
      'budgets:\n',
      'budgets:\n  latency_p95: {max_increase: 1000%}\n  cost: {max_increase: 50%}\n',
    );
    const dir = workspace({ 'evalgate.yml': cfg, 'golden.jsonl': goldenJsonl(40) });

    const first = await runWithOutputs(dir, env);
    expect([0, 1]).toContain(first.code);
    const fresh = readReport(dir);
    expect(fresh.checks.find((c) => c.metric === 'latency_p95')?.cached_pairs).toBeUndefined();
    expect(fresh.meta.warnings.join('\n')).not.toMatch(/response cache/);
    expect(first.stdout).not.toContain('‡');

    const second = await runWithOutputs(dir, env, ['--html', 'page.html']);
    expect([0, 1]).toContain(second.code);
    const report = readReport(dir);
    expect(report.targets.baseline?.cached).toBe(40);
    const latency = report.checks.find((c) => c.metric === 'latency_p95')!;
    expect(latency).toMatchObject({ n: 40, cached_pairs: 40 });
    const note =
      "all 40 pairs have an answer from the response cache, whose latency was measured when it was fetched, not alongside the other side's";
    expect(latency.reason.endsWith(` A${note.slice(1)}.`)).toBe(true);
    for (const metric of ['quality', 'pass_rate', 'cost', 'error_rate'] as const) {
      const c = report.checks.find((x) => x.metric === metric)!;
      expect(c.cached_pairs).toBeUndefined();
      expect(c.reason).not.toMatch(/cache/);
    }
    expect(report.meta.warnings).toContain(
      "40 baseline and 0 candidate answer(s) came from the response cache (run.cache): their latency, TTFT and TPOT were measured when they were fetched, not alongside the other side's, so latency p95 compare timings from different moments; set `cache: false` on target baseline to time both sides together",
    );

    // The terminal: the change marked, the note under the table, the warning on stderr.
    const row = second.stdout.split('\n').find((l) => l.startsWith('latency p95'))!;
    expect(row).toContain('‡');
    expect(second.stdout).toContain(`‡ latency p95: ${note}`);
    expect(second.stdout.split('\n').filter((l) => l.startsWith('‡'))).toHaveLength(1);
    expect(second.stderr).toMatch(
      /40 baseline and 0 candidate answer\(s\) came from the response cache/,
    );

    // The job summary: the same line under the table, and the warning.
    const md = second.files.summary;
    expect(md).toMatch(/<sub>‡ latency p95: all 40 pairs have an answer from the response cache/);
    expect(md).toMatch(/⚠️ 40 baseline and 0 candidate answer\(s\) came from the response cache/);

    // The HTML page carries the note for the latency panel (its script draws it as text).
    const html = readFileSync(path.join(dir, 'page.html'), 'utf8');
    expect(html).toContain('all 40 pairs have an answer from the response cache');
  });
});

describe('a latency check against a recorded baseline', () => {
  it('says the baseline was timed when it was recorded, on every surface', async () => {
    const cfg = baseConfig(llm.url).replace(
      'budgets:\n',
      'budgets:\n  latency_p95: {max_increase: 1000%}\n',
    );
    const dir = workspace({ 'evalgate.yml': cfg, 'golden.jsonl': goldenJsonl(40) });
    const recorded = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yml', '--only', 'candidate', '--report', 'recorded.json'],
      { cwd: dir, env },
    );
    expect(recorded.code).toBe(0);
    const at = (JSON.parse(readFileSync(path.join(dir, 'recorded.json'), 'utf8')) as Report).meta
      .started_at;

    const r = await runWithOutputs(dir, env, ['--baseline-report', 'recorded.json']);
    expect([0, 1]).toContain(r.code);
    const report = readReport(dir);
    const latency = report.checks.find((c) => c.metric === 'latency_p95')!;
    const note = `the baseline's latency is from recorded.json, recorded ${at.slice(0, 10)}, not measured alongside the candidate's`;
    expect(latency.reason.endsWith(` T${note.slice(1)}.`)).toBe(true);
    expect(latency.cached_pairs).toBeUndefined();
    expect(report.checks.find((c) => c.metric === 'quality')!.reason).not.toMatch(/recorded/);
    expect(report.meta.warnings).toContain(
      `the baseline's latency, TTFT and TPOT are from recorded.json (recorded ${at}), not measured alongside the candidate's, so latency p95 compare timings from different moments; run both targets (without --baseline-report) to time them together`,
    );
    expect(r.stdout).toContain(`‡ latency p95: ${note}`);
    expect(r.files.summary).toContain(
      `<sub>‡ latency p95: the baseline&#39;s latency is from recorded.json, recorded ${at.slice(0, 10)}`,
    );
  });
});

describe('an endpoint that leaves out usage on some replies', () => {
  it('the cost check compares the pairs both sides counted, and finds the rise the gaps hid', async () => {
    const cfg = baseConfig(llm.url)
      .replace('model: base-model', 'model: counted')
      .replace('model: cand-model', 'model: partial-usage')
      .replace('budgets:\n', 'budgets:\n  cost: {max_increase: 10%}\n');
    const dir = workspace({ 'evalgate.yml': cfg, 'golden.jsonl': goldenJsonl(60) });
    const r = await runWithOutputs(dir, env);
    // 15% dearer per case: blocked. Counted as $0, the 20 replies without usage would have made
    // the candidate read about 23% cheaper, a pass.
    expect(r.code).toBe(1);
    const report = readReport(dir);
    expect(report.targets.candidate?.answers_without_tokens).toBe(20);
    expect(report.targets.baseline?.answers_without_tokens).toBeUndefined();
    expect(report.targets.candidate?.no_data?.tokens).toBeUndefined();
    expect(report.targets.candidate?.no_data?.cost_usd).toBeUndefined();
    expect(report.targets.candidate?.input_tokens).toBe(40 * 115);
    const cost = report.checks.find((c) => c.metric === 'cost')!;
    expect(cost).toMatchObject({ n: 40, pairs_without_tokens: 20, verdict: 'fail' });
    expect(cost.delta).toBeCloseTo(0.15, 6);
    const note =
      "20 pairs left out on both sides because a side's call failed or its reply carried no token counts, so its cost would read as $0";
    expect(cost.reason).toContain(note);
    expect(report.checks.find((c) => c.metric === 'quality')?.pairs_without_tokens).toBeUndefined();
    const warning =
      "the candidate's replies carried no token counts on 20 of its 60 answers (the endpoint left out `usage`, or an http target's usage path found nothing): its token and cost totals count only the others, and the cost check leaves those cases out on both sides";
    expect(report.meta.warnings).toContain(warning);

    // The terminal: the note under the table, the count in the targets table's place.
    expect(r.stdout).toContain(`‡ cost: ${note}`);
    expect(r.stdout.split('\n').find((l) => l.startsWith('cost'))).toContain('‡');
    expect(r.stderr).toContain("the candidate's replies carried no token counts on 20 of its 60");

    // The job summary: the note, the warning and a row for the answers without counts.
    const md = r.files.summary;
    expect(md).toContain('‡ cost: 20 pairs left out on both sides');
    expect(md).toMatch(/\| No token counts \| 0 \| 20 \|/);
    // Markdown escapes the apostrophe (and `$`) as HTML entities.
    expect(md).toContain('⚠️ the candidate&#39;s replies carried no token counts on 20 of its 60');
    expect(md).toContain('<sub>† cost: over the 40 pairs both sides answered with token counts');
  });
});
