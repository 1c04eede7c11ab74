import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// What a run that paid for calls and then could not be judged leaves behind, through the CLI's
// run command in process: a judge that goes down, and a bug in the engine after every call was
// made. Both write the partial report, say one line, and exit 3.

const KEY = 'sk-partial-secret-314';

// A bug to inject: the engine's checks (or its target metrics) throwing after every call was
// answered, as `quantileInPlace: the sample contains NaN` once did. The message quotes the key.
const bug = vi.hoisted(() => ({ checks: false, metrics: false }));
vi.mock('../../src/gate/checks.js', async (load) => {
  const real = await load<typeof import('../../src/gate/checks.js')>();
  return {
    ...real,
    buildChecks: (...args: Parameters<typeof real.buildChecks>) => {
      if (bug.checks) throw new Error(`quantileInPlace: the sample contains NaN (${KEY})`);
      return real.buildChecks(...args);
    },
  };
});
vi.mock('../../src/metrics/target-metrics.js', async (load) => {
  const real = await load<typeof import('../../src/metrics/target-metrics.js')>();
  return {
    ...real,
    targetMetrics: (...args: Parameters<typeof real.targetMetrics>) => {
      if (bug.metrics) throw new Error('targetMetrics: broken');
      return real.targetMetrics(...args);
    },
  };
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  bug.checks = false;
  bug.metrics = false;
});

async function run(dir: string, env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  let stderr = '';
  const code = await runCli(
    [
      'run',
      '--config',
      path.join(dir, 'evalgate.yaml'),
      '--report',
      path.join(dir, 'r.json'),
      '--summary',
      path.join(dir, 's.md'),
    ],
    {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      env: { TEST_KEY: KEY, ...env },
      isTty: false,
      signal,
    },
  );
  const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as Report;
  const summary = readFileSync(path.join(dir, 's.md'), 'utf8');
  return { code, stderr, report, summary };
}

async function answering() {
  server = await startFakeOpenAI((req) => {
    if (req.model === 'judge-model') return { status: 503, body: '{"error":"judge down"}' };
    return userText(req).replace(/^q/, 'a');
  });
  return server;
}

/** 40 cases scored by exact and llm_judge (model judge-model), no retries, 2 failures = down. */
function judgedWorkspace(url: string, concurrency: number): string {
  const judge = `judge:
  type: openai
  base_url: ${url}
  model: judge-model
  api_key_env: TEST_KEY
`;
  const cfg = baseConfig(url, judge)
    .replace('  - type: exact', '  - type: exact\n  - {type: llm_judge, rubric: "Is it right?"}')
    .replace('concurrency: 8', `concurrency: ${concurrency}\n  max_consecutive_errors: 2`)
    .replace('retries: 2', 'retries: 0');
  return workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(40) });
}

describe('a run that cannot be judged after calls were paid for', () => {
  it('a judge that goes down writes the partial report, as a target outage does', async () => {
    const s = await answering();
    const dir = judgedWorkspace(s.url, 1);
    const r = await run(dir);

    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /evalgate: could not judge: stopped: 2 judge calls in a row failed after retries; last error: target judge answered 503/,
    );
    expect(r.stderr).toContain(`partial report, marked incomplete: ${path.join(dir, 'r.json')}`);
    expect(r.report.incomplete).toBe(true);
    expect(r.report.incomplete_reason).toMatch(/^stopped: 2 judge calls in a row failed/);
    expect(r.report.summary).toMatch(
      /^incomplete: the run stopped because the judge or embeddings endpoint kept failing after \d+ of 80 calls; nothing was judged$/,
    );
    expect(r.report.decision).toBe('inconclusive');
    expect(r.report.cases.length).toBeGreaterThan(0);
    expect(r.summary).toMatch(/^## ⏹️ evalgate: incomplete, not judged/);
  });

  it('a cancel while judge calls hang is a cancel, not a judge outage', async () => {
    const cancel = new AbortController();
    server = await startFakeOpenAI((req) => {
      if (req.model !== 'judge-model') return userText(req).replace(/^q/, 'a');
      // The first judge call cancels the run; every judge call hangs until the run lets go.
      cancel.abort('SIGTERM');
      return new Promise<never>(() => {});
    });
    const dir = judgedWorkspace(server.url, 4);
    const r = await run(dir, {}, cancel.signal);

    expect(r.code).toBe(3);
    expect(r.report.incomplete).toBe(true);
    expect(r.report.incomplete_reason).toMatch(/cancelled.*SIGTERM/);
    expect(r.report.incomplete_reason).not.toMatch(/judge/);
  });

  it('a bug after every call was answered: partial report with every case, one line, no stack, key masked', async () => {
    const s = await answering();
    const dir = workspace({ 'evalgate.yaml': baseConfig(s.url), 'golden.jsonl': goldenJsonl(40) });
    bug.checks = true;
    const r = await run(dir);

    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      'evalgate: could not judge: internal error: quantileInPlace: the sample contains NaN (***)',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain(KEY);
    expect(r.report.incomplete).toBe(true);
    expect(r.report.incomplete_reason).toBe(
      'internal error: quantileInPlace: the sample contains NaN (***)',
    );
    expect(r.report.summary).toBe(
      'incomplete: the run stopped on an internal error after 80 of 80 calls; nothing was judged',
    );
    expect(r.report.cases).toHaveLength(40);
    expect(r.report.cases.every((c) => c.baseline?.output && c.candidate?.output)).toBe(true);
    expect(r.report.targets.candidate?.cases).toBe(40);
    expect(JSON.stringify(r.report)).not.toContain(KEY);
  });

  it('a bug in the very metrics a report needs still writes every case, without them', async () => {
    const s = await answering();
    const dir = workspace({ 'evalgate.yaml': baseConfig(s.url), 'golden.jsonl': goldenJsonl(40) });
    bug.metrics = true;
    const r = await run(dir);

    expect(r.code).toBe(3);
    expect(r.stderr).toContain('evalgate: could not judge: internal error: targetMetrics: broken');
    expect(r.report.incomplete).toBe(true);
    expect(r.report.cases).toHaveLength(40);
    expect(r.report.targets).toEqual({});
  });

  it('EVALGATE_DEBUG=1 adds the stack of the bug', async () => {
    const s = await answering();
    const dir = workspace({ 'evalgate.yaml': baseConfig(s.url), 'golden.jsonl': goldenJsonl(40) });
    bug.checks = true;
    const r = await run(dir, { EVALGATE_DEBUG: '1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Error: quantileInPlace: the sample contains NaN \(\*\*\*\)\n\s+at /);
    expect(r.stderr).not.toContain(KEY);
  });
});
