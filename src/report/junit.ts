import type { CaseReport, Check, Report } from '../types.js';
import { escapeXml, escapeXmlAttr, truncate } from './escape.js';
import { BLOCKED_INCONCLUSIVE, checkName } from './format.js';
import { improvementOf, regressionOf } from './regressions.js';
import { formatChange, formatScore, improvementChange, regressionChange } from './table.js';
import { expectedCallsText, hasToolCalls, sideCallsText } from './tool-calls.js';

// JUnit XML for CI test viewers: one testcase per golden case (failed where the candidate
// regressed or fails; an improved one carries an `evalgate.improved` property and says so in its
// system-out, which is not a failure) and one per check (failed when the check fails, skipped
// when inconclusive, or failed too when gate.on_inconclusive: fail made the run block).

const OUTPUT_CHARS = 2000;
const MESSAGE_CHARS = 500;
/** A case id is the test's name, a slice name its class; a dataset may hold absurd ones. */
const NAME_CHARS = 200;
/** A case's slices on one line of its failure: each name cut to NAME_CHARS, the line to this. */
const SLICES_CHARS = 1000;

type Outcome =
  | { kind: 'pass' }
  | { kind: 'failure'; type: string; message: string; body: string }
  | { kind: 'skipped'; message: string };

interface TestCase {
  classname: string;
  name: string;
  time: number;
  outcome: Outcome;
  /** An improved case: how it changed, e.g. `0.50 → 1.00 (+0.50), now passing`. */
  improved?: string;
}

function seconds(ms: number | undefined): number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

/**
 * The slices' names, each cut, the list cut too. Only as many names as can show are looked at:
 * a case may carry thousands of tags.
 */
function slicesText(slices: readonly string[]): string {
  const shown = slices
    .slice(0, Math.ceil(SLICES_CHARS / 2) + 1)
    .map((s) => truncate(s, NAME_CHARS));
  return truncate(shown.join(', '), SLICES_CHARS, shown.length < slices.length);
}

function caseBody(c: CaseReport): string {
  const lines: string[] = [];
  if (c.source) lines.push(`source: ${truncate(c.source, MESSAGE_CHARS)}`);
  if (c.slices.length > 0) lines.push(`slices: ${slicesText(c.slices)}`);
  lines.push(
    `score: baseline ${formatScore(c.baseline?.score)}, candidate ${formatScore(c.candidate?.score)}`,
  );
  const scorers = new Set([
    ...Object.keys(c.baseline?.scores ?? {}),
    ...Object.keys(c.candidate?.scores ?? {}),
  ]);
  for (const name of scorers) {
    lines.push(
      `  ${truncate(name, NAME_CHARS)}: baseline ${formatScore(c.baseline?.scores[name])}, candidate ${formatScore(c.candidate?.scores[name])}`,
    );
  }
  const calls = hasToolCalls(c);
  const expected = expectedCallsText(c);
  if (calls && expected !== undefined)
    lines.push(`expected tool calls: ${truncate(expected, OUTPUT_CHARS)}`);
  for (const [label, side] of [
    ['baseline', c.baseline],
    ['candidate', c.candidate],
  ] as const) {
    if (!side) continue;
    if (side.error)
      lines.push(
        `${label} error (${side.error.kind}): ${truncate(side.error.message, MESSAGE_CHARS)}`,
      );
    lines.push(`${label} output:`, truncate(side.output ?? '(none)', OUTPUT_CHARS));
    if (calls) lines.push(`${label} ${truncate(sideCallsText(side), OUTPUT_CHARS)}`);
  }
  return lines.join('\n');
}

function caseOutcome(c: CaseReport): Outcome {
  const cand = c.candidate;
  if (!cand) return { kind: 'skipped', message: 'no candidate result' };
  const r = regressionOf(c);
  if (r) {
    const message = r.candidateError
      ? `candidate error (${r.candidateError.kind}): ${r.candidateError.message}; baseline score ${formatScore(r.baselineScore)}`
      : r.baselineScore !== null && r.drop > 0
        ? `candidate score ${formatScore(r.candidateScore)} < baseline ${formatScore(r.baselineScore)}: ${regressionChange(r)}`
        : `candidate fails (score ${formatScore(r.candidateScore)}); baseline passed (score ${formatScore(r.baselineScore)})`;
    return {
      kind: 'failure',
      type: r.candidateError ? 'candidate_error' : 'regression',
      message,
      body: caseBody(c),
    };
  }
  if (!cand.pass) {
    return {
      kind: 'failure',
      type: 'candidate_fails',
      message: `candidate fails (score ${formatScore(cand.score)}; baseline ${formatScore(c.baseline?.score)})`,
      body: caseBody(c),
    };
  }
  return { kind: 'pass' };
}

