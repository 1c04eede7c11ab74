// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { describe, expect, it } from 'vitest';
import { interpolateEnv } from '../../src/config/interpolate.js';

describe('interpolateEnv', () => {
  it('replaces variables in nested strings and leaves everything else as it was', () => {
    const input = {
      a: '${A}',
      list: ['x-${B}', 2, true, null],
      nested: { deep: 'pre ${A} post ${B}' },
      n: 5,
    };
    const problems: Parameters<typeof interpolateEnv>[3] = [];
    expect(interpolateEnv(input, { A: 'one', B: 'two' }, [], problems)).toEqual({
      a: 'one',
      list: ['x-two', 2, true, null],
      nested: { deep: 'pre one post two' },
      n: 5,
    });
    expect(problems).toEqual([]);
  });

  it('does not change its input', () => {
    const input = { a: '${A}' };
    interpolateEnv(input, { A: 'x' });
    expect(input).toEqual({ a: '${A}' });
  });

  it('does not interpolate keys', () => {
    expect(interpolateEnv({ '${A}': 'v' }, { A: 'x' })).toEqual({ '${A}': 'v' });
  });

  it('defaults: used when unset or empty; may contain spaces and colons', () => {
    expect(interpolateEnv('${A:-fallback value: 1}', {})).toBe('fallback value: 1');
    expect(interpolateEnv('${A:-d}', { A: '' })).toBe('d');
    expect(interpolateEnv('${A:-d}', { A: 'set' })).toBe('set');
  });

  it('records every string that held a variable as it became, defaults included, and no other', () => {
    const filled: Parameters<typeof interpolateEnv>[6] = [];
    interpolateEnv(
      { a: 'plain', b: '${A}', c: ['${B:-dflt}', 'x-$$'], d: { e: 'pre ${A}-${B:-y}' } },
      { A: 'one' },
      [],
      [],
      [],
      undefined,
      filled,
    );
    expect(filled).toEqual([
      { at: ['b'], value: 'one' },
      { at: ['c', 0], value: 'dflt' },
      { at: ['d', 'e'], value: 'pre one-y' },
    ]);
  });

  it('$$ escapes a dollar', () => {
    expect(interpolateEnv('$$ $${A} $$$$', { A: 'x' })).toBe('$ ${A} $$');
  });

  it('leaves things that are not variables alone', () => {
    expect(interpolateEnv('$A ${} ${1X} ${A-b} $', { A: 'x' })).toBe('$A ${} ${1X} ${A-b} $');
  });

  it('reports each unset variable with the path of the value it sits in', () => {
    const problems: Parameters<typeof interpolateEnv>[3] = [];
    const out = interpolateEnv(
      { targets: { candidate: { base_url: '${HOST}/v1', model: '${M}' } }, dataset: ['${D}'] },
      {},
      [],
      problems,
    );
    expect(problems).toEqual([
      {
        at: ['targets', 'candidate', 'base_url'],
        path: 'targets.candidate.base_url',
        message: 'environment variable HOST is not set (used as ${HOST})',
      },
      {
        at: ['targets', 'candidate', 'model'],
        path: 'targets.candidate.model',
        message: 'environment variable M is not set (used as ${M})',
      },
      { at: ['dataset', 0], path: 'dataset.0', message: expect.stringContaining('D is not set') },
    ]);
    expect(out).toEqual({ targets: { candidate: { base_url: '/v1', model: '' } }, dataset: [''] });
  });
});
