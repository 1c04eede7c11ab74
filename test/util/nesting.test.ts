import { describe, expect, it } from 'vitest';
import { MAX_NESTING, tooDeep } from '../../src/util/nesting.js';

const nest = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('tooDeep', () => {
  it('accepts up to the bound and refuses one level more', () => {
    expect(tooDeep(nest(MAX_NESTING))).toBeUndefined();
    expect(tooDeep(nest(MAX_NESTING + 1))).toHaveLength(MAX_NESTING);
    expect(tooDeep('text')).toBeUndefined();
    expect(tooDeep(null)).toBeUndefined();
  });

  it('names the path to the first level too deep', () => {
    expect(tooDeep({ a: 1, b: { c: [[{ d: 1 }]] } }, 3)).toEqual(['b', 'c', 0]);
  });

  it('does not overflow the stack on 200,000 levels', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(tooDeep(deep)).toHaveLength(MAX_NESTING);
  });
});
