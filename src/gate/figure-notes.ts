import type { Check, MetricName } from '../types.js';
import { thousands } from '../util/thousands.js';

// Two ways a check's figures can silently mix unlike things, said where the check is shown.
// A cached answer's latency (and TTFT, TPOT) was measured when it was fetched, another day under
// another load, while the other side's is measured now: the pairing that lets "a slowdown
// mid-run hit both alike" does not hold for it. And a reply without token counts reads as 0
// tokens and $0, so a side whose endpoint omits `usage` now and then looks cheaper than it is.

/** The latency-family metrics, by what each one times. */
const TIMED: Partial<Record<MetricName, string>> = {
  latency_p95: 'latency',
  ttft_p95: 'time to first token',
  tpot_p95: 'time per output token',
};

export function isTimed(metric: MetricName): boolean {
  return TIMED[metric] !== undefined;
}

/** What a check carries of them (see Check). */
export type FigureCounts = Pick<Check, 'cached_pairs' | 'pairs_without_tokens'>;

/** The recording a baseline was read from (`--baseline-report`): its timings are from then. */
export interface Recorded {
  file: string;
  /** When it was recorded (ISO 8601), when the recording says. */
  at?: string;
}

const pairs = (n: number) => `${thousands(n)} ${n === 1 ? 'pair' : 'pairs'}`;

/** What a check's figures rest on beyond its pairs, in words; undefined when nothing needs saying. */
export function figureNote(
  check: Pick<Check, 'metric' | 'n' | 'delta'> & FigureCounts,
  recorded?: Recorded,
): string | undefined {
  const parts: string[] = [];
  const cached = check.cached_pairs ?? 0;
  const timed = TIMED[check.metric];
  // Only a check that compared something: one with no data on a side says why on its own.
  if (recorded && timed && check.delta !== null) {
    const when = recorded.at ? `, recorded ${recorded.at.slice(0, 10)}` : '';
    parts.push(
      `the baseline's ${timed} is from ${recorded.file}${when}, not measured alongside the candidate's`,
    );
  }
  if (cached > 0 && timed) {
    const which =
      cached === check.n
        ? `all ${pairs(cached)} have`
        : `${thousands(cached)} of the ${pairs(check.n)} have`;
    parts.push(
      `${which} an answer from the response cache, whose ${timed} was measured when it was fetched, not alongside the other side's`,
    );
  }
  const untallied = check.pairs_without_tokens ?? 0;
  if (untallied > 0) {
    const missing =
      check.metric === 'cost' ? 'its cost would read as $0' : 'there is no time per output token';
    const why =
      check.metric === 'cost'
        ? "a side's call failed or its reply carried no token counts"
        : "a side's reply carried no token counts";
    parts.push(`${pairs(untallied)} left out on both sides because ${why}, so ${missing}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The check's reason with its figure note as a last sentence. */
export function withFigureNote(check: Check, recorded?: Recorded): Check {
  const note = figureNote(check, recorded);
  if (!note) return check;
  return { ...check, reason: `${check.reason} ${note[0]!.toUpperCase()}${note.slice(1)}.` };
}
