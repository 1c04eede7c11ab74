import { decide, summarize } from '../gate/decide.js';
import { blocks } from '../gate/exit-code.js';
import { checkName } from '../report/format.js';
import type { Check, LiveMeta, Report } from '../types.js';
import { VERSION } from '../version.js';

export interface LiveReportInput {
  checks: Check[];
  live: LiveMeta;
  configFile: string;
  /** The gate's confidence (the report's nominal level). */
  confidence: number;
  /** The level the last look's intervals are at (1 − its α). */
  lookConfidence: number;
  onInconclusive: 'pass' | 'fail';
  startedAt: number;
  durationMs: number;
  /** Set when nothing could be judged (exit 3): why, in one sentence. */
  incomplete?: string;
}

/** Critical checks that did not pass: with `critical`, an inconclusive verdict blocks too. */
export function criticalOpen(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.critical && c.verdict === 'inconclusive');
}

/** The canary's report, in the run's format: checks named by the live metric, no cases, no targets. */
export function buildLiveReport(r: LiveReportInput): Report {
  const meta = {
    tool: 'evalgate' as const,
    version: VERSION,
    started_at: new Date(r.startedAt).toISOString(),
    duration_ms: r.durationMs,
    config: r.configFile,
    datasets: [],
    confidence: r.confidence,
    seed: 0,
    models: {},
    warnings: [],
    live: r.live,
  };
  if (r.incomplete !== undefined) {
    return {
      schema_version: 1,
      decision: 'inconclusive',
      summary: `could not judge: ${r.incomplete}`,
      cases: [],
      targets: {},
      checks: r.checks,
      incomplete: true,
      incomplete_reason: r.incomplete,
      meta,
    };
  }
  const decision = decide(r.checks);
  const critical = decision === 'inconclusive' ? criticalOpen(r.checks) : [];
  const blocked = blocks(decision, r.onInconclusive) || critical.length > 0;
  let summary = summarize(decision, r.checks, r.lookConfidence, r.onInconclusive);
  if (critical.length > 0 && r.onInconclusive !== 'fail') {
    const names = critical.map((c) => checkName(c)).join(', ');
    summary = `blocked: critical ${names} not shown within budget; ${summary}`;
  }
  return {
    schema_version: 1,
    decision,
    summary,
    cases: [],
    targets: {},
    checks: r.checks,
    blocked,
    ...(blocked
      ? {
          blocked_by:
            decision === 'fail'
              ? 'budget'
              : r.onInconclusive === 'fail'
                ? 'on_inconclusive'
                : 'critical',
        }
      : {}),
    meta,
  };
}
