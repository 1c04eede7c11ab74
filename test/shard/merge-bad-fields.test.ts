import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/schema/report.js';
import { MAX_SHARDS } from '../../src/shard/select.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { expectReportMatchesSchema } from '../helpers/report-schema.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// A shard report evalgate wrote and then someone edited (or a disk corrupted) is bad input to
// `merge` and `view`: exit 2, naming the file and the field, never an internal error (exit 3), a
// crash, or a loop as long as the number in the file. The shards here are real ones, written by
// `run --shard`, with one field changed at a time.

let llm: FakeServer;
let dir: string;
const env = { TEST_KEY: 'sk-merge-bad-fields' };
// biome-ignore lint/suspicious/noExplicitAny: a report as JSON, edited field by field.
type Json = any;

const at = (f: string) => path.join(dir, f);
const config = () => ['--config', at('evalgate.yaml')];
const shard = (i: number): Json => JSON.parse(readFileSync(at(`s${i}.json`), 'utf8'));

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
  dir = workspace({ 'golden.jsonl': goldenJsonl(16), 'evalgate.yaml': baseConfig(llm.url) });
  for (const i of [1, 2]) {
    const r = await cliInProcess(
      ['run', ...config(), '--shard', `${i}/2`, '--report', at(`s${i}.json`)],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => llm.close());

let made = 0;
/** Both shards, each edited by `edit` (given the shard's number), written under new names. */
function edited(edit: (r: Json, i: number) => void): string[] {
  made++;
  return [1, 2].map((i) => {
    const r = shard(i);
    edit(r, i);
    const file = at(`edit${made}-s${i}.json`);
    writeFileSync(file, JSON.stringify(r, null, 2));
    return file;
  });
}

async function merge(files: string[]) {
  return cliInProcess(['merge', ...files, ...config(), '--report', at(`merged${made}.json`)], {});
}

/** Exit 2 with `file (field): …` on stderr, no stack trace. */
function expectBadField(
  r: { code: number; stderr: string },
  file: string,
  field: string,
  message?: RegExp,
) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`${file} (${field}): not an evalgate report: `);
  if (message) {
    const line = r.stderr.split('\n').find((l) => l.includes(`${file} (${field})`));
    expect(line).toMatch(message);
  }
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** The first case of shard 1 that has a candidate side (every case has both here). */
const firstCandidate = (r: Json) => r.cases.find((c: Json) => c.candidate).candidate;

describe('evalgate merge: the shards as written', () => {
  it('match the report schema, merge, and the merged report views', async () => {
    for (const i of [1, 2]) {
      expectReportMatchesSchema(shard(i), `s${i}.json`);
      expect(reportSchema.safeParse(shard(i)).success).toBe(true);
    }
    const r = await cliInProcess(
      ['merge', at('s1.json'), at('s2.json'), ...config(), '--report', at('ok.json')],
      {},
    );
    expect([0, 1], r.stderr).toContain(r.code);
    const merged = JSON.parse(readFileSync(at('ok.json'), 'utf8'));
    expectReportMatchesSchema(merged, 'ok.json');
    expect(merged.meta.merged.shards).toBe(2);
    const v = await cliInProcess(['view', at('ok.json'), '--html', at('ok.html')], {});
    expect(v.code, v.stderr).toBe(0);
  });
});

describe('evalgate merge: meta.shard', () => {
  it('a count of a billion is the field at fault, not a billion missing shards', async () => {
    const files = edited((r) => {
      r.meta.shard.count = 1e9;
    });
    const r = await merge(files);
    expectBadField(r, files[0]!, 'meta.shard.count', new RegExp(`<=${MAX_SHARDS}`));
    expectBadField(r, files[1]!, 'meta.shard.count');
    expect(r.stderr).not.toContain('is missing');
  });

  it('a negative or zero count is the field at fault', async () => {
    for (const count of [-3, 0, 2.5]) {
      const files = edited((r) => {
        r.meta.shard.count = count;
      });
      const r = await merge(files);
      expectBadField(r, files[0]!, 'meta.shard.count');
      expect(r.stderr).not.toContain('NaN');
      expect(r.stderr).not.toContain('belongs in shard');
    }
  });

  it('an index that is not a shard of the count names the file with it', async () => {
    for (const index of [1.5, 0, -1, 3]) {
      const files = edited((r, i) => {
        if (i === 2) r.meta.shard.index = index;
      });
      const r = await merge(files);
      expectBadField(r, files[1]!, 'meta.shard.index');
      expect(r.stderr).not.toContain(files[0]!);
      expect(r.stderr).not.toContain('is missing');
    }
  });

  it('lists a few missing shards and counts the rest', async () => {
    const files = edited((r) => {
      r.meta.shard.count = MAX_SHARDS;
    });
    const r = await merge(files);
    expect(r.code, r.stderr).toBe(2);
    for (let i = 3; i <= 7; i++) {
      expect(r.stderr).toContain(`shard ${i}/${MAX_SHARDS} is missing`);
    }
    expect(r.stderr).not.toContain(`shard 8/${MAX_SHARDS} is missing`);
    expect(r.stderr).toContain(
      `and ${MAX_SHARDS - 7} more of the ${MAX_SHARDS} shards are missing`,
    );
    expect(r.stderr.split('\n').length).toBeLessThan(20);
  });

  it('merged.shards of a merged report is a shard count too', async () => {
    const file = at('merged-count.json');
    const r = shard(1);
    delete r.meta.shard;
    r.meta.merged = { shards: 1e9, reports: [] };
    writeFileSync(file, JSON.stringify(r));
    const v = await cliInProcess(['view', file, '--html', at('mc.html')], {});
    expectBadField(v, file, 'meta.merged.shards');
  });
});

