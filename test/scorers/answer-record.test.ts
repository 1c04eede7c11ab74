import { describe, expect, it } from 'vitest';
import { combineRepeats } from '../../src/runner/repeats.js';
import { reportSchema } from '../../src/schema/report.js';
import { RECORD_LIMITS } from '../../src/scorers/answer-record.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import type { AgentStep, ToolCall } from '../../src/types.js';
import { createRedactor, redactTree } from '../../src/util/redact.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';

const lookup: ToolCall = { name: 'lookup_order', arguments: { id: 'A17' }, id: 'call_1' };
const c = goldenCase({ expected_tool_calls: [{ name: 'lookup_order', arguments: { id: 'A17' } }] });
const toolCall = () => buildScorer({ type: 'tool_call' }, 'tool_call');

const step = (calls: ToolCall[], output: string | null = null): AgentStep => ({
  output,
  tool_calls: calls,
  latency_ms: 5,
  input_tokens: 3,
  output_tokens: 2,
});

describe('scoreCall with tool calls, steps and passages', () => {
  it('scores an answer that only called a tool, whether its text is empty or null', async () => {
    for (const output of ['', null]) {
      const r = await scoreCall({ ...answered(''), output, tool_calls: [lookup] }, c, [toolCall()]);
      expect(r).toMatchObject({ output, score: 1, pass: true, error: null, tool_calls: [lookup] });
    }
    // No text and no call: nothing to score, as before.
    const none = await scoreCall({ ...answered(''), output: null }, c, [toolCall()]);
    expect(none.scores).toEqual({});
  });

  it('keeps the calls of a failed answer in the report without scoring them', async () => {
    const r = await scoreCall(
      {
        ...answered(''),
        output: null,
        tool_calls: [lookup],
        error: { kind: 'http_5xx', message: 'step 2 failed' },
      },
      c,
      [toolCall()],
    );
    expect(r).toMatchObject({ score: 0, pass: false, scores: {}, tool_calls: [lookup] });
  });

  it('records steps and returned passages, and the report schema accepts them', async () => {
    const steps = [step([lookup]), { ...step([], 'Shipped.'), stop: 'answered' as const }];
    const r = await scoreCall(
      { ...answered('Shipped.'), tool_calls: [lookup], steps, context: ['p1', 'p2'] },
      c,
      [toolCall()],
    );
    expect(r.steps).toEqual(steps);
    expect(r.context).toEqual(['p1', 'p2']);
    const sideSchema = reportSchema.shape.cases.element.shape.candidate;
    expect(() => sideSchema.parse(r)).not.toThrow();
  });

  it('bounds what the report keeps, keeping the last step, and a cut secret is still masked', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const long = `${'x'.repeat(RECORD_LIMITS.argumentChars - 40)} key ${secret} tail ${'y'.repeat(500)}`;
    const calls: ToolCall[] = Array.from({ length: 150 }, (_, i) => ({
      name: 'n'.repeat(500),
      arguments: { i, text: long },
    }));
    const steps = Array.from({ length: 80 }, (_, i) => step([], `step ${i} ${'z'.repeat(9000)}`));
    steps[79]!.stop = 'max_steps';
    const r = await scoreCall(
      {
        ...answered(''),
        tool_calls: calls,
        steps,
        context: Array.from({ length: 30 }, () => 'p'.repeat(10_000)),
      },
      c,
      [toolCall()],
    );
    // The scorer saw every call: none is lookup_order.
    expect(r.scores.tool_call).toBe(0);
    expect(r.tool_calls).toHaveLength(RECORD_LIMITS.toolCalls);
    expect(r.tool_calls![0]!.name).toHaveLength(RECORD_LIMITS.nameChars);
    const args = r.tool_calls![0]!.arguments as string;
    expect(typeof args).toBe('string');
    expect(args.length).toBeLessThanOrEqual(RECORD_LIMITS.argumentChars);
    expect(args.endsWith('…')).toBe(true);
    expect(r.steps).toHaveLength(RECORD_LIMITS.steps);
    expect(r.steps!.at(-1)!.stop).toBe('max_steps');
    expect(r.steps![0]!.output!.length).toBeLessThanOrEqual(RECORD_LIMITS.stepOutputChars);
    expect(r.context).toHaveLength(RECORD_LIMITS.passages);
    expect(r.context![0]!.length).toBeLessThanOrEqual(RECORD_LIMITS.passageChars);

    // The cut fell inside the key: the report's redactor masks what is left of it.
    const masked = redactTree(structuredClone(r), createRedactor([secret]));
    const text = JSON.stringify(masked.tool_calls);
    expect(text).not.toContain(secret.slice(0, 8));
    expect(text).toContain('***');
  });
});

describe('combineRepeats with tool calls', () => {
  it("keeps the first answer's calls and counts answers that differ only in their calls", async () => {
    const scorer = [toolCall()];
    const a = await scoreCall({ ...answered(''), tool_calls: [lookup] }, c, scorer);
    const b = await scoreCall(
      { ...answered(''), tool_calls: [{ name: 'lookup_order', arguments: { id: 'B2' } }] },
      c,
      scorer,
    );
    const r = combineRepeats([a, b, a]);
    expect(r.tool_calls).toEqual([lookup]);
    expect(r.distinct_outputs).toBe(2);
    expect(r.repeat_latency_ms).toHaveLength(3);
    expect(r.pass).toBe(true);
  });
});
