import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { noDataReason, type SideSource, sideGaps } from '../../src/gate/no-data.js';
import type { CaseReport } from '../../src/types.js';
import { side } from '../report/fixture.js';

// A figure a side never measured must read as missing, with the reason, never as a zero.
const streaming: SideSource = {
  kind: 'target',
  type: 'openai',
  stream: true,
  usage: false,
  price: true,
};
const plain: SideSource = { ...streaming, stream: false };
const http: SideSource = { kind: 'target', type: 'http', stream: false, usage: false, price: true };

const noUsage = () => side({ input_tokens: 0, output_tokens: 0, cost_usd: 0, tpot_ms: undefined });

describe('sideGaps', () => {
  it('finds nothing missing on a streaming side with token counts', () => {
    expect(sideGaps('candidate', streaming, [side({ tpot_ms: 8 }), undefined])).toEqual({});
  });

  it('says an endpoint sent no token counts, so the cost is unknown', () => {
    const gaps = sideGaps('baseline', plain, [noUsage(), noUsage()]);
    expect(gaps.tokens).toBe('the baseline endpoint sent no token counts');
    expect(gaps.cost_usd).toBe(
      'the baseline endpoint sent no token counts, so its cost is unknown',
    );
  });

  it('names the missing usage paths of an http target and that it does not stream', () => {
    const gaps = sideGaps('candidate', http, [{ ...noUsage(), ttft_ms: undefined }]);
    expect(gaps.tokens).toBe(
      'target candidate (http) has no `usage` paths, so it reports no token counts',
    );
    expect(gaps.ttft_ms).toBe(
      'target candidate (http) does not stream, so there is no time to first token',
    );
    expect(gaps.tpot_ms).toBe(
      'target candidate (http) does not stream, so there is no time per output token',
    );
  });

  it('says stream: false, a missing price, one-token answers and a recording apart', () => {
    const noTtft = side({ ttft_ms: undefined });
    expect(sideGaps('candidate', plain, [noTtft]).ttft_ms).toBe(
      'target candidate does not stream (stream: false), so there is no time to first token',
    );
    expect(sideGaps('candidate', streaming, [noTtft]).ttft_ms).toBe(
      'the candidate endpoint answered without streaming, so there is no time to first token',
    );
    expect(sideGaps('baseline', { ...plain, price: false }, [side()]).cost_usd).toBe(
      'target baseline has no price, so its cost is unknown',
    );
    expect(sideGaps('candidate', streaming, [side({ output_tokens: 1 })]).tpot_ms).toBe(
      'every answer of the candidate had at most one output token, so there is no time per output token',
    );
    const recorded = sideGaps('baseline', { kind: 'recorded' }, [side({ ttft_ms: undefined })]);
    expect(recorded).toEqual({
      ttft_ms:
        'the recorded baseline has no time to first token (it was recorded without streaming)',
      tpot_ms:
        'the recorded baseline has no time per output token (it was recorded without streaming)',
    });
  });

  it('counts answered calls only, and a figure measured on some calls is known', () => {
    const failed = side({ error: { kind: 'timeout', message: 't' }, ttft_ms: undefined });
    expect(sideGaps('candidate', streaming, [failed, side({ tpot_ms: 8 })])).toEqual({});
    expect(sideGaps('candidate', streaming, [failed])).toEqual({});
    expect(sideGaps('candidate', plain, [noUsage(), side({ tpot_ms: 8 })])).toEqual({});
  });
});

describe('noDataReason', () => {
  it('joins both sides and ignores metrics every target measures', () => {
    const gaps = {
      baseline: sideGaps('baseline', plain, [noUsage()]),
      candidate: sideGaps('candidate', http, [noUsage()]),
    };
    expect(noDataReason('cost', gaps)).toBe(
      'the baseline endpoint sent no token counts, so its cost is unknown; ' +
        'target candidate (http) has no `usage` paths, so it reports no token counts, so its cost is unknown',
    );
    expect(noDataReason('latency_p95', gaps)).toBeUndefined();
    expect(noDataReason('quality', gaps)).toBeUndefined();
  });
});

describe('a cost check where the candidate sent no token counts', () => {
  const cases: CaseReport[] = Array.from({ length: 60 }, (_, i) => ({
    id: `c${i}`,
    slices: [],
    baseline: side({ cost_usd: 0.001 + i * 1e-5, tpot_ms: 8 }),
    candidate: noUsage(),
  }));
  const settings = {
    budgets: { cost: { max_increase: 0.1 }, quality: { max_drop: 0.05 } },
    confidence: 0.95,
    minCases: 30,
    seed: 1,
    resamples: 200,
  };

  it('never passes at -100%: unknown costs are left out, and the gaps say what is missing', () => {
    // Without the gaps every pair is still left out of the totals (a reply without token counts
    // is not a $0 call), so the check has nothing to compare rather than a -100% to pass.
    const blind = buildChecks(cases, settings).checks.find((c) => c.metric === 'cost')!;
    expect(blind).toMatchObject({ verdict: 'inconclusive', n: 0, pairs_without_tokens: 60 });
    const noData = {
      candidate: sideGaps(
        'candidate',
        plain,
        cases.map((c) => c.candidate),
      ),
    };
    const { checks } = buildChecks(cases, { ...settings, noData });
    const cost = checks.find((c) => c.metric === 'cost')!;
    expect(cost).toMatchObject({
      verdict: 'inconclusive',
      candidate: null,
      delta: null,
      ci: null,
      p_value: null,
      reason: 'cost: no data: the candidate endpoint sent no token counts, so its cost is unknown.',
    });
    expect(cost.baseline).toBeGreaterThan(0);
    // A check with no data says so alone: no count of pairs left out beside it.
    expect(cost.pairs_without_tokens).toBeUndefined();
    // Out of the multiplicity family: the quality check is corrected across itself alone.
    expect(cost.p_adjusted).toBeNull();
    expect(checks.find((c) => c.metric === 'quality')!.verdict).toBe('pass');
  });
});
