import { describe, expect, it } from 'vitest';
import type { ScorerConfig } from '../../src/config/schema.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import type { AgentStep, CallResult, ToolCall } from '../../src/types.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';

const refund = (amount: unknown, extra: Record<string, unknown> = {}): ToolCall => ({
  name: 'refund',
  arguments: { order_id: 'A17', amount, ...extra },
});
const lookup: ToolCall = { name: 'lookup_order', arguments: { id: 'A17' } };
const cancel: ToolCall = { name: 'cancel_order', arguments: { id: 'A17' } };

/** A tool-call-only answer, as the dialects record one. */
function calling(calls: ToolCall[], overrides: Partial<CallResult> = {}): CallResult {
  return { ...answered(''), tool_calls: calls, ...overrides };
}

const caseExpecting = (expected: ToolCall[] | undefined) =>
  goldenCase({ id: 'refund-1', expected: undefined, expected_tool_calls: expected });

async function run(spec: ScorerConfig, calls: ToolCall[], expected: ToolCall[] | undefined) {
  const s = buildScorer(spec, spec.name ?? spec.type);
  const r = await scoreCall(calling(calls), caseExpecting(expected), [s]);
  return { score: r.scores[s.name], reason: r.reasons?.[s.name], pass: r.pass, error: r.error };
}

