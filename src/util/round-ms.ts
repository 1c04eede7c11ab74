/**
 * A time as reports give it, to a tenth of a millisecond: an answer's latency and TTFT, an agent
 * step's, a case's mean over repeats, all alike, so that steps add up to their answer. (TPOT is
 * kept whole: a per-token time is often below a tenth of a millisecond.)
 */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