function checkOutcome(check: Check, confidence: number, inconclusiveBlocks: boolean): Outcome {
  const detail = [
    `baseline: ${check.baseline ?? '–'}`,
    `candidate: ${check.candidate ?? '–'}`,
    `change: ${formatChange(check, confidence)}`,
    `budget: ${check.budget}`,
    `p_value: ${check.p_value ?? '–'}`,
    `n: ${check.n}`,
  ].join('\n');
  if (check.verdict === 'fail') {
    return { kind: 'failure', type: 'budget_exceeded', message: check.reason, body: detail };
  }
  if (check.verdict === 'inconclusive' && inconclusiveBlocks) {
    return {
      kind: 'failure',
      type: 'inconclusive_blocks',
      message: `${BLOCKED_INCONCLUSIVE}: ${check.reason}`,
      body: detail,
    };
  }
  if (check.verdict === 'inconclusive') return { kind: 'skipped', message: check.reason };
  return { kind: 'pass' };
}

function renderCase(t: TestCase): string {
  const open = `    <testcase classname="${escapeXmlAttr(truncate(t.classname, NAME_CHARS))}" name="${escapeXmlAttr(truncate(t.name, NAME_CHARS))}" time="${t.time.toFixed(3)}"`;
  const o = t.outcome;
  const inner: string[] = [];
  // The schema's order: properties, then the outcome, then system-out.
  if (t.improved) {
    inner.push(
      '      <properties>',
      `        <property name="evalgate.improved" value="${escapeXmlAttr(t.improved)}"/>`,
      '      </properties>',
    );
  }
  const message = o.kind === 'pass' ? '' : escapeXmlAttr(truncate(o.message, MESSAGE_CHARS));
  if (o.kind === 'skipped') inner.push(`      <skipped message="${message}"/>`);
  if (o.kind === 'failure') {
    inner.push(
      `      <failure message="${message}" type="${escapeXmlAttr(o.type)}">${escapeXml(o.body)}</failure>`,
    );
  }
  if (t.improved)
    inner.push(`      <system-out>${escapeXml(`improved: ${t.improved}`)}</system-out>`);
  if (inner.length === 0) return `${open}/>`;
  return [`${open}>`, ...inner, '    </testcase>'].join('\n');
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
  time: number;
}

function count(cases: TestCase[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome.kind === 'failure').length,
    skipped: cases.filter((c) => c.outcome.kind === 'skipped').length,
    time: cases.reduce((sum, c) => sum + c.time, 0),
  };
}

function attrs(name: string, n: Counts, extra = ''): string {
  return `name="${escapeXmlAttr(name)}" tests="${n.tests}" failures="${n.failures}" errors="0" skipped="${n.skipped}" time="${n.time.toFixed(3)}"${extra}`;
}

function suite(name: string, cases: TestCase[], timestamp: string | undefined): string {
  const n = count(cases);
  const ts = timestamp ? ` timestamp="${escapeXmlAttr(timestamp)}"` : '';
  const open = `  <testsuite ${attrs(name, n, ts)}`;
  if (cases.length === 0) return `${open}/>`;
  return [`${open}>`, ...cases.map(renderCase), '  </testsuite>'].join('\n');
}

/** JUnit XML: suites `evalgate cases` and `evalgate checks` under one `<testsuites>`. */
export function renderJunit(report: Report): string {
  const caseTests: TestCase[] = report.cases.map((c) => {
    const better = improvementOf(c);
    return {
      classname: c.slices[0] ?? 'evalgate',
      name: c.id,
      time: seconds(c.candidate?.latency_ms),
      outcome: caseOutcome(c),
      ...(better ? { improved: improvementChange(better) } : {}),
    };
  });
  const checkTests: TestCase[] = report.checks.map((check) => ({
    classname: 'evalgate.checks',
    name: checkName(check),
    time: 0,
    outcome: checkOutcome(check, report.meta.confidence, report.blocked_by === 'on_inconclusive'),
  }));
  const all = count([...caseTests, ...checkTests]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs('evalgate', all)}>`,
    suite('evalgate cases', caseTests, report.meta.started_at),
    suite('evalgate checks', checkTests, report.meta.started_at),
    '</testsuites>',
    '',
  ].join('\n');
}