describe('tool_call', () => {
  it('scores a tool-call-only answer and names the wrong argument', async () => {
    const r = await run({ type: 'tool_call' }, [refund(20)], [refund(25)]);
    expect(r).toMatchObject({ score: 0, pass: false, error: null });
    expect(r.reason).toBe(
      'called refund(order_id="A17", amount=20), expected refund(order_id="A17", amount=25)',
    );
    const ok = await run({ type: 'tool_call' }, [refund(25)], [refund(25)]);
    expect(ok).toMatchObject({ score: 1, pass: true });
    expect(ok.reason).toBe('made the expected call refund(order_id="A17", amount=25)');
  });

  it('names the wrong tool called in place of the expected one', async () => {
    const r = await run({ type: 'tool_call' }, [cancel], [refund(25)]);
    expect(r.reason).toBe(
      'called cancel_order(id="A17"), expected refund(order_id="A17", amount=25)',
    );
  });

  it('says so when no tool was called', async () => {
    const r = await run({ type: 'tool_call' }, [], [lookup]);
    expect(r).toMatchObject({ score: 0, pass: false });
    expect(r.reason).toBe('made no tool call, expected lookup_order(id="A17")');
  });

  it('subset (the default) accepts extra arguments; exact does not', async () => {
    const made = [refund(25, { currency: 'EUR' })];
    const expected = [{ name: 'refund', arguments: { amount: 25 } }];
    expect((await run({ type: 'tool_call' }, made, expected)).score).toBe(1);
    const exact = await run({ type: 'tool_call', match: 'exact' }, made, expected);
    expect(exact.score).toBe(0);
    // Key order never matters; types do (20 is not "20").
    const reordered = [{ name: 'refund', arguments: { amount: 25, order_id: 'A17' } }];
    expect((await run({ type: 'tool_call', match: 'exact' }, [refund(25)], reordered)).score).toBe(
      1,
    );
    expect((await run({ type: 'tool_call' }, [refund('25')], [refund(25)])).score).toBe(0);
  });

  it('matches nested objects as subsets and lists exactly', async () => {
    const made: ToolCall = {
      name: 'ship',
      arguments: { to: { city: 'Oslo', zip: '0150' }, items: ['a', 'b'] },
    };
    const want = (args: unknown) => [{ name: 'ship', arguments: args }];
    expect((await run({ type: 'tool_call' }, [made], want({ to: { city: 'Oslo' } }))).score).toBe(
      1,
    );
    expect((await run({ type: 'tool_call' }, [made], want({ items: ['a'] }))).score).toBe(0);
    expect((await run({ type: 'tool_call' }, [made], want({ items: ['a', 'b'] }))).score).toBe(1);
  });

  it('an expected call without arguments matches any arguments of that name', async () => {
    const r = await run(
      { type: 'tool_call' },
      [refund(1)],
      [{ name: 'refund', arguments: undefined }],
    );
    expect(r.score).toBe(1);
  });

  it('never matches arguments that were not valid JSON, whatever was expected', async () => {
    const broken: ToolCall = {
      name: 'refund',
      arguments: null,
      invalid_arguments: '{"amount": 25',
    };
    const anyArgs = await run(
      { type: 'tool_call' },
      [broken],
      [{ name: 'refund', arguments: undefined }],
    );
    expect(anyArgs.score).toBe(0);
    const r = await run({ type: 'tool_call' }, [broken], [refund(25)]);
    expect(r.score).toBe(0);
    expect(r.reason).toBe(
      'called refund(invalid JSON: {"amount": 25), expected refund(order_id="A17", amount=25) (its arguments are not valid JSON)',
    );
  });

  it('needs a distinct made call for each expected one, and ignores extra calls', async () => {
    const twice = [refund(25), refund(25)];
    const once = await run({ type: 'tool_call' }, [refund(25)], twice);
    expect(once).toMatchObject({ score: 0.5, pass: false });
    expect(once.reason).toBe(
      '1 of 2 expected calls made; missing: refund(order_id="A17", amount=25)',
    );
    expect((await run({ type: 'tool_call' }, twice, twice)).score).toBe(1);
    // Extra calls are tool_call_f1's and trajectory's business.
    expect((await run({ type: 'tool_call' }, [cancel, refund(25)], [refund(25)])).score).toBe(1);
  });

  it('pairs calls one-to-one even when a greedy pairing would fail', async () => {
    // The first made call fits both expected calls, the second only the first: a pairing that
    // gave the first made call to the first expected call would miss the second.
    const made = [refund(25), { name: 'refund', arguments: { order_id: 'A17' } }];
    const expected = [
      { name: 'refund', arguments: { order_id: 'A17' } },
      { name: 'refund', arguments: { amount: 25 } },
    ];
    expect((await run({ type: 'tool_call' }, made, expected)).score).toBe(1);
  });

  it('with an empty expected list, passes only an answer that calls nothing', async () => {
    expect((await run({ type: 'tool_call' }, [], [])).score).toBe(1);
    const r = await run({ type: 'tool_call' }, [cancel], []);
    expect(r.score).toBe(0);
    expect(r.reason).toBe('expected no tool call; called cancel_order(id="A17")');
  });

  it('match: schema checks each call against the JSON Schema given as its arguments', async () => {
    const schema = {
      type: 'object',
      properties: { amount: { type: 'number', minimum: 1, maximum: 100 } },
      required: ['amount'],
    };
    const spec: ScorerConfig = { type: 'tool_call', match: 'schema' };
    const expected = [{ name: 'refund', arguments: schema }];
    expect((await run(spec, [refund(25)], expected)).score).toBe(1);
    const r = await run(spec, [refund(500)], expected);
    expect(r.score).toBe(0);
    expect(r.reason).toBe(
      'called refund(order_id="A17", amount=500), expected refund(arguments matching its schema) (/amount must be <= 100)',
    );
  });

  it('takes `value` from the config over the case, and checks shapes before anything is sent', () => {
    const s = buildScorer({ type: 'tool_call', value: [lookup] }, 'tc');
    expect(s.check(caseExpecting(undefined))).toBeUndefined();
    const bare = buildScorer({ type: 'tool_call' }, 'tc');
    expect(bare.check(caseExpecting(undefined))).toBe(
      'scorer "tc" needs a `value` or the case\'s `expected_tool_calls`',
    );
    const noName = buildScorer({ type: 'tool_call', value: [{ arguments: {} }] }, 'tc');
    expect(noName.check(caseExpecting(undefined))).toBe(
      'scorer "tc": expected call 1 needs a `name`',
    );
    const badSchema = buildScorer({ type: 'tool_call', match: 'schema' }, 'tc');
    expect(
      badSchema.check(caseExpecting([{ name: 'refund', arguments: { type: 'nope' } }])),
    ).toMatch(/^scorer "tc": is not a valid JSON Schema/);
    expect(badSchema.check(caseExpecting([{ name: 'refund', arguments: 5 }]))).toBe(
      'scorer "tc": the arguments of refund must be a JSON Schema object',
    );
  });

  it('reads the calls of every step when the call lists none itself', async () => {
    const step = (calls: ToolCall[]): AgentStep => ({
      output: null,
      tool_calls: calls,
      latency_ms: 1,
      input_tokens: 1,
      output_tokens: 1,
    });
    const s = buildScorer({ type: 'trajectory' }, 't');
    const r = await scoreCall(
      { ...answered('Refunded.'), steps: [step([lookup]), step([refund(25)])] },
      caseExpecting([lookup, refund(25)]),
      [s],
    );
    expect(r.scores.t).toBe(1);
  });
});

