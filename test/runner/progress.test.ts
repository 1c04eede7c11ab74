import { describe, expect, it } from 'vitest';
import { progressDetail, progressReporter } from '../../src/cli/progress.js';
import type { RunStats } from '../../src/runner/run-pairs.js';

const stats = (o: Partial<RunStats> = {}): RunStats => ({
  planned: 100,
  done: 0,
  cached: 0,
  retries: 0,
  failed: 0,
  ...o,
});

describe('progress', () => {
  it('names only what happened: failures, retries, cache hits', () => {
    expect(progressDetail(stats())).toBe('');
    expect(progressDetail(stats({ failed: 2, retries: 7, cached: 40 }))).toBe(
      '; 2 failed, 7 retried, 40 from cache',
    );
    expect(progressDetail(undefined)).toBe('');
  });

  it('starts over when a new run begins (calibrate runs the baseline several times)', () => {
    const lines: string[] = [];
    const report = progressReporter({ stderr: (t) => lines.push(t), isTty: false }, () => 0);
    for (let run = 0; run < 2; run++) for (let done = 1; done <= 10; done++) report(done, 10);
    expect(lines.filter((l) => l.startsWith('progress: 10/10'))).toHaveLength(2);
    expect(lines).toHaveLength(20);
  });

  it('writes a log line every 10%, and at least every 30 s while calls complete', () => {
    const lines: string[] = [];
    let now = 0;
    const report = progressReporter({ stderr: (t) => lines.push(t), isTty: false }, () => now);
    for (let done = 1; done <= 25; done++) report(done, 100, stats({ done, retries: 1 }));
    expect(lines).toEqual([
      'progress: 10/100 calls (10%); 1 retried\n',
      'progress: 20/100 calls (20%); 1 retried\n',
    ]);
    now = 29_999;
    report(26, 100, stats());
    expect(lines).toHaveLength(2);
    now = 30_000;
    report(27, 100, stats());
    expect(lines.at(-1)).toBe('progress: 27/100 calls (27%)\n');
    for (let done = 28; done <= 100; done++) report(done, 100, stats());
    expect(lines.at(-1)).toBe('progress: 100/100 calls (100%)\n');
    expect(lines).toHaveLength(11);
  });

  it('redraws one bar in place on a terminal, at most every 100 ms, and ends the line when done', () => {
    const out: string[] = [];
    let now = 1000;
    const report = progressReporter({ stderr: (t) => out.push(t), isTty: true }, () => now);
    report(1, 4, stats({ failed: 1 }));
    report(2, 4, stats()); // too soon: skipped
    now += 100;
    report(3, 4, stats());
    report(4, 4, stats()); // the last one always draws
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\r\[#{8}\.{22}\] 1\/4 calls; 1 failed\x1b\[K$/);
    expect(out[2]).toMatch(/^\r\[#{30}\] 4\/4 calls\x1b\[K\n$/);
  });
});
