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
import type { CaseReport, Report } from '../../src/types.js';
import { writeFileAtomicChunks } from '../../src/util/atomic-write.js';
import { makeReport } from './fixture.js';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'evalgate-write-'));

/**
 * The report's text as docs/report.md describes it, made another way: JSON.stringify(report,
 * null, 2) with the `cases` list written one compact case per line, and a newline.
 */
function reportText(report: Report, indented: ReadonlySet<number> = new Set()): string {
  const place = '\u0000cases';
  const text = JSON.stringify({ ...report, cases: place }, null, 2);
  // A case too long for one string is written indented (JSON.stringify(c, null, 2)) instead.
  const line = (c: CaseReport, i: number) =>
    `    ${indented.has(i) ? JSON.stringify(c, null, 2).replaceAll('\n', '\n    ') : JSON.stringify(c)}`;
  const list = report.cases.length === 0 ? '[]' : `[\n${report.cases.map(line).join(',\n')}\n  ]`;
  return `${text.replace(JSON.stringify(place), () => list)}\n`;
}

describe('writeOutputs', () => {
  it('writes the report indented by two spaces, each case compact on a line of its own', () => {
    const dir = tempDir();
    const report = makeReport();
    writeOutputs(report, { report: path.join(dir, 'r.json') });
    const text = readFileSync(path.join(dir, 'r.json'), 'utf8');
    expect(text).toBe(reportText(report));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
    const lines = text.split('\n');
    const first = lines.indexOf('  "cases": [') + 1;
    expect(first).toBeGreaterThan(0);
    const caseLines = lines.slice(first, first + report.cases.length);
    expect(caseLines.map((l) => JSON.parse(l.trim().replace(/,$/, '')))).toEqual(
      JSON.parse(JSON.stringify(report.cases)),
    );
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('writes an empty case list and every other field as JSON.stringify indents them', () => {
    const dir = tempDir();
    const report = { ...makeReport(), cases: [] };
    writeOutputs(report, { report: path.join(dir, 'r.json') });
    const text = readFileSync(path.join(dir, 'r.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
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
    // Three 200 MB texts: 600 MB of JSON, past V8's 2^29 − 24 characters, where
    // JSON.stringify(report) throws "Invalid string length"; all in one case, so that the case
    // itself is too long for one string and is written in pieces. One string shared by the
    // three keeps this test's heap at 200 MB.
    const MB200 = 200_000_000;
    const big = 'x'.repeat(MB200);
    const report = makeReport();
    const c = report.cases[0]!;
    const fill = (text: string) => {
      c.baseline!.output = text;
      c.candidate!.output = text;
      c.expected = text;
    };
    fill(big);
    const dir = tempDir();
    const file = path.join(dir, 'evalgate-report.json');
    writeOutputs(report, { report: file });

    // The same report with a short placeholder: the file is that text with each placeholder
    // grown to 200 MB of x, the case that held them indented.
    fill('OUT');
    const small = reportText(report, new Set([0]));
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
