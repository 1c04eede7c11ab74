import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, workspace } from '../helpers/workspace.js';

// The decision through the real front door (in process) against a loopback endpoint: clusters
// from the dataset, weighted Holm across slices, power in the report, drift, and bad input for a
// streaming budget on a target that does not stream.

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cli = (args: string[]) => cliInProcess(args, { TEST_KEY: 'sk-x' });

/** 240 cases in 60 conversations of 4 turns; billing is a quarter of them. */
function golden(key = 'conversation_id'): string {
  return Array.from({ length: 240 }, (_, i) =>
    JSON.stringify({
      id: `case-${i}`,
      input: `q${i}`,
      expected: `a${i}`,
      tags: [i % 4 === 0 ? 'billing' : 'general'],
      metadata: { [key]: `conv-${Math.floor(i / 4)}` },
    }),
  ).join('\n');
}

describe('evalgate run: the decision end to end', () => {
  it('blocks a regression confined to one slice, with weighted Holm, clusters and power in the report', async () => {
    // The candidate gets billing wrong half the time; the baseline answers everything right.
    server = await startFakeOpenAI((req) => {
      const i = Number(userText(req).match(/q(\d+)/)?.[1] ?? 0);
      const wrong = req.model === 'cand-model' && i % 4 === 0 && i % 8 === 0;
      return wrong ? 'no idea' : `a${i}`;
    });
    const extra = `slices:
  by: [tags]
  min_cases: 20
  budgets: {quality: {max_drop: 0.1}}
`;
    const config = baseConfig(server.url, extra)
      .replace(
        'gate:\n  min_cases: 30',
        'gate:\n  min_cases: 30\n  cluster_by: metadata.conversation_id',
      )
      .replace('budgets:\n', 'budgets:\n  drift: {max_psi: 0.2}\n');
    const dir = workspace({ 'golden.jsonl': golden(), 'evalgate.yaml': config });
    const out = path.join(dir, 'report.json');
    const r = await cli(['run', '--config', path.join(dir, 'evalgate.yaml'), '--report', out]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;

    expect(report.cases[0]!.cluster).toBe('metadata.conversation_id=conv-0');
    const billing = report.checks.find(
      (c) => c.metric === 'quality' && c.slice === 'tags=billing',
    )!;
    // One billing turn per conversation: within the slice no cluster is shared, so plain t.
    expect(billing).toMatchObject({ verdict: 'fail', method: 'paired t' });
    expect(billing.p_adjusted).toBeGreaterThanOrEqual(billing.p_value!);
    expect(billing.reason).toMatch(/\(weighted Holm, adjusted p [<=] [\d.]+\)\.$/);
    // The interval it shows is the one it was tested with, labelled, and wholly past the budget.
    expect(billing.adjustment).toMatchObject({ method: 'weighted Holm' });
    expect(billing.reason).toMatch(/, adjusted for \d+ (?:checks|tests); paired t\)/);
    expect(billing.ci![1]).toBeLessThan(-0.1);
    // Failing checks come first; every check that could fail carries its adjusted p-value.
    expect(report.checks[0]!.verdict).toBe('fail');
    for (const c of report.checks) expect(c).toHaveProperty('p_adjusted');
    const whole = report.checks.find((c) => c.metric === 'quality' && c.slice === null)!;
    expect(whole).toMatchObject({ method: 'cluster-robust t', clusters: 60 });
    expect(whole.mde).toBeGreaterThan(0);
    expect(report.power!.checks.map((e) => [e.metric, e.slice])).toEqual(
      expect.arrayContaining([
        ['quality', null],
        ['quality', 'tags=billing'],
      ]),
    );
    expect(report.checks.some((c) => c.metric === 'drift')).toBe(true);
    expect(report.summary).toMatch(/^blocked: /);
    // The clusters are stated: nothing to warn about.
    expect(report.meta.warnings.filter((w) => w.includes('correlated'))).toEqual([]);
  });

  it('names a metadata key whose groups change together when no cluster_by is set', async () => {
    // conversation_id itself would be a cluster already (test/cli/conversation-clusters.test.ts).
    // The candidate gets every turn of one conversation in five wrong.
    server = await startFakeOpenAI((req) => {
      const i = Number(userText(req).match(/q(\d+)/)?.[1] ?? 0);
      return req.model === 'cand-model' && Math.floor(i / 4) % 5 === 0 ? 'no idea' : `a${i}`;
    });
    const dir = workspace({
      'golden.jsonl': golden('thread'),
      'evalgate.yaml': baseConfig(server.url),
    });
    const out = path.join(dir, 'report.json');
    const r = await cli(['run', '--config', path.join(dir, 'evalgate.yaml'), '--report', out]);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.meta.warnings).toContain(
      'cases sharing metadata.thread have correlated outcomes (ICC 1.00 over 60 groups); set gate.cluster_by: metadata.thread so the intervals account for it',
    );
  });

  it('rejects a TTFT budget on targets that do not stream, before sending anything', async () => {
    server = await startFakeOpenAI(() => 'a0');
    const config = baseConfig(server.url).replace(
      'budgets:\n',
      'budgets:\n  ttft_p95: {max_increase: 20%}\n',
    );
    const dir = workspace({ 'golden.jsonl': golden(), 'evalgate.yaml': config });
    const r = await cli(['run', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /targets\.baseline\.stream.*a ttft_p95 budget is set, so this target must stream/,
    );
    expect(r.stderr).toMatch(/targets\.candidate\.stream/);
    expect(server.requests).toHaveLength(0);
  });

  it('names a bad cluster key as bad input', async () => {
    server = await startFakeOpenAI(() => 'a0');
    const config = baseConfig(server.url).replace(
      'gate:\n  min_cases: 30',
      'gate:\n  min_cases: 30\n  cluster_by: conversation',
    );
    const dir = workspace({ 'golden.jsonl': golden(), 'evalgate.yaml': config });
    const r = await cli(['run', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gate\.cluster_by.*must be "metadata\.<key>"/);
    expect(server.requests).toHaveLength(0);
  });
});