describe('evalgate merge and view: timestamps', () => {
  for (const value of ['yesterday', '2026-02-30T00:00:00Z', '2026-01-01', '']) {
    it(`meta.started_at ${JSON.stringify(value)} is the field at fault, not an internal error`, async () => {
      const files = edited((r, i) => {
        if (i === 1) r.meta.started_at = value;
      });
      const r = await merge(files);
      expectBadField(r, files[0]!, 'meta.started_at', /ISO 8601 date-time/);
      const v = await cliInProcess(['view', files[0]!, '--html', at(`v${made}.html`)], {});
      expectBadField(v, files[0]!, 'meta.started_at', /ISO 8601 date-time/);
    });
  }

  it('accepts a date-time with an offset', () => {
    const r = shard(1);
    r.meta.started_at = '2026-01-31T12:00:00+02:00';
    expect(reportSchema.safeParse(r).success).toBe(true);
  });
});

describe('evalgate merge: numbers the statistics read', () => {
  const bad: [string, (side: Json) => void, RegExp?][] = [
    ['score', (s) => (s.score = 1e308), /<=1/],
    ['score', (s) => (s.score = 2), /<=1/],
    ['score', (s) => (s.score = -0.5), />=0/],
    ['scores.exact', (s) => (s.scores.exact = 1.5), /<=1/],
    ['repeat_scores.1', (s) => (s.repeat_scores = [1, 7])],
    ['latency_ms', (s) => (s.latency_ms = -5), />=0/],
    ['latency_ms', (s) => (s.latency_ms = 1e308)],
    ['ttft_ms', (s) => (s.ttft_ms = -1)],
    ['tpot_ms', (s) => (s.tpot_ms = 1e300)],
    ['repeat_latency_ms.0', (s) => (s.repeat_latency_ms = [-1])],
    ['cost_usd', (s) => (s.cost_usd = -0.01), />=0/],
    ['cost_usd', (s) => (s.cost_usd = 1e308)],
    ['input_tokens', (s) => (s.input_tokens = -7)],
    ['output_tokens', (s) => (s.output_tokens = 1.5), /int/],
    ['input_tokens', (s) => (s.input_tokens = 2 ** 60)],
    [
      'judge.cost_usd',
      (s) => (s.judge = { calls: 1, input_tokens: 1, output_tokens: 1, cost_usd: -1 }),
    ],
  ];
  for (const [field, edit, message] of bad) {
    it(`cases.N.candidate.${field}: ${edit.toString().replace(/^\(s\) => /, '')}`, async () => {
      let n = -1;
      const files = edited((r, i) => {
        if (i !== 1) return;
        n = r.cases.findIndex((c: Json) => c.candidate);
        edit(firstCandidate(r));
      });
      const r = await merge(files);
      expectBadField(r, files[0]!, `cases.${n}.candidate.${field}`, message);
    });
  }

  it('meta.calls counts are whole and bounded: 1.7e308 calls on each shard do not sum to Infinity', async () => {
    const files = edited((r) => {
      r.meta.calls.planned = 1.7e308;
    });
    const r = await merge(files);
    expectBadField(r, files[0]!, 'meta.calls.planned');
    expectBadField(r, files[1]!, 'meta.calls.planned');
    for (const value of [-1, 0.5]) {
      const more = edited((s, i) => {
        if (i === 2) s.meta.calls.retries = value;
      });
      expectBadField(await merge(more), more[1]!, 'meta.calls.retries');
    }
  });

  it('target metrics are in range too (view reads them)', async () => {
    const file = at('targets.json');
    const r = shard(1);
    r.targets.candidate.quality = 3;
    r.targets.candidate.cases = -1;
    writeFileSync(file, JSON.stringify(r));
    const v = await cliInProcess(['view', file, '--html', at('t.html')], {});
    expectBadField(v, file, 'targets.candidate.quality');
    expectBadField(v, file, 'targets.candidate.cases');
  });
});
