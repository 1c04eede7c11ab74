import { formatUsd } from '../report/format.js';
import { formatCount } from '../report/table.js';
import type { AgentCalls, CostEstimate } from './estimate.js';
import { overBudget } from './estimate.js';

/** `1h 05m`, `3m 20s`, `12s`: a plan's duration is a rough figure, so no finer than a second. */
export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** What an agent side's figures assume, and the worst case they may reach. */
function agentLine(side: string, a: AgentCalls): string {
  const noun = a.cases === 1 ? 'case runs' : 'cases run';
  const each = (a.assumedCalls / a.cases).toFixed(1);
  const worst = `${formatCount(a.maxCalls)} calls${a.maxCostUsd === undefined ? '' : ` and ${formatUsd(a.maxCostUsd)}`}`;
  return `Agent loops (${side}): ${formatCount(a.cases)} ${noun} an agent loop of up to max_steps ${a.maxSteps} calls; the figures assume one call per canned tool result plus the answer (${each} a case on average), and a history that grows by each result; if every loop ran to max_steps: ${worst}.`;
}

/** The plan as `evalgate plan` and `run --dry-run` print it: a table, then where figures come from. */
export function renderPlan(e: CostEstimate): string {
  const rows = [['', 'calls', 'input tokens', 'output tokens', 'cost', 'duration']];
  for (const s of e.sides) {
    rows.push([
      s.side,
      formatCount(s.calls),
      formatCount(s.inputTokens),
      formatCount(s.outputTokens),
      s.costUsd === undefined ? 'no price' : formatUsd(s.costUsd),
      `${formatDuration(s.durationMs)} (${s.limitedBy === 'concurrency' ? `concurrency ${s.concurrency}` : `${s.limitedBy} limit`})`,
    ]);
  }
  // One side called (--only, a recorded baseline): a total would only repeat its row.
  if (e.sides.length > 1) {
    rows.push([
      'total',
      formatCount(e.sides.reduce((a, s) => a + s.calls, 0)),
      formatCount(e.sides.reduce((a, s) => a + s.inputTokens, 0)),
      formatCount(e.sides.reduce((a, s) => a + s.outputTokens, 0)),
      e.costUsd === undefined ? '–' : formatUsd(e.costUsd),
      `${formatDuration(e.durationMs)} (the sides run at once)`,
    ]);
  }
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  const table = rows.map((r) =>
    r
      .map((cell, k) =>
        k === 0 || k === r.length - 1 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!),
      )
      .join('  ')
      .trimEnd(),
  );
  const lines = [
    `plan: ${formatCount(e.cases)} cases × ${e.repeats} repeat${e.repeats === 1 ? '' : 's'}; nothing was sent`,
    ...table.map((l) => `  ${l}`),
    'Input tokens: characters of each rendered request / 4 (a rough estimator: about right for English, low for code and other scripts).',
  ];
  for (const s of e.sides) {
    lines.push(`Output tokens (${s.side}): ${s.outputSource}.`);
    lines.push(`Latency (${s.side}): ${s.latencySource}.`);
    if (s.agent) lines.push(agentLine(s.side, s.agent));
  }
  if (e.cached)
    lines.push('run.cache may answer some calls from disk; they are counted here as sent.');
  if (e.judgeCalls > 0)
    lines.push(
      `Judge: ${formatCount(e.judgeCalls)} judge calls (llm_judge, faithfulness, answer_relevance), not included in the cost.`,
    );
  if (e.maxCostUsd !== undefined && e.costUsd !== undefined) {
    lines.push(
      overBudget(e)
        ? `run.max_cost_usd ${formatUsd(e.maxCostUsd)}: the plan's ${formatUsd(e.costUsd)} exceeds it; run refuses to start`
        : `run.max_cost_usd ${formatUsd(e.maxCostUsd)}: the plan's ${formatUsd(e.costUsd)} fits`,
    );
  }
  return lines.join('\n');
}
