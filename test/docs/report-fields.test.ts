import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/workspace.js';
import { makeReport } from '../report/fixture.js';

// docs/report.md says what every field of the report means: each key a report holds must be
// named there (in backticks). Keys that are data, not fields (scorer names under `scores`,
// file names under `fingerprints.datasets`, sides), are not walked into.

const DATA_KEYS = new Set(['scores', 'reasons', 'datasets', 'models', 'targets']);

function keys(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) keys(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      if (!DATA_KEYS.has(k)) keys(v, out);
      else if (k === 'targets') for (const side of Object.values(v as object)) keys(side, out);
    }
  }
  return out;
}

describe('docs/report.md', () => {
  it('names every field of a report', () => {
    const page = readFileSync(path.join(ROOT, 'docs/report.md'), 'utf8');
    const missing = [...keys(makeReport(), new Set())].filter((k) => !page.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
