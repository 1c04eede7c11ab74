import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, workspace } from '../helpers/workspace.js';

// Cases cut from one conversation are one cluster for the statistics with no config at all;
// independent cases (few-shot examples in front of each included) are not; gate.cluster_by,
// when set, wins. Through the real front door in process, against a loopback endpoint.

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SYSTEM = { role: 'system', content: 'You are a support bot.' };
const CONVERSATIONS = 60;
const TURNS = 4;

/** Turn t of conversation k, replayed with the whole history before it; its question is `input`. */
function turnCase(k: number, t: number, extra: Record<string, unknown> = {}) {
  const messages: unknown[] = [SYSTEM];
  for (let j = 0; j < t; j++) {
    messages.push(
      { role: 'user', content: `q${k}-${j}` },
      { role: 'assistant', content: `a${k}-${j}` },
    );
  }
  return { id: `c${k}-t${t}`, messages, input: `q${k}-${t}`, expected: `a${k}-${t}`, ...extra };
}

function conversations(extra: (k: number) => Record<string, unknown> = () => ({})): string {
  const lines: string[] = [];
  for (let k = 0; k < CONVERSATIONS; k++)
    for (let t = 0; t < TURNS; t++) lines.push(JSON.stringify(turnCase(k, t, extra(k))));
  return lines.join('\n');
}

/** The candidate gets every turn of one conversation in five wrong: outcomes move together. */
function start() {
  return startFakeOpenAI((req) => {
    const [k, t] = (userText(req).match(/q(\d+)-(\d+)/) ?? []).slice(1).map(Number);
    return req.model === 'cand-model' && k! % 5 === 0 ? 'no idea' : `a${k}-${t}`;
  });
}

async function run(golden: string, config: string): Promise<Report> {
  const dir = workspace({ 'golden.jsonl': golden, 'evalgate.yaml': config });
  const out = path.join(dir, 'report.json');
  const r = await cliInProcess(
    ['run', '--config', path.join(dir, 'evalgate.yaml'), '--report', out],
    {
      TEST_KEY: 'sk-x',
    },
  );
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

const quality = (report: Report) =>
  report.checks.find((c) => c.metric === 'quality' && c.slice === null)!;

describe('conversations are clusters without any config', () => {
  it('turns replayed from one conversation: cluster-robust, one cluster per conversation', async () => {
    server = await start();
    const report = await run(conversations(), baseConfig(server.url));
    expect(quality(report)).toMatchObject({ method: 'cluster-robust t', clusters: CONVERSATIONS });
    expect(report.checks.find((c) => c.metric === 'pass_rate')).toMatchObject({
      clusters: CONVERSATIONS,
    });
    // Each case names its conversation by the conversation's first case.
    const byId = new Map(report.cases.map((c) => [c.id, c]));
    expect(byId.get('c0-t0')!.cluster).toBe('conversation=c0-t0');
    expect(byId.get('c0-t3')!.cluster).toBe('conversation=c0-t0');
    expect(byId.get('c7-t2')!.cluster).toBe('conversation=c7-t0');
    expect(report.meta.warnings.filter((w) => w.includes('correlated'))).toEqual([]);
  });

  it('an explicit conversation_id names the conversation, and no warning suggests it again', async () => {
    server = await start();
    // Cases whose histories do not chain (each only its own turn), tied by their id alone.
    const lines: string[] = [];
    for (let k = 0; k < CONVERSATIONS; k++)
      for (let t = 0; t < TURNS; t++)
        lines.push(
          JSON.stringify({
            id: `c${k}-t${t}`,
            messages: [SYSTEM],
            input: `q${k}-${t}`,
            expected: `a${k}-${t}`,
            conversation_id: `conv-${k}`,
          }),
        );
    const report = await run(lines.join('\n'), baseConfig(server.url));
    expect(quality(report)).toMatchObject({ method: 'cluster-robust t', clusters: CONVERSATIONS });
    expect(report.cases[0]!.cluster).toBe('metadata.conversation_id=conv-0');
    expect(report.meta.warnings.filter((w) => w.includes('correlated'))).toEqual([]);
  });

  it('independent single-turn cases are not clustered, few-shot turns in front of each or not', async () => {
    server = await startFakeOpenAI((req) => {
      const i = Number(userText(req).match(/q(\d+)/)?.[1]);
      return req.model === 'cand-model' && i % 10 === 0 ? 'no idea' : `a${i}`;
    });
    const fewShot = [
      SYSTEM,
      { role: 'user', content: 'example question' },
      { role: 'assistant', content: 'example answer' },
    ];
    const golden = Array.from({ length: 240 }, (_, i) =>
      JSON.stringify({
        id: `s${i}`,
        messages: i % 2 ? fewShot : [SYSTEM],
        input: `q${i}`,
        expected: `a${i}`,
      }),
    ).join('\n');
    const report = await run(golden, baseConfig(server.url));
    const q = quality(report);
    expect(q.method).not.toMatch(/cluster/);
    expect(q).not.toHaveProperty('clusters');
    expect(report.cases.filter((c) => c.cluster !== undefined)).toEqual([]);
  });

  it('gate.cluster_by wins: the user said what is correlated', async () => {
    server = await start();
    // Two conversations per region: with cluster_by on the region, 30 clusters, not 60.
    const config = baseConfig(server.url).replace(
      'gate:\n  min_cases: 30',
      'gate:\n  min_cases: 30\n  cluster_by: metadata.region',
    );
    const report = await run(
      conversations((k) => ({ metadata: { region: `r${Math.floor(k / 2)}` } })),
      config,
    );
    expect(quality(report)).toMatchObject({
      method: 'cluster-robust t',
      clusters: CONVERSATIONS / 2,
    });
    expect(report.cases[0]!.cluster).toBe('metadata.region=r0');
  });
});
