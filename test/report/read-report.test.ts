import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readReportFile } from '../../src/report/read-report.js';
import { writeReport } from '../../src/report/write.js';
import { workspace } from '../helpers/workspace.js';
import { makeReport } from './fixture.js';

// One reader for the reports evalgate reads back (view, merge, plan --from-report): every
// failure is bad input that names the file once, and the line or the field.

function problems(file: string, what = 'shard report') {
  try {
    readReportFile(file, what);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).message.split('\n');
  }
  throw new Error('read without a problem');
}

describe('readReportFile', () => {
  it('reads a report evalgate wrote', () => {
    const dir = workspace({ 'r.json': JSON.stringify(makeReport(), null, 2) });
    expect(readReportFile(path.join(dir, 'r.json'), 'report').decision).toBe(makeReport().decision);
  });

  it('reads back an interval end the data could not bound (written as null) as the infinity it was', () => {
    // A sequential look's optimistic end, a canary series at +Inf: JSON has no infinity.
    const report = makeReport();
    report.checks[0]!.ci = [Number.NEGATIVE_INFINITY, 0.1];
    report.checks[1]!.ci = [0.2, Number.POSITIVE_INFINITY];
    const dir = workspace({});
    const file = path.join(dir, 'r.json');
    writeReport(file, report);
    expect(readFileSync(file, 'utf8')).toContain('null');
    const back = readReportFile(file, 'report');
    expect(back.checks[0]!.ci).toEqual([Number.NEGATIVE_INFINITY, 0.1]);
    expect(back.checks[1]!.ci).toEqual([0.2, Number.POSITIVE_INFINITY]);
  });

  it('names a missing file, or a folder, once', () => {
    const dir = workspace({});
    mkdirSync(path.join(dir, 'd.json'));
    const missing = path.join(dir, 'gone.json');
    expect(problems(missing)).toEqual([`${missing}: shard report not found`]);
    const [folder] = problems(path.join(dir, 'd.json'), 'stored report (--from-report)');
    expect(folder).toMatch(/d\.json: stored report \(--from-report\) is /);
    expect(folder!.split('d.json')).toHaveLength(2);
  });

  it('gives the line where a pretty-printed report stops being JSON', () => {
    const text = JSON.stringify(makeReport(), null, 2).split('\n');
    text[3] = `${text[3]} oops`;
    const dir = workspace({ 'cut.json': text.join('\n') });
    const [p] = problems(path.join(dir, 'cut.json'));
    expect(p).toMatch(/cut\.json:4: not valid JSON \(/);
    expect(p).not.toMatch(/position/);
  });

  it('lists the fields that do not match the format, ten at the most', () => {
    const bad = makeReport();
    bad.cases = Array.from({ length: 15 }, (_, i) => ({
      ...bad.cases[i % bad.cases.length]!,
      id: `case-${i}`,
      candidate: { ...bad.cases[i % bad.cases.length]!.candidate!, score: 'high' as never },
    }));
    const dir = workspace({});
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const list = problems(file);
    expect(list[0]).toBe(
      `${file} (cases.0.candidate.score): not an evalgate report: ${list[0]!.split('report: ')[1]}`,
    );
    expect(list).toHaveLength(11);
    expect(list[10]).toBe(`${file}: and 5 more problems`);
  });
});
