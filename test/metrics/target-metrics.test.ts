import { describe, expect, it } from 'vitest';
import { isEndpointError, targetMetrics } from '../../src/metrics/target-metrics.js';
import type { CallError, ErrorKind, SideResult } from '../../src/types.js';

function row(overrides: Partial<SideResult> = {}): SideResult {
  return {
    output: 'ok',
    score: 1,
    pass: true,
    scores: { exact: 1 },
    latency_ms: 100,
    input_tokens: 10,
    output_tokens: 2,
    cost_usd: 0.001,
    error: null,
    ...overrides,
  };
}

const err = (kind: ErrorKind): CallError => ({ kind, message: kind });

describe('targetMetrics', () => {
  it('takes every repeat latency, however many, and skips cases not answered', () => {
    // 3 cases × 20 repeats: more latencies than cases, and more than any first guess holds.
    const lat = (k: number) => Array.from({ length: 20 }, (_, j) => k * 1000 + j * 10);
    const rows = [1, 2, 3].map((k) =>
      row({ latency_ms: k, repeat_latency_ms: lat(k), repeat_pass: Array(20).fill(true) }),
    );
    const m = targetMetrics([undefined, rows[0], undefined, rows[1], rows[2], undefined]);
    const all = rows.flatMap((r) => r.repeat_latency_ms!).sort((a, b) => a - b);
    const q = (p: number) => {
      const h = (all.length - 1) * p;
      const lo = Math.floor(h);
      return Math.round((all[lo]! + (all[lo + 1]! - all[lo]!) * (h - lo)) * 10) / 10;
    };
    expect(m.cases).toBe(3);
    expect(m.latency_ms).toEqual({
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      mean: Math.round((all.reduce((a, b) => a + b, 0) / all.length) * 10) / 10,
    });
    expect(m.stability).toEqual({ cases: 3, identical_outputs: 0, pass_agreement: 1 });
  });

  it('gives numpy-style (linear) percentiles of latency', () => {
    // numpy.percentile([100, 200, ..., 1000], [50, 95, 99]) → [550., 955., 991.]
    const m = targetMetrics(
      Array.from({ length: 10 }, (_, i) => row({ latency_ms: (10 - i) * 100 })),
    );
    expect(m.latency_ms).toEqual({ p50: 550, p95: 955, p99: 991, mean: 550 });
  });

  it('interpolates with few and uneven values', () => {
    // numpy.percentile([1, 2, 10, 40], [50, 95, 99]) → [6., 35.5, 39.1]; mean 13.25 → 13.3 (0.1 ms)
    const m = targetMetrics([40, 1, 10, 2].map((latency_ms) => row({ latency_ms })));
    expect(m.latency_ms).toEqual({ p50: 6, p95: 35.5, p99: 39.1, mean: 13.3 });
    // One value is every percentile.
    expect(targetMetrics([row({ latency_ms: 812 })]).latency_ms).toEqual({
      p50: 812,
      p95: 812,
      p99: 812,
      mean: 812,
    });
  });

  it('averages quality and pass rate and sums tokens and cost over every case', () => {
    const m = targetMetrics([
      row({ score: 1, pass: true, input_tokens: 10, output_tokens: 1, cost_usd: 0.25 }),
      row({ score: 0.5, pass: false, input_tokens: 20, output_tokens: 2, cost_usd: 0.5 }),
      row({
        score: 0,
        pass: false,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        error: err('timeout'),
        output: null,
      }),
      row({ score: 0.7, pass: true, input_tokens: 30, output_tokens: 3, cost_usd: 0.125 }),
    ]);
    expect(m).toMatchObject({
      cases: 4,
      pass_rate: 0.5,
      input_tokens: 60,
      output_tokens: 6,
      cost_usd: 0.875,
    });
    expect(m.quality).toBeCloseTo(2.2 / 4, 12);
  });

  it('counts endpoint errors in the error rate, but not scorer errors', () => {
    const m = targetMetrics([
      row({ error: err('timeout') }),
      row({ error: err('http_5xx') }),
      row({ error: err('scorer') }),
      row(),
      row(),
      row(),
      row(),
      row(),
    ]);
    expect(m.error_rate).toBe(2 / 8);
    expect(isEndpointError('scorer')).toBe(false);
    expect(isEndpointError(undefined)).toBe(false);
    for (const kind of [
      'timeout',
      'rate_limit',
      'http_4xx',
      'http_5xx',
      'network',
      'bad_response',
      'stream_cut',
      'aborted',
    ] as const) {
      expect(isEndpointError(kind)).toBe(true);
    }
  });

  it('leaves errored calls out of latency (a timeout has no answer time), but keeps scorer errors in', () => {
    const m = targetMetrics([
      row({ latency_ms: 100 }),
      row({ latency_ms: 300 }),
      row({ latency_ms: 60_000, error: err('timeout') }),
      row({ latency_ms: 5, error: err('network') }),
      row({ latency_ms: 200, error: err('scorer') }),
    ]);
    expect(m.latency_ms).toEqual({ p50: 200, p95: 290, p99: 298, mean: 200 });
  });

  it('reports ttft and tpot only when some call measured them, from those calls only', () => {
    const plain = targetMetrics([row(), row()]);
    expect(plain).not.toHaveProperty('ttft_ms');
    expect(plain).not.toHaveProperty('tpot_ms');

    const streamed = targetMetrics([
      row({ ttft_ms: 100, tpot_ms: 10 }),
      row({ ttft_ms: 200, tpot_ms: 20 }),
      row({ ttft_ms: 300 }),
      row(),
      row({ ttft_ms: 9_999, tpot_ms: 999, error: err('stream_cut') }),
    ]);
    // numpy.percentile([100, 200, 300], [50, 95]) → [200., 290.]; ([10, 20], [50, 95]) → [15., 19.5]
    expect(streamed.ttft_ms).toEqual({ p50: 200, p95: 290 });
    expect(streamed.tpot_ms).toEqual({ p50: 15, p95: 19.5 });
  });

  it('skips missing results and reports zeros for an empty side', () => {
    const m = targetMetrics([undefined, row({ score: 0.5, pass: false }), undefined]);
    expect(m).toMatchObject({ cases: 1, quality: 0.5, pass_rate: 0 });
    expect(targetMetrics([])).toEqual({
      cases: 0,
      quality: 0,
      pass_rate: 0,
      error_rate: 0,
      latency_ms: { p50: 0, p95: 0, p99: 0, mean: 0 },
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
    });
    // All calls failed: latency has no sample and reads zero rather than throwing.
    expect(targetMetrics([row({ error: err('timeout') })]).latency_ms).toEqual({
      p50: 0,
      p95: 0,
      p99: 0,
      mean: 0,
    });
  });

  it('never reports NaN or Infinity, whatever numbers reach it', () => {
    const big = 1e308;
    const m = targetMetrics([
      row({ latency_ms: Number.NaN, cost_usd: Number.POSITIVE_INFINITY, input_tokens: Number.NaN }),
      row({ latency_ms: big, ttft_ms: Number.NaN, tpot_ms: Number.POSITIVE_INFINITY }),
      row({ latency_ms: big, ttft_ms: 5, tpot_ms: 2 }),
      row({ latency_ms: 100 }),
    ]);
    const numbers: number[] = [];
    JSON.stringify(m, (_k, v) => {
      if (typeof v === 'number') numbers.push(v);
      return v;
    });
    expect(numbers.length).toBeGreaterThan(10);
    for (const v of numbers) expect(Number.isFinite(v)).toBe(true);
    expect(m.latency_ms.p99).toBe(big);
    expect(m.latency_ms.mean / big).toBeCloseTo(2 / 3, 9);
    expect(m.input_tokens).toBe(30);
    expect(m.cost_usd).toBeCloseTo(0.003, 12);
    expect(m.ttft_ms).toEqual({ p50: 5, p95: 5 });
  });
});
