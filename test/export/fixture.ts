import type { Report } from '../../src/types.js';
import { check, makeReport } from '../report/fixture.js';

// Reports the exporter must render: the renderers' realistic one plus classification, drift,
// per-slice checks on every metric, and a slice name written to break out of a label value.

export const HOSTILE_SLICE = 'tags=a"b\\c\nd} 1\n# EOF\r\u0000 évé\ud800 {x="y"}';

export function exportReport(): Report {
  const report = makeReport();
  report.targets.baseline!.classification = {
    cases: 6,
    accuracy: 0.83,
    macro_f1: 0.8,
    labels: ['refund', 'other'],
    confusion: [
      [3, 1],
      [0, 2],
    ],
  };
  report.targets.candidate!.classification = {
    cases: 5,
    accuracy: 0.6,
    macro_f1: 0.55,
    labels: ['refund', 'other'],
    confusion: [
      [2, 1],
      [1, 1],
    ],
  };
  report.meta.models.candidate = 'ft:gpt-4.1-mini:org"x\\y\nz';
  report.blocked = true;
  report.blocked_by = 'budget';
  report.checks.push(
    check({
      metric: 'tpot_p95',
      verdict: 'fail',
      baseline: 12.5,
      candidate: 19,
      delta: 0.52,
      ci: [0.31, 0.74],
      budget: 0.2,
      p_value: 0.0004,
      p_adjusted: 0.002,
      adjustment: { method: 'weighted Holm', tests: 6, level: 0.99 },
    }),
    check({ metric: 'ttft_p95', verdict: 'pass', delta: 0.01, ci: [-0.05, 0.08], budget: 0.25 }),
    check({ metric: 'drift', verdict: 'pass', delta: 0.04, ci: [0.01, 0.07], budget: 0.2 }),
    check({ metric: 'label_drift', verdict: 'fail', delta: 0.41, ci: [0.28, 0.6], budget: 0.2 }),
    check({
      metric: 'quality',
      slice: HOSTILE_SLICE,
      verdict: 'inconclusive',
      delta: null,
      ci: null,
      p_value: null,
      n: 1,
    }),
  );
  return report;
}

/** A run that stopped early: no checks, one side's figures, decision inconclusive. */
export function incompleteReport(): Report {
  const report = makeReport({
    decision: 'inconclusive',
    summary: 'incomplete: the run was cancelled after 3 of 12 calls; nothing was judged',
    checks: [],
    incomplete: true,
    incomplete_reason: 'the run was cancelled',
  });
  delete report.targets.candidate;
  report.targets.baseline!.no_data = {
    ttft_ms: 'no stream',
    tpot_ms: 'no stream',
    tokens: 'x',
    cost_usd: 'y',
  };
  return report;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A reader of the exposition text, strict about what the exporter writes: every sample line is
 * `name{k="v",…} value` with only \\, \" and \n escapes, after its family's TYPE/UNIT/HELP.
 */
export function parseExposition(text: string): {
  samples: Sample[];
  families: Map<string, { type?: string; unit?: string; help?: string }>;
} {
  const lines = text.split('\n');
  const families = new Map<string, { type?: string; unit?: string; help?: string }>();
  const samples: Sample[] = [];
  let current = '';
  for (const line of lines) {
    if (line === '' || line === '# EOF') continue;
    const meta = /^# (TYPE|UNIT|HELP) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (name !== current) {
        if (families.has(name!)) throw new Error(`family ${name} interleaved`);
        families.set(name!, {});
        current = name!;
      }
      families.get(name!)![kind!.toLowerCase() as 'type' | 'unit' | 'help'] = rest!;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad line: ${JSON.stringify(line)}`);
    const [, name, set, raw] = m;
    if (name !== current) throw new Error(`sample ${name} outside its family`);
    const labels: Record<string, string> = {};
    if (set) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|\})/gy;
      re.lastIndex = 1;
      let end = false;
      while (!end) {
        const lm = re.exec(set);
        if (!lm) throw new Error(`bad labels: ${JSON.stringify(set)}`);
        labels[lm[1]!] = lm[2]!.replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
        end = lm[3] === '}';
      }
      if (re.lastIndex !== set.length) throw new Error(`trailing text in ${JSON.stringify(set)}`);
    }
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: name!, labels, value });
  }
  return { samples, families };
}
