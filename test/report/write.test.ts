import {
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../src/report/output-paths.js';
import { writeOutputs } from '../../src/report/write.js';
import type { CaseReport } from '../../src/types.js';
import { writeFileAtomicChunks } from '../../src/util/atomic-write.js';
import { makeReport } from './fixture.js';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'evalgate-write-'));

describe('writeOutputs', () => {
  it('writes the report as JSON.stringify(report, null, 2) plus a newline', () => {
    const dir = tempDir();
    const report = makeReport();
    writeOutputs(report, { report: path.join(dir, 'r.json') });
    expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).toBe(
      `${JSON.stringify(report, null, 2)}\n`,
    );
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('keeps the previous report whole at every moment of a write', () => {
    const dir = tempDir();
    const file = path.join(dir, 'evalgate-report.json');
    const previous = `${JSON.stringify(makeReport(), null, 2)}\n`;
    writeFileSync(file, previous);
    let checked = 0;
    function* pieces() {
      for (let i = 0; i < 50; i++) {
        yield `${'x'.repeat(100_000)}\n`;
        // A kill -9 here would leave exactly this: the old report, and a temp file beside it.
        expect(readFileSync(file, 'utf8')).toBe(previous);
        expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);
        checked++;
      }
    }
    writeFileAtomicChunks(file, pieces());
    expect(checked).toBe(50);
    expect(statSync(file).size).toBe(50 * 100_001);
    expect(readdirSync(dir)).toEqual(['evalgate-report.json']);
  });

  it('a write that fails midway leaves the previous report and no temp file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'evalgate-report.json');
    const previous = `${JSON.stringify(makeReport(), null, 2)}\n`;
    writeFileSync(file, previous);
    const report = makeReport();
    // Megabytes already written to the temp file when the serialisation throws.
    report.cases[0]!.candidate!.output = 'y'.repeat(5_000_000);
    (report.cases[2] as CaseReport & { toJSON?: () => never }).toJSON = () => {
      throw new Error('boom');
    };
    expect(() => writeOutputs(report, { report: file })).toThrow(OutputWriteError);
    expect(readFileSync(file, 'utf8')).toBe(previous);
    expect(readdirSync(dir)).toEqual(['evalgate-report.json']);
  });

  it('writes the JUnit and summary files atomically too, replacing a symlink rather than following it', () => {
    const dir = tempDir();
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, path.join(dir, 'junit.xml'));
    writeOutputs(makeReport(), {
      junit: path.join(dir, 'junit.xml'),
      summary: path.join(dir, 'summary.md'),
    });
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(path.join(dir, 'junit.xml')).isFile()).toBe(true);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(/^## /);
  });

  // 600 MB of text: tens of seconds on a loaded 2-core machine; the limit only guards a hang.
  it('writes a report longer than the longest string V8 can make', { timeout: 180_000 }, () => {
    // Three 200 MB answers: 600 MB of JSON, past V8's 2^29 − 24 characters, where
    // JSON.stringify(report) throws "Invalid string length". One string shared by the three
    // cases keeps this test's heap at 200 MB.
    const MB200 = 200_000_000;
    const big = 'x'.repeat(MB200);
    const report = makeReport();
    const shown = report.cases.slice(0, 3);
    for (const c of shown) c.candidate!.output = big;
    const dir = tempDir();
    const file = path.join(dir, 'evalgate-report.json');
    writeOutputs(report, { report: file });

    // The same report with a short placeholder: the file is that text with each placeholder
    // grown to 200 MB of x.
    for (const c of shown) c.candidate!.output = 'OUT';
    const small = `${JSON.stringify(report, null, 2)}\n`;
    const size = statSync(file).size;
    expect(size).toBe(Buffer.byteLength(small) + 3 * (MB200 - 3));
    expect(size).toBeGreaterThan(2 ** 29);
    const head = small.slice(0, small.indexOf('"OUT"') + 1);
    const tail = small.slice(small.lastIndexOf('"OUT"') + 4);
    const read = (at: number, n: number) => {
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, at);
      return buf.toString('utf8');
    };
    expect(read(0, Buffer.byteLength(head))).toBe(head);
    expect(read(size - Buffer.byteLength(tail), Buffer.byteLength(tail))).toBe(tail);
    expect(read(Buffer.byteLength(head), 1000)).toBe('x'.repeat(1000));
    expect(readdirSync(dir)).toEqual(['evalgate-report.json']);
  });
});
