import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runUrlFromEnv } from '../../src/report/run-url.js';
import { matchStoredBaseline, parseStoredBaseline } from '../../src/report/stored-baseline.js';
import { side } from './fixture.js';

const recording = (ids: string[], meta: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema_version: 1,
    cases: ids.map((id) => ({ id, slices: [], candidate: side() })),
    meta: { started_at: '2025-01-01T00:00:00.000Z', models: { candidate: 'm' }, ...meta },
  });

describe('parseStoredBaseline', () => {
  it('keeps the recorded candidate side by id, its time and its fingerprints', () => {
    const fingerprints = { datasets: { 'g.jsonl': 'sha256:1' }, config: 'sha256:2' };
    const s = parseStoredBaseline(recording(['a', 'b'], { fingerprints }), 'main.json');
    expect([...s.byId.keys()]).toEqual(['a', 'b']);
    expect(s.recordedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(s.fingerprints).toEqual(fingerprints);
    expect(
      parseStoredBaseline(recording(['a'], { fingerprints: { bad: 1 } }), 'x').fingerprints,
    ).toBeUndefined();
  });

  it('rejects what is not a recording, naming the file and field', () => {
    expect(() => parseStoredBaseline('{', 'r.json')).toThrow(InputError);
    expect(() => parseStoredBaseline('{"schema_version":2}', 'r.json')).toThrow(
      /r\.json \(schema_version\)/,
    );
    expect(() => parseStoredBaseline(recording([]), 'r.json')).toThrow(/no candidate results/);
  });

  it('refuses a recording nested past any real report, which would balloon when written again', () => {
    let extra = '0';
    for (let i = 0; i < 5000; i++) extra = `[${extra}]`;
    const text = recording(['a']).replace('"candidate":{', `"candidate":{"extra":${extra},`);
    expect(() => parseStoredBaseline(text, 'r.json')).toThrow(
      /r\.json \(cases\.0\.candidate\.extra\.0\.0\): nests more than 72 levels/,
    );
    // A real answer with a deeply nested expected value (64 levels, the dataset's bound) loads.
    let expected: unknown = 1;
    for (let i = 1; i < 64; i++) expected = [expected];
    const ok = recording(['a']).replace(
      '"candidate":{',
      `"candidate":{"extra":${JSON.stringify(expected)},`,
    );
    expect(parseStoredBaseline(ok, 'r.json').byId.size).toBe(1);
  });
});

describe('parseStoredBaseline: the recorded answers themselves', () => {
  const withSide = (candidate: unknown, meta: Record<string, unknown> = {}) =>
    JSON.stringify({ schema_version: 1, cases: [{ id: 'a', slices: [], candidate }], meta });

  it('rejects a malformed answer with the path of the bad field', () => {
    expect(() => parseStoredBaseline(withSide({ ...side(), error: 'x' }), 'r.json')).toThrow(
      /r\.json \(cases\.0\.candidate\.error\): is not a recorded result/,
    );
    expect(() => parseStoredBaseline(withSide({ ...side(), score: 1.5 }), 'r.json')).toThrow(
      /\(cases\.0\.candidate\.score\)/,
    );
    expect(() => parseStoredBaseline(withSide({ ...side(), output: 3 }), 'r.json')).toThrow(
      /\(cases\.0\.candidate\.output\)/,
    );
  });

  it.each([
    ['a scorer value past 1', { scores: { exact: 2 } }, 'scores.exact'],
    ['a latency the statistics would overflow on', { latency_ms: 1e308 }, 'latency_ms'],
    ['a negative time to first token', { ttft_ms: -5 }, 'ttft_ms'],
    ['fractional tokens', { output_tokens: 2.5 }, 'output_tokens'],
    ['a repeat score past 1', { repeat_scores: [1, 7] }, 'repeat_scores.1'],
  ])('rejects %s, at its path, as our own reports could never hold it', (_, edit, at) => {
    expect(() => parseStoredBaseline(withSide({ ...side(), ...edit }), 'r.json')).toThrow(
      `r.json (cases.0.candidate.${at}): is not a recorded result`,
    );
  });

  it('keeps fields it does not check, and reads the baseline side of an --only baseline recording', () => {
    const s = parseStoredBaseline(withSide({ ...side(), ttft_ms: 120 }), 'r.json');
    expect(s.byId.get('a')).toMatchObject({ ttft_ms: 120 });
    const base = JSON.stringify({
      schema_version: 1,
      cases: [{ id: 'a', slices: [], baseline: side({ score: 0.25 }) }],
      meta: { only: 'baseline', models: { baseline: 'old' } },
    });
    const b = parseStoredBaseline(base, 'b.json');
    expect(b.byId.get('a')?.score).toBe(0.25);
    expect(b.model).toBe('old');
  });
});

describe('matchStoredBaseline', () => {
  it('pairs by id and lists the cases missing on either side', () => {
    const stored = parseStoredBaseline(recording(['a', 'b', 'gone']), 'main.json');
    const { match, warnings } = matchStoredBaseline(stored, ['a', 'b', 'new']);
    expect(match).toEqual({
      file: 'main.json',
      recorded_at: '2025-01-01T00:00:00.000Z',
      paired: 2,
      not_recorded: ['new'],
      not_in_dataset: ['gone'],
    });
    expect(warnings).toEqual([
      '1 case(s) are not in the baseline report main.json and were not compared: "new"',
      '1 case(s) in the baseline report main.json are no longer in the dataset: "gone"',
    ]);
  });

  it('shortens long id lists in warnings, never in the report', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `id-${i}`);
    const stored = parseStoredBaseline(recording(['a']), 'main.json');
    const { match, warnings } = matchStoredBaseline(stored, ['a', ...ids]);
    expect(match.not_recorded).toEqual(ids);
    expect(warnings[0]).toMatch(/"id-4" and 3 more$/);
  });
});

describe('runUrlFromEnv', () => {
  it('builds the run link from the Actions variables, only when they look right', () => {
    const env = {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '9',
    };
    expect(runUrlFromEnv(env)).toBe('https://github.com/o/r/actions/runs/9');
    expect(runUrlFromEnv({ ...env, GITHUB_RUN_ATTEMPT: '3' })).toBe(
      'https://github.com/o/r/actions/runs/9/attempts/3',
    );
    expect(runUrlFromEnv({ ...env, GITHUB_RUN_ID: '9)(' })).toBeUndefined();
    expect(runUrlFromEnv({ ...env, GITHUB_REPOSITORY: 'o/r/../x' })).toBeUndefined();
    expect(runUrlFromEnv({})).toBeUndefined();
  });
});
