import type { TargetConfig } from '../config/schema.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { checkName } from '../report/format.js';
import type { Check, MetricName, NoData, Side, SideResult } from '../types.js';

// A figure a side never measured reads as zero in the answers (no token counts: 0 tokens and
// $0; no stream: no ttft_ms). Shown as "$0 → $0" or gated as "the baseline value is zero", it
// hides what is missing, and a candidate whose endpoint sends no usage would even pass a cost
// budget at -100%. This module says, from the config and the answers, which figures a side
// has no data for and why, in words each surface can show as they are.

/** What a side's config says about what it can measure. */
export type SideSource =
  | { kind: 'target'; type: TargetConfig['type']; stream: boolean; usage: boolean; price: boolean }
  /** The baseline read from `--baseline-report`: only its answers are known. */
  | { kind: 'recorded' };

export function targetSource(t: TargetConfig): SideSource {
  return {
    kind: 'target',
    type: t.type,
    stream: t.type !== 'http' && t.stream === true,
    usage: t.type === 'http' && t.usage !== undefined,
    price: t.price !== undefined,
  };
}

function subject(side: Side, source: SideSource): string {
  if (source.kind === 'recorded') return `the recorded ${side}`;
  return `the ${side} endpoint`;
}

function tokensGap(side: Side, source: SideSource): string {
  if (source.kind === 'recorded') return `the recorded ${side} has no token counts`;
  if (source.type === 'http' && !source.usage)
    return `target ${side} (http) has no \`usage\` paths, so it reports no token counts`;
  return `${subject(side, source)} sent no token counts`;
}

function streamGap(side: Side, source: SideSource, what: string): string {
  if (source.kind === 'recorded')
    return `the recorded ${side} has no ${what} (it was recorded without streaming)`;
  if (source.type === 'http')
    return `target ${side} (http) does not stream, so there is no ${what}`;
  if (!source.stream)
    return `target ${side} does not stream (stream: false), so there is no ${what}`;
  return `the ${side} endpoint answered without streaming, so there is no ${what}`;
}

/**
 * The figures one side has no data for, each with why. Only what no answered call measured
 * counts: a side that measured a figure on some calls has data for it. Nothing answered, no gaps
 * (the error rate says what happened).
 */
export function sideGaps(
  side: Side,
  source: SideSource,
  results: readonly (SideResult | undefined)[],
): NoData {
  // One pass over what may be 100,000 answers, not one per question asked of them.
  let answered = 0;
  let anyTokens = false;
  let anyCost = false;
  let anyTtft = false;
  let anyTpot = false;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === undefined || isEndpointError(r.error?.kind)) continue;
    answered++;
    if (r.input_tokens > 0 || r.output_tokens > 0) anyTokens = true;
    if (r.cost_usd > 0) anyCost = true;
    if (r.ttft_ms !== undefined) anyTtft = true;
    if (r.tpot_ms !== undefined) anyTpot = true;
  }
  if (answered === 0) return {};
  const gaps: NoData = {};
  const noTokens = !anyTokens;
  if (noTokens) gaps.tokens = tokensGap(side, source);

  if (noTokens) gaps.cost_usd = `${gaps.tokens}, so its cost is unknown`;
  else if (source.kind === 'target' && !source.price)
    gaps.cost_usd = `target ${side} has no price, so its cost is unknown`;
  else if (source.kind === 'recorded' && !anyCost)
    gaps.cost_usd = `the recorded ${side} has no cost (it was recorded without a price)`;

  if (!anyTtft) {
    gaps.ttft_ms = streamGap(side, source, 'time to first token');
    gaps.tpot_ms = streamGap(side, source, 'time per output token');
  } else if (!anyTpot) {
    gaps.tpot_ms = noTokens
      ? `${subject(side, source)} sent no token counts, so there is no time per output token`
      : `every answer of the ${side} had at most one output token, so there is no time per output token`;
  }
  return gaps;
}

/** The figure each metric is computed from, for those a side may lack. */
const FIGURE: Partial<Record<MetricName, keyof NoData>> = {
  cost: 'cost_usd',
  ttft_p95: 'ttft_ms',
  tpot_p95: 'tpot_ms',
};

/** Why a metric cannot be compared at all, from both sides' gaps; undefined when it can. */
export function noDataReason(
  metric: MetricName,
  gaps: Partial<Record<Side, NoData>>,
): string | undefined {
  const figure = FIGURE[metric];
  if (!figure) return undefined;
  const reasons = (['baseline', 'candidate'] as const)
    .map((side) => gaps[side]?.[figure])
    .filter((r): r is string => r !== undefined);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The sides whose value of a metric is unknown (shown as "–", never as a zero). */
export function unknownSides(metric: MetricName, gaps: Partial<Record<Side, NoData>>): Side[] {
  const figure = FIGURE[metric];
  if (!figure) return [];
  return (['baseline', 'candidate'] as const).filter((side) => gaps[side]?.[figure] !== undefined);
}

/**
 * The check of a metric one side never measured: inconclusive, no interval, no p-value (so it
 * takes no place among the tests Holm corrects for), the unknown side's value blank, and the
 * reason naming what is missing.
 */
export function noDataCheck(check: Check, gaps: Partial<Record<Side, NoData>>): Check {
  const why = noDataReason(check.metric, gaps);
  if (!why) return check;
  const unknown = unknownSides(check.metric, gaps);
  return {
    ...check,
    baseline: unknown.includes('baseline') ? null : check.baseline,
    candidate: unknown.includes('candidate') ? null : check.candidate,
    delta: null,
    ci: null,
    p_value: null,
    verdict: 'inconclusive',
    reason: `${checkName(check)}: no data: ${why}.`,
  };
}
