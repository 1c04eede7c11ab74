import type { Report } from '../types.js';

/**
 * A shard's job summary: what it answered and where the decision will be. The full Markdown of a
 * run would show an "inconclusive" verdict that a reader could take for the result.
 */
export function shardJobSummary(report: Report): string {
  const s = report.meta.shard!;
  const calls = report.meta.calls;
  const failed = calls && calls.failed > 0 ? `, ${calls.failed} calls failed` : '';
  return [
    `## evalgate shard ${s.index}/${s.count}`,
    '',
    `${s.cases} cases answered${failed}. Not a decision: the merge job judges all shards together.`,
    '',
  ].join('\n');
}
