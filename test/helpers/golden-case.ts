import type { GoldenCase } from '../../src/types.js';

/** A golden case with every field filled in; tests override what they care about. */
export function goldenCase(overrides: Partial<GoldenCase> = {}): GoldenCase {
  return {
    id: 'case-1',
    input: 'What is 2 + 2?',
    expected: '4',
    tags: [],
    vars: {},
    metadata: {},
    assert: [],
    source: { file: 'golden.jsonl', line: 1 },
    ...overrides,
  };
}

/** `n` cases `case-0..` with inputs `q0..` and expected answers `a0..`. */
export function goldenCases(n: number): GoldenCase[] {
  return Array.from({ length: n }, (_, i) =>
    goldenCase({
      id: `case-${i}`,
      input: `q${i}`,
      expected: `a${i}`,
      source: { file: 'golden.jsonl', line: i + 1 },
    }),
  );
}