describe('tool_call_f1', () => {
  it('is the F1 of precision and recall, and the reason gives both', async () => {
    const r = await run({ type: 'tool_call_f1' }, [lookup, cancel], [lookup, refund(25)]);
    expect(r.score).toBeCloseTo(0.5, 12);
    expect(r.reason).toBe(
      'precision 0.50, recall 0.50; 1 of 2 expected calls made; called cancel_order(id="A17"), expected refund(order_id="A17", amount=25)',
    );
    const extra = await run({ type: 'tool_call_f1' }, [lookup, cancel], [lookup]);
    expect(extra.score).toBeCloseTo(2 / 3, 12);
    expect(extra.reason).toMatch(
      /^precision 0\.50, recall 1\.00; 1 of 1 expected calls made; extra call: cancel_order/,
    );
    expect(extra.pass).toBe(true); // graded: threshold 0.5
  });

  it('counts a duplicate call once against one expected call', async () => {
    const r = await run({ type: 'tool_call_f1' }, [lookup, lookup], [lookup]);
    expect(r.score).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 when nothing was expected and nothing called, 0 when nothing was called', async () => {
    expect((await run({ type: 'tool_call_f1' }, [], [])).score).toBe(1);
    expect((await run({ type: 'tool_call_f1' }, [], [lookup])).score).toBe(0);
    expect((await run({ type: 'tool_call_f1' }, [lookup], [])).score).toBe(0);
  });
});

describe('trajectory', () => {
  const expected = [lookup, refund(25)];

  it('strict without extras (the default) wants exactly the expected sequence', async () => {
    expect((await run({ type: 'trajectory' }, [lookup, refund(25)], expected)).score).toBe(1);
    const swapped = await run({ type: 'trajectory' }, [refund(25), lookup], expected);
    expect(swapped.score).toBeCloseTo(1 / 3, 12);
    expect(swapped.reason).toBe(
      '1 of 2 expected calls made in order; expected lookup_order(id="A17") → refund(order_id="A17", amount=25); called refund(order_id="A17", amount=25) → lookup_order(id="A17")',
    );
    const extra = await run({ type: 'trajectory' }, [lookup, cancel, refund(25)], expected);
    expect(extra.score).toBeCloseTo(2 / 3, 12);
    expect(extra.reason).toBe(
      '2 of 2 expected calls made in order; extra call: cancel_order(id="A17")',
    );
  });

  it('allow_extra lets other calls come in between', async () => {
    const spec: ScorerConfig = { type: 'trajectory', allow_extra: true };
    expect((await run(spec, [lookup, cancel, refund(25)], expected)).score).toBe(1);
    expect((await run(spec, [refund(25), lookup], expected)).score).toBe(0.5);
  });

  it('order: any accepts any order, with or without extras', async () => {
    const spec: ScorerConfig = { type: 'trajectory', order: 'any' };
    expect((await run(spec, [refund(25), lookup], expected)).score).toBe(1);
    const extra = await run(spec, [refund(25), cancel, lookup], expected);
    expect(extra.score).toBeCloseTo(2 / 3, 12);
    expect(extra.reason).toBe('2 of 2 expected calls made; extra call: cancel_order(id="A17")');
    const loose: ScorerConfig = { type: 'trajectory', order: 'any', allow_extra: true };
    expect((await run(loose, [refund(25), cancel, lookup], expected)).score).toBe(1);
    const partial = await run(loose, [cancel, lookup], expected);
    expect(partial.score).toBe(0.5);
    expect(partial.reason).toBe(
      '1 of 2 expected calls made; called cancel_order(id="A17"), expected refund(order_id="A17", amount=25)',
    );
    const two = await run(loose, [cancel, cancel], expected);
    expect(two.reason).toBe(
      '0 of 2 expected calls made; missing: lookup_order(id="A17"), refund(order_id="A17", amount=25); extra calls: cancel_order(id="A17"), cancel_order(id="A17")',
    );
  });

  it('reads a reader-sized reason however many calls were made', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      name: 'lookup_order',
      arguments: { id: `X${i}`, note: 'y'.repeat(1000) },
    }));
    const r = await run({ type: 'trajectory' }, many, expected);
    expect(r.score).toBe(0);
    expect(r.reason!.length).toBeLessThan(2000);
    expect(r.reason).toMatch(/and 4995 more$/);
  });
});
