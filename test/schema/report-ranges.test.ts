import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/schema/report.js';
import { MAX_SHARDS } from '../../src/shard/select.js';
import { expectReportMatchesSchema } from '../helpers/report-schema.js';
import { makeReport } from '../report/fixture.js';

// The report format bounds what evalgate's statistics read back (merge, view, plan --from-report):
// scores on 0..1, times, costs and counts not negative, counts whole, shards 1 ≤ I ≤ N ≤
// MAX_SHARDS, timestamps ISO 8601. Both the zod schema the program validates with and the
// published JSON Schema (the committed schema/report.schema.json) refuse the same values.

// biome-ignore lint/suspicious/noExplicitAny: a report as JSON, edited field by field.
type Json = any;

function withShard(index: number, count: number): Json {
  const r: Json = makeReport();
  r.meta.shard = { index, count, cases: 3, config_file: 'sha256:00' };
  return r;
}

/** The zod issue paths for `report`, joined with dots. */
function paths(report: unknown): string[] {
  const parsed = reportSchema.safeParse(report);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
}

function publishedRejects(report: unknown): boolean {
  try {
    expectReportMatchesSchema(report, 'r.json');
    return false;
  } catch {
    return true;
  }
}

const edits: [string, (r: Json) => void][] = [
  ['meta.shard.count', (r) => Object.assign(r, withShard(1, 1e9))],
  ['meta.shard.count', (r) => Object.assign(r, withShard(1, -3))],
  ['meta.shard.count', (r) => Object.assign(r, withShard(1, 0))],
  ['meta.shard.index', (r) => Object.assign(r, withShard(1.5, 3))],
  ['meta.shard.index', (r) => Object.assign(r, withShard(0, 3))],
  ['meta.started_at', (r) => (r.meta.started_at = 'yesterday')],
  ['cases.0.candidate.score', (r) => (r.cases[0].candidate.score = 1e308)],
  ['cases.0.candidate.score', (r) => (r.cases[0].candidate.score = 2)],
  ['cases.0.candidate.latency_ms', (r) => (r.cases[0].candidate.latency_ms = -1)],
  ['cases.0.candidate.cost_usd', (r) => (r.cases[0].candidate.cost_usd = -1)],
  ['cases.0.candidate.input_tokens', (r) => (r.cases[0].candidate.input_tokens = -1)],
  ['cases.0.candidate.output_tokens', (r) => (r.cases[0].candidate.output_tokens = 0.5)],
  ['meta.calls.planned', (r) => (r.meta.calls = { ...callsOf(r), planned: 1.7e308 })],
];

function callsOf(r: Json) {
  return r.meta.calls ?? { planned: 1, done: 1, cached: 0, retries: 0, failed: 0 };
}

describe('the report schema', () => {
  it('accepts the test fixture and a shard report of every legal index', () => {
    expect(paths(makeReport())).toEqual([]);
    for (const [i, n] of [
      [1, 1],
      [2, 3],
      [MAX_SHARDS, MAX_SHARDS],
    ] as const) {
      expect(paths(withShard(i, n))).toEqual([]);
      expect(publishedRejects(withShard(i, n))).toBe(false);
    }
  });

  for (const [field, edit] of edits) {
    it(`refuses ${field}: ${edit.toString().replace(/^\(r\) => /, '')}`, () => {
      const r: Json = makeReport();
      edit(r);
      expect(paths(r)).toContain(field);
      expect(publishedRejects(r)).toBe(true);
    });
  }

  it('refuses an index past the count (the zod schema; JSON Schema cannot compare two fields)', () => {
    expect(paths(withShard(4, 3))).toEqual(['meta.shard.index']);
  });

  it('keeps a score of exactly 0 or 1 and an errored answer as evalgate writes it', () => {
    const r: Json = makeReport();
    r.cases[0].candidate = {
      ...r.cases[0].candidate,
      output: null,
      score: 0,
      pass: false,
      scores: {},
      latency_ms: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      error: { kind: 'timeout', message: 'timed out' },
    };
    r.cases[1].candidate.score = 1;
    expect(paths(r)).toEqual([]);
    expect(publishedRejects(r)).toBe(false);
  });
});
