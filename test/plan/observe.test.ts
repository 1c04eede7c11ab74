import { describe, expect, it } from 'vitest';
import { observe } from '../../src/plan/estimate.js';
import { side } from '../report/fixture.js';

// What a stored report says of output tokens per call: answers whose reply carried no token
// counts (read as 0) are left out of the mean, or they would shrink the plan's estimate.

describe('observe', () => {
  it('means output tokens over the answers with token counts, latency over every answer', () => {
    const o = observe('r.json', {
      candidate: [
        side({ output_tokens: 10, latency_ms: 100 }),
        side({ output_tokens: 30, latency_ms: 200 }),
        side({ input_tokens: 0, output_tokens: 0, cost_usd: 0, latency_ms: 300 }),
      ],
    });
    expect(o.sides.candidate).toEqual({ outputTokens: 20, counted: 2, latencyMs: 200, answers: 3 });
  });

  it('no answer with counts: no output figure (the plan assumes one), latency still measured', () => {
    const o = observe('r.json', {
      baseline: [side({ input_tokens: 0, output_tokens: 0, latency_ms: 50 })],
    });
    expect(o.sides.baseline).toEqual({ counted: 0, latencyMs: 50, answers: 1 });
  });

  it('reads a case run with run.repeats as that many calls: its tokens are their sum', () => {
    const o = observe('r.json', {
      candidate: [
        // 3 repeats of 6 output tokens each, latency already their mean
        side({ output_tokens: 18, latency_ms: 100, repeat_scores: [1, 1, 1] }),
        side({ output_tokens: 18, latency_ms: 300, repeat_scores: [1, 0, 1] }),
      ],
    });
    expect(o.sides.candidate).toEqual({ outputTokens: 6, counted: 2, latencyMs: 200, answers: 2 });
  });
});
