// `run --show` and `run --csv` (issue 11 item 6), and the hint a 404 gives (item 5): the real
// bundle against a loopback endpoint whose candidate regresses on some cases, improves on
// others and echoes the API key in one answer.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

const KEY = 'sk-show-csv-secret-4242';
const env = { TEST_KEY: KEY };
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    const cand = req.model === 'cand-model';
    if (i === 7) return cand ? `a7 ${KEY}` : 'a7'; // the candidate leaks the key (and fails exact)
    if (i % 5 === 0) return cand ? 'wrong' : `a${i}`; // regressed
    if (i % 5 === 1) return cand ? `a${i}` : '=cmd|"/c calc"!A0'; // improved; a formula
    return `a${i}`;
  });
});
afterAll(() => server.close());

async function run(args: string[], cfg = baseConfig(server.url), golden = goldenJsonl(20)) {
  const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': golden });
  const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', ...args], { cwd: dir, env });
  return { ...r, dir };
}

const tableIds = (stdout: string, title: RegExp) => {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.trim()) break;
    rows.push(l.split(/\s+/)[0]!);
  }
  return rows;
};

describe('run --show', () => {
  it('regressed: every regressed case in a table after the decision, worst first', async () => {
    const r = await run(['--show', 'regressed']);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const ids = tableIds(r.stdout, /^Regressed cases \(5 of 20\):$/);
    expect(new Set(ids)).toEqual(new Set(['case-0', 'case-5', 'case-10', 'case-15', 'case-7']));
    expect(r.stdout).toMatch(/case-5\s+–\s+1\.00 pass\s+0\.00 FAIL\s+-1\.00/);
    expect(r.stdout).not.toContain(KEY);
  }, 20_000);

  it('improved: the cases the candidate fixed', async () => {
    const r = await run(['--show', 'improved']);
    const ids = tableIds(r.stdout, /^Improved cases \(4 of 20\):$/);
    expect(ids).toEqual(['case-1', 'case-11', 'case-16', 'case-6']);
  }, 20_000);

  it('all: one row per case, outputs shown and masked', async () => {
    const r = await run(['--show', 'all']);
    expect(tableIds(r.stdout, /^All cases \(20\):$/)).toHaveLength(20);
    expect(r.stdout).toMatch(/case-7 .* a7 \*{3}/);
    expect(r.stdout).not.toContain(KEY);
  }, 20_000);
});

describe('run output in a workflow step', () => {
  it('no stdout line is a workflow command, whatever the case ids say', async () => {
    // In a `run:` step, a line beginning `::` (after spaces) is a command to the runner:
    // ids that start with one must not become `::add-mask::` or an annotation.
    const ids = [
      '::add-mask::a',
      '::error title=pwned::injected',
      '  ::warning::indented',
      'x ##[error]legacy',
    ];
    const golden = goldenJsonl(20)
      .trimEnd()
      .split('\n')
      .map((line, i) => {
        const c = JSON.parse(line);
        return JSON.stringify(i < ids.length ? { ...c, id: ids[i] } : c);
      })
      .join('\n');
    for (const show of ['all', 'regressed']) {
      const r = await run(['--show', show], baseConfig(server.url), `${golden}\n`);
      expect(r.code, r.stderr).toBeLessThanOrEqual(1);
      expect(r.stdout).toContain('> ::add-mask::a');
      const commands = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .filter((l) => /^\s*::/.test(l) || l.includes('##['));
      expect(commands, r.stdout).toEqual([]);
    }
  }, 30_000);
});

describe('run --csv', () => {
  it('writes every case as RFC 4180 CSV, formulas inert, the key masked', async () => {
    const r = await run(['--csv', 'out/cases.csv']);
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const text = readFileSync(path.join(r.dir, 'out/cases.csv'), 'utf8');
    expect(text).not.toContain(KEY);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows.map((x) => x.id)).toEqual(
      (
        JSON.parse(readFileSync(path.join(r.dir, 'evalgate-report.json'), 'utf8')) as Report
      ).cases.map((c) => c.id),
    );
    const byId = new Map(rows.map((x) => [x.id, x]));
    expect(byId.get('case-1')).toMatchObject({
      baseline_output: `'=cmd|"/c calc"!A0`,
      baseline_pass: 'false',
      candidate_output: 'a1',
      candidate_pass: 'true',
      score_delta: '1',
    });
    expect(byId.get('case-7')!.candidate_output).toMatch(/^a7 \*+/);
    expect(Number(byId.get('case-3')!.candidate_latency_ms)).toBeGreaterThan(0);
  }, 20_000);

  it('a --csv path that cannot be written is bad input before anything is sent', async () => {
    const before = server.requests.length;
    const r = await run(['--csv', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--csv: .* is a directory/);
    expect(server.requests.length).toBe(before);
  }, 20_000);
});

describe('a 404 from the endpoint', () => {
  it('says the likely fix: base_url without /v1', async () => {
    const notFound = await startFakeOpenAI(() => ({ status: 404, body: 'Not Found' }));
    try {
      const cfg = baseConfig(new URL(notFound.url).origin);
      const r = await run(['--show', 'regressed'], cfg);
      expect(r.code, r.stderr).toBeLessThanOrEqual(3);
      expect(notFound.requests[0]!.path).toBe('/chat/completions');
      const report = JSON.parse(
        readFileSync(path.join(r.dir, 'evalgate-report.json'), 'utf8'),
      ) as Report;
      expect(report.cases[0]!.candidate!.error!.message).toMatch(
        /^target candidate answered 404: add \/v1 to base_url\?/,
      );
      expect(r.stdout + r.stderr).toMatch(/answered 404: add \/v1 to base_url/);
    } finally {
      await notFound.close();
    }
  }, 20_000);
});
