import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, RunAbortedError } from '../../src/errors.js';
import {
  checkOutputPaths,
  OutputWriteError,
  outputCollisions,
  outputPathProblem,
} from '../../src/report/output-paths.js';
import { writeOutputs } from '../../src/report/write.js';
import { makeReport } from './fixture.js';

// Output paths are checked before the run (exit 2, nothing sent); a write that still fails after
// it is a clean "could not judge", never a stack trace.

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'evalgate-out-'));

describe('outputPathProblem', () => {
  it('accepts a new file, in folders that do not exist yet', () => {
    const dir = tmp();
    expect(outputPathProblem(path.join(dir, 'report.json'))).toBeUndefined();
    expect(outputPathProblem(path.join(dir, 'a/b/c/report.json'))).toBeUndefined();
  });

  it('accepts an existing file, which will be replaced', () => {
    const file = path.join(tmp(), 'report.json');
    writeFileSync(file, '{}');
    expect(outputPathProblem(file)).toBeUndefined();
  });

  it('refuses a directory', () => {
    const dir = tmp();
    expect(outputPathProblem(dir)).toBe(`${dir} is a directory; give a file path`);
  });

  it('refuses a device or a pipe, which a rename would replace (as root, /dev/null itself)', () => {
    expect(outputPathProblem('/dev/null')).toBe(
      '/dev/null is not a regular file (a device, pipe or socket); give a file path',
    );
    const fifo = path.join(tmp(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(outputPathProblem(fifo)).toMatch(/pipe is not a regular file/);
  });

  it('refuses a path through a file', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'golden.jsonl'), '');
    expect(outputPathProblem(path.join(dir, 'golden.jsonl/x/report.json'))).toMatch(
      /golden\.jsonl is a file, not a folder$/,
    );
  });

  it('refuses a name too long for the file system, or for the temp file written beside it', () => {
    const dir = tmp();
    expect(outputPathProblem(path.join(dir, `${'r'.repeat(300)}.json`))).toMatch(/too long/);
    // A folder name too long: the file system says so when asked about it.
    expect(outputPathProblem(path.join(dir, 'd'.repeat(300), 'report.json'))).toMatch(
      /ENAMETOOLONG/,
    );
    // 240 bytes fit a file name, but not its temp file (22 bytes longer): refused up front.
    expect(outputPathProblem(path.join(dir, `${'r'.repeat(235)}.json`))).toMatch(
      /the file name is too long to write \(at most 233 bytes\)$/,
    );
    // Bytes, not characters: 120 two-byte letters are 240 bytes.
    expect(outputPathProblem(path.join(dir, `${'é'.repeat(118)}.json`))).toMatch(/too long/);
    expect(outputPathProblem(path.join(dir, `${'r'.repeat(228)}.json`))).toBeUndefined();
  });

  it('refuses a path through a symlink loop', () => {
    const dir = tmp();
    symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop'));
    expect(outputPathProblem(path.join(dir, 'loop/junit.xml'))).toMatch(/ELOOP/);
    expect(outputPathProblem(path.join(dir, 'loop'))).toMatch(/ELOOP/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write to', () => {
    const dir = path.join(tmp(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    expect(outputPathProblem(path.join(dir, 'report.json'))).toMatch(/ro is not writable$/);
  });
});

describe('checkOutputPaths', () => {
  it('names every flag at fault in one InputError', () => {
    const dir = tmp();
    let err: unknown;
    try {
      checkOutputPaths([
        { file: dir, field: '--report' },
        undefined,
        { file: path.join(dir, 'ok.xml'), field: '--junit' },
        { file: dir, field: '--summary' },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.path)).toEqual(['--report', '--summary']);
  });

  it('passes writable paths', () => {
    expect(() =>
      checkOutputPaths([{ file: path.join(tmp(), 'r.json'), field: '--report' }]),
    ).not.toThrow();
  });
});

describe('writeOutputs', () => {
  it('turns a write failure into a RunAbortedError naming the file', () => {
    const dir = tmp();
    let err: unknown;
    try {
      writeOutputs(makeReport(), { report: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputWriteError);
    expect(err).toBeInstanceOf(RunAbortedError);
    expect((err as Error).message).toBe(
      `could not write ${dir}: EISDIR: illegal operation on a directory`,
    );
  });

  it('still writes where it can', () => {
    const file = path.join(tmp(), 'deep/report.json');
    writeOutputs(makeReport(), { report: file });
    expect(JSON.parse(readFileSync(file, 'utf8')).decision).toBe(makeReport().decision);
  });
});

describe('outputCollisions', () => {
  const input = (abs: string, label = 'the dataset file') => ({ abs, label });

  it('finds an output that is an input, by any name: relative, symlink, hard link', () => {
    const dir = tmp();
    const golden = path.join(dir, 'golden.jsonl');
    writeFileSync(golden, '{}');
    symlinkSync(golden, path.join(dir, 'link.jsonl'));
    linkSync(golden, path.join(dir, 'hard.jsonl'));
    for (const name of ['golden.jsonl', 'link.jsonl', 'hard.jsonl', './sub/../golden.jsonl']) {
      const problems = outputCollisions(
        [{ file: path.join(dir, name), field: '--report' }],
        [input(golden)],
      );
      expect(problems, name).toEqual([
        {
          path: '--report',
          message: `${path.join(dir, name)} is the dataset file (${golden}); writing the output there would overwrite it, so give another path`,
        },
      ]);
    }
  });

  it('finds two outputs naming one new file, and lets distinct ones pass', () => {
    const dir = tmp();
    const a = path.join(dir, 'out', 'r.json');
    expect(
      outputCollisions(
        [
          { file: a, field: '--report' },
          { file: path.join(dir, 'x.xml'), field: '--junit' },
          { file: path.join(dir, 'out', '..', 'out', 'r.json'), field: '--summary' },
        ],
        [],
      ),
    ).toEqual([
      {
        path: '--summary',
        message: `${path.join(dir, 'out', '..', 'out', 'r.json')} is the same file as --report ${a}; give each output its own path`,
      },
    ]);
    expect(
      outputCollisions([{ file: a, field: '--report' }], [input(path.join(dir, 'golden.jsonl'))]),
    ).toEqual([]);
  });
});
