import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { inputError, tempDir } from './helpers.js';

// Golden sets as people write them: YAML merge keys, ids from a database, a blank id.

describe('golden sets as written', () => {
  it('applies YAML merge keys: a case inherits the tags and vars of the one it merges', async () => {
    const dir = tempDir({
      'cases.yaml': [
        '- &base',
        '  id: y1',
        '  input: hello',
        '  expected: hello',
        '  tags: [billing]',
        '  vars: {plan: pro}',
        '- <<: *base',
        '  id: y2',
        '  input: bye',
      ].join('\n'),
    });
    const { cases } = await loadDataset('cases.yaml', dir);
    expect(cases[1]).toMatchObject({
      id: 'y2',
      input: 'bye',
      expected: 'hello',
      tags: ['billing'],
      vars: { plan: 'pro' },
    });
  });

  it('refuses a numeric id past 2^53, which the file cannot have meant as read', async () => {
    const dir = tempDir({
      'big.jsonl': [
        '{"id":1234567890123456789,"input":"a","expected":"a"}',
        '{"id":9007199254740991,"input":"b","expected":"b"}',
      ].join('\n'),
    });
    const err = await inputError(loadDataset('big.jsonl', dir));
    expect(err.problems).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/big\.jsonl$/),
        line: 1,
        path: 'id',
        message: expect.stringContaining('write it as a string'),
      }),
    ]);
  });

  it('says a blank id is blank', async () => {
    const dir = tempDir({ 'blank.jsonl': '{"id":"  ","input":"a","expected":"a"}' });
    const err = await inputError(loadDataset('blank.jsonl', dir));
    expect(err.problems[0]!.message).toContain('is blank');
  });
});
