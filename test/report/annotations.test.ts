import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveCheckAnnotations } from '../../src/action/canary.js';
import { regressionAnnotations } from '../../src/report/annotations.js';
import type { Check } from '../../src/types.js';
import { check, HOSTILE_ID, makeLongReport, makeReport } from './fixture.js';

const root = path.resolve('/repo');
const options = { max: 10, root, cwd: path.join(root, 'evals') };

describe('regressionAnnotations', () => {
  it('points at the golden-set file and line of each regressed case, worst first', () => {
    const notes = regressionAnnotations(makeReport(), options);
    expect(notes.map((n) => [n.file, n.line, n.title])).toEqual([
      ['evals/golden/support.jsonl', 3, 'evalgate: candidate error (timeout)'],
      ['evals/golden/support.jsonl', 2, 'evalgate: regressed case'],
      ['evals/golden/support.jsonl', 6, 'evalgate: regressed case'],
    ]);
    expect(notes[0]!.message).toBe(
      'case timeout-3: 0.80 → error (timeout). Candidate error: no reply in 60000 ms @\u200boctocat',
    );
    expect(notes[2]!.message).toContain('0.70 → 0.70 (±0.00), now failing');
  });

  it('keeps hostile ids and outputs on one line, without control characters or whole mentions', () => {
    const [, hostile] = regressionAnnotations(makeReport(), options);
    expect(hostile!.message).toContain(`case ${HOSTILE_ID.replace('@', '@\u200b')}:`);
    expect(hostile!.message).not.toMatch(/[\n\r\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(hostile!.message).not.toMatch(/@[\w-]/);
    expect(hostile!.message.length).toBeLessThan(500);
  });

  it('gives at most max', () => {
    expect(regressionAnnotations(makeLongReport(40), { ...options, max: 10 })).toHaveLength(10);
    expect(regressionAnnotations(makeLongReport(40), { ...options, max: 0 })).toEqual([]);
  });

  it('leaves out the file when it is outside the repository, and parses paths with colons', () => {
    const r = makeReport();
    r.cases[2]!.source = '../../elsewhere/x.jsonl:3';
    r.cases[1]!.source = 'C:odd:name.jsonl:12';
    r.cases[5]!.source = 'no-line.jsonl';
    const notes = regressionAnnotations(r, options);
    expect(notes[0]).not.toHaveProperty('file');
    expect(notes[0]).not.toHaveProperty('line');
    expect(notes[1]).toMatchObject({ file: 'evals/C:odd:name.jsonl', line: 12 });
    expect(notes[2]).toMatchObject({ file: 'evals/no-line.jsonl' });
    expect(notes[2]).not.toHaveProperty('line');
  });

  it('says nothing for a one-side recording', () => {
    const r = makeReport();
    r.meta.only = 'candidate';
    expect(regressionAnnotations(r, options)).toEqual([]);
  });
});

describe('liveCheckAnnotations (a canary)', () => {
  const live = (name: string, verdict: Check['verdict']) =>
    check({ metric: 'live_max_increase', name, verdict, reason: `${name} ${verdict}` });
  const report = makeReport({
    checks: [live('errors', 'pass'), live('latency', 'inconclusive'), live('cost', 'fail')],
  });
  const config = { path: 'canary.yml', metricLines: { errors: 6, latency: 10, cost: 14 } };

  it("points each live check that did not pass at its metric's line, failed ones first", () => {
    const notes = liveCheckAnnotations(report, config, options);
    expect(notes.map((n) => [n.title, n.file, n.line])).toEqual([
      ['evalgate: live metric cost fail', 'evals/canary.yml', 14],
      ['evalgate: live metric latency inconclusive', 'evals/canary.yml', 10],
    ]);
  });

  it('gives no line for a metric whose line is unknown, nor for a config outside the repository', () => {
    const unknown = liveCheckAnnotations(report, { path: 'canary.yml' }, options);
    expect(unknown.map((n) => n.line)).toEqual([undefined, undefined]);
    const outside = liveCheckAnnotations(
      report,
      { ...config, path: '../../elsewhere.yml' },
      options,
    );
    expect(outside.map((n) => [n.file, n.line])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});
