import { describe, expect, it } from 'vitest';
import { formatNotes, formatProblemsForTerminal, inertLines } from '../../src/cli/stderr-text.js';

// A CLI run in a workflow's `run:` step: any stderr line that begins with `::` (after spaces)
// is a workflow command to the runner. Dataset text must never produce one.

const startsCommand = /^\s*::/m;

describe('inertLines', () => {
  it('keeps a line that would start a workflow command from starting with `::`', () => {
    const out = inertLines('case "x\n::warning::pwned\n   ::add-mask::y\r::stop-commands::t"');
    expect(out).not.toMatch(startsCommand);
    expect(out).toContain('::warning::pwned');
    expect(out.split('\n')).toHaveLength(4);
  });

  it('breaks the older `##[command]` form wherever it sits in a line, keeping how it looks', () => {
    const out = inertLines('id ##[error]pwned and tags=##[add-mask]x ##[stop-commands]t');
    expect(out).not.toContain('##[');
    expect(out.replace(/\u200b/g, '')).toBe(
      'id ##[error]pwned and tags=##[add-mask]x ##[stop-commands]t',
    );
  });

  it('removes terminal escapes and control characters, keeping ordinary lines', () => {
    expect(inertLines('a\u001b[31mred\u001b[0m\u0007\nb: c::d')).toBe('ared\nb: c::d');
  });
});

describe('formatProblemsForTerminal', () => {
  it('escapes each part and keeps one problem per line', () => {
    const text = formatProblemsForTerminal([
      { file: 'golden.jsonl', line: 4, path: 'assert.0.x\n::error::', message: 'bad "\u001b[2J"' },
      { file: 'evil\n::warning::.jsonl', message: 'm\n::notice::n' },
      { path: '--seed', message: 'must be a whole number' },
    ]);
    expect(text).not.toMatch(startsCommand);
    expect(text).not.toContain('\u001b');
    const lines = text.split('\n');
    expect(lines[0]).toBe('golden.jsonl:4 (assert.0.x ::error::): bad ""');
    expect(lines[1]).toBe('evil ::warning::.jsonl: m');
    expect(lines[2]).toBe('> ::notice::n');
    expect(lines[3]).toBe('--seed: must be a whole number');
  });

  it('keeps a line from starting a workflow command when the file or path starts it', () => {
    const text = formatProblemsForTerminal([
      { file: '::warning::pwned.jsonl', line: 2, message: 'invalid JSON' },
      { file: '  ::add-mask::x', message: 'm' },
      { path: '::stop-commands::t', message: 'm' },
      { file: 'ok.jsonl', line: 1, message: 'fine' },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).not.toMatch(startsCommand);
    expect(lines[0]).toBe('> ::warning::pwned.jsonl:2: invalid JSON');
    expect(lines[2]).toBe('> ::stop-commands::t: m');
    expect(lines[3]).toBe('ok.jsonl:1: fine');
    expect(formatNotes([{ file: '::error::f.yaml', message: 'n' }])).not.toMatch(startsCommand);
  });
});
