import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { FIXTURES, tempDir } from './helpers.js';

describe("other tools' files load as they are", () => {
  it('OpenAI evals: chat input, ideal as a string or a list', async () => {
    const { cases } = await loadDataset('openai-evals.jsonl', FIXTURES);
    expect(cases).toHaveLength(2);
    expect(cases[0]).toMatchObject({
      input: [
        { role: 'system', content: 'Answer with the capital city only.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      expected: 'Paris',
      metadata: {},
    });
    expect(cases[1]!.expected).toEqual(['Berlin', 'berlin']);
    // Only role and content travel: the `name` of few-shot messages is dropped.
    expect(cases[1]!.input).toContainEqual({ role: 'system', content: 'Capital of Italy?' });
    expect(cases[0]!.id).not.toBe(cases[1]!.id);
  });

  it('inspect: id, target (string or list), metadata; other fields kept in metadata', async () => {
    const { cases } = await loadDataset('inspect.jsonl', FIXTURES);
    expect(cases[0]).toMatchObject({
      id: '1',
      input: 'What is 2 + 2?',
      expected: '4',
      metadata: { difficulty: 'easy', choices: ['3', '4', '5'] },
    });
    expect(cases[1]).toMatchObject({
      id: 'q-2',
      input: [{ role: 'user', content: 'Name a primary colour.' }],
      expected: ['red', 'blue', 'yellow'],
      metadata: { difficulty: 'easy', files: { 'notes.txt': 'none' } },
    });
  });

  it('inspect CSV: target column', async () => {
    const { cases } = await loadDataset('inspect.csv', FIXTURES);
    expect(cases.map((c) => [c.id, c.expected, c.metadata])).toEqual([
      ['arith-1', '9', { difficulty: 'easy' }],
      ['arith-2', '2.5', { difficulty: 'medium' }],
    ]);
  });

  it('DeepEval: expected_output; actual_output and tools_called ignored; context read; nulls dropped', async () => {
    const { cases } = await loadDataset('deepeval.json', FIXTURES);
    expect(cases.map(({ source, id, ...rest }) => rest)).toEqual([
      {
        input: 'How long does shipping take?',
        expected: '3 to 5 business days',
        tags: [],
        vars: {},
        metadata: { additional_metadata: { team: 'logistics' } },
        assert: [],
        context: ['Standard shipping takes 3-5 business days.'],
      },
      {
        input: 'Do you ship abroad?',
        expected: 'Yes, to 40 countries',
        tags: [],
        vars: {},
        metadata: {},
        assert: [],
      },
    ]);
    expect(cases.map((c) => c.source.line)).toEqual([2, 13]);
  });

  it('Ragas: user_input, reference and retrieved_contexts read; response kept in metadata', async () => {
    const { cases } = await loadDataset('ragas.jsonl', FIXTURES);
    expect(cases[0]).toMatchObject({
      input: 'When was the Eiffel Tower built?',
      expected: 'It was completed in 1889.',
      context: ['The Eiffel Tower was built from 1887 to 1889.'],
      metadata: { response: 'In 1889.' },
    });
    expect(cases[0]!.metadata).not.toHaveProperty('retrieved_contexts');
    expect(cases[0]!.metadata).not.toHaveProperty('user_input');
    expect(cases[0]!.metadata).not.toHaveProperty('reference');
    expect(cases[1]!.expected).toBe("Gustave Eiffel's company");
  });

  it('Ragas CSV export', async () => {
    const { cases } = await loadDataset('ragas.csv', FIXTURES);
    expect(cases[0]).toMatchObject({
      input: 'How tall is the Eiffel Tower?',
      expected: '330 metres',
      // pandas writes a list column as Python's repr of the list.
      context: ['It is 330 metres tall.'],
      metadata: { response: '330 m' },
    });
  });
});

describe('alias precedence', () => {
  it('the canonical field wins over an alias; the shadowed alias stays in metadata', async () => {
    const dir = tempDir({
      'a.jsonl':
        '{"input": "q", "user_input": "other", "expected": "E", "ideal": "I", "reference": "R"}\n',
    });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases[0]).toMatchObject({
      input: 'q',
      expected: 'E',
      metadata: { user_input: 'other', ideal: 'I', reference: 'R' },
    });
  });

  it.each([
    ['ideal', { ideal: 'I', target: 'T', expected_output: 'O', reference: 'R' }, 'I'],
    ['target', { target: 'T', expected_output: 'O', reference: 'R' }, 'T'],
    ['expected_output', { expected_output: 'O', reference: 'R' }, 'O'],
    ['reference', { reference: 'R' }, 'R'],
  ])('%s is used when no earlier name is given', async (_name, fields, want) => {
    const dir = tempDir({ 'a.jsonl': `${JSON.stringify({ input: 'q', ...fields })}\n` });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases[0]!.expected).toBe(want);
  });

  it('a null canonical field does not hide an alias (DeepEval writes nulls)', async () => {
    const dir = tempDir({
      'a.jsonl': '{"input": null, "user_input": "q", "expected": null, "ideal": "I"}\n',
    });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases[0]).toMatchObject({ input: 'q', expected: 'I', metadata: {} });
  });

  it('explicit metadata wins over an unknown top-level field of the same name', async () => {
    const dir = tempDir({
      'a.jsonl': '{"input": "q", "lang": "fr", "metadata": {"lang": "en"}}\n',
    });
    const { cases } = await loadDataset('a.jsonl', dir);
    expect(cases[0]!.metadata).toEqual({ lang: 'en' });
  });

  it('keeps non-string expected values (numbers, objects) as they are', async () => {
    const dir = tempDir({
      'a.yaml': '- input: 2+2\n  expected: 4\n- input: json\n  expected: {a: 1}\n',
    });
    const { cases } = await loadDataset('a.yaml', dir);
    expect(cases.map((c) => c.expected)).toEqual([4, { a: 1 }]);
  });
});
