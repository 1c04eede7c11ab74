import {
  BLOCKED_INCONCLUSIVE,
  checkName,
  formatBudget,
  formatConfidence,
  formatDelta,
  formatInterval,
  formatValue,
} from '../report/format.js';
import { sortChecks } from '../report/table.js';
import type { Check, Decision } from '../types.js';
import { thousands } from '../util/thousands.js';

// One ordering for every view of the checks: the renderers own it; the gate re-exports it.
export { sortChecks } from '../report/table.js';

export function decide(checks: readonly Check[]): Decision {
  if (checks.some((c) => c.verdict === 'fail')) return 'fail';
  if (checks.some((c) => c.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

function short(c: Check, confidence: number): string {
  const name = checkName(c);
  // No interval decided it: say what the check says (its reason names what is missing).
  if (c.ci === null) {
    return c.reason.startsWith(`${name}: `)
      ? c.reason.replace(/\.$/, '')
      : `${name}: insufficient data`;
  }
  const adjusted = c.adjustment ? ', adjusted' : ''; // for multiplicity: the reason says how
  const ci = `(${formatConfidence(confidence)} CI ${formatInterval(c.metric, c.ci)}${adjusted})`;
  if (c.metric === 'error_rate' || c.metric === 'live_max') {
    return `${name} ${formatValue(c.metric, c.candidate)} ${ci} vs ceiling ${formatBudget(c.metric, c.budget).replace('≤ ', '')}`;
  }
  return `${name} ${formatDelta(c.metric, c.delta)} ${ci} vs the ${formatBudget(c.metric, c.budget)} budget${cachedClause(c)}`;
}

/** A timing verdict on cached answers says so even in one line (see figure-notes.ts). */
function cachedClause(c: Check): string {
  if (!c.cached_pairs) return '';
  return `; ${thousands(c.cached_pairs)} of its ${thousands(c.n)} pairs timed from the cache`;
}

/**
 * The one-line summary: what decided it, by how much, how sure. With `onInconclusive: 'fail'`
 * an inconclusive run blocks, and the line starts by saying so.
 */
export function summarize(
  decision: Decision,
  checks: readonly Check[],
  confidence: number,
  onInconclusive: 'pass' | 'fail' = 'pass',
): string {
  if (checks.length === 0) return 'pass: no budgets are configured, so nothing was gated';
  const sorted = sortChecks([...checks]);
  const head = sorted[0]!;
  const more = (verdict: Check['verdict']) => {
    const n = checks.filter((c) => c.verdict === verdict).length - 1;
    return n > 0 ? ` (and ${n} more)` : '';
  };
  if (decision === 'fail') return `blocked: ${short(head, confidence)}${more('fail')}`;
  if (decision === 'inconclusive') {
    const lead = onInconclusive === 'fail' ? `blocked: ${BLOCKED_INCONCLUSIVE}` : 'inconclusive';
    return `${lead}: ${short(head, confidence)}${more('inconclusive')}${powerClause(checks)}`;
  }
  return `pass: all ${checks.length} checks within budget${powerClause(checks)}`;
}

/**
 * What a pass or an inconclusive run could have caught: the smallest whole-set quality (else
 * pass-rate) drop it blocks four times in five — budget + minimum detectable effect.
 */
function powerClause(checks: readonly Check[]): string {
  const c =
    checks.find((x) => x.metric === 'quality' && x.slice === null && x.mde !== undefined) ??
    checks.find((x) => x.metric === 'pass_rate' && x.slice === null && x.mde !== undefined);
  if (!c || c.mde === undefined) return '';
  const drop = formatDelta(c.metric, c.budget + c.mde).replace(/^\+/, '');
  return `; 80% power to block a ${checkName(c)} drop of ${drop}`;
}
