// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ }}` in plain strings is GitHub workflow syntax.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { canaryConfigSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/workspace.js';

// The copy-paste workflows in the README and docs/workflows/, and the dogfooding workflows,
// checked against the Action they use: every input they pass exists in action.yml, every
// output they read is one it sets, the configs they name are valid, and no run: script pastes
// an expression in (script injection: outputs carry dataset text).

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown> | string;
  jobs: Record<string, Job>;
}

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const action = parse(read('action.yml')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
// The README and the pages under docs/ together are the documentation a user copies from.
const readme = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
]
  .map(read)
  .join('\n');
const DOCS = 'docs/workflows';
const docs = readdirSync(path.join(ROOT, DOCS)).sort();
const workflowFiles = [
  ...docs.filter((f) => f.endsWith('.yml')).map((f) => `${DOCS}/${f}`),
  ...readdirSync(path.join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
];
const readmeWorkflows = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((text) => /^jobs:/m.test(text));

const isEvalgate = (s: Step) => s.uses !== undefined && /(^\.\/$|evalgate@)/.test(s.uses);
const workflow = (file: string) => parse(read(file)) as Workflow;

function expectUsesTheActionCorrectly(wf: Workflow, where: string): void {
  for (const [name, job] of Object.entries(wf.jobs)) {
    const ids = new Set<string>();
    for (const step of job.steps ?? []) {
      if (step.run)
        expect(step.run, `${where} ${name}: run: pastes an expression`).not.toContain('${{');
      if (!isEvalgate(step)) continue;
      if (step.id) ids.add(step.id);
      for (const input of Object.keys(step.with ?? {})) {
        expect(Object.keys(action.inputs), `${where} ${name}: input ${input}`).toContain(input);
      }
    }
    const text = JSON.stringify(job);
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!ids.has(m[1]!)) continue;
      expect(Object.keys(action.outputs), `${where} ${name}: output ${m[2]}`).toContain(m[2]);
    }
  }
}

describe('documented workflows', () => {
  it('are all in the documentation, verbatim, with their configs', () => {
    expect(docs).toEqual([
      'canary-live.evalgate.yaml',
      'canary-live.yml',
      'canary.evalgate.yaml',
      'canary.yml',
      'pr-gate.yml',
      'prompt-change.yml',
      'prompt-gate.evalgate.yaml',
      'sharded.yml',
      'stored-baseline.yml',
    ]);
    for (const f of docs) expect(readme, f).toContain(`\`\`\`yaml\n${read(`${DOCS}/${f}`)}\`\`\``);
  });

  it('pass only inputs the Action has, read only outputs it sets, and paste no expression into a script', () => {
    for (const f of workflowFiles) expectUsesTheActionCorrectly(workflow(f), f);
    for (const [i, text] of readmeWorkflows.entries()) {
      expectUsesTheActionCorrectly(parse(text) as Workflow, `README workflow ${i + 1}`);
    }
    expect(readmeWorkflows.length).toBeGreaterThanOrEqual(4);
  });

  it('document every input of the Action', () => {
    for (const input of Object.keys(action.inputs)) expect(readme).toContain(`| \`${input}\``);
  });

  it('ship configs that load', () => {
    const env = {
      PRODUCTION_URL: 'https://prod.example',
      CANARY_URL: 'https://canary.example',
    };
    for (const f of docs.filter((d) => d.endsWith('.evalgate.yaml'))) {
      const text = read(`${DOCS}/${f}`);
      // A live-only config (no golden set) is read as `evalgate canary` reads it.
      const live = /^live:/m.test(text) && !/^dataset:/m.test(text);
      const load = () =>
        live
          ? parseConfig(
              text,
              f,
              { ...env, PROMETHEUS_URL: 'http://prom.example:9090' },
              [],
              undefined,
              canaryConfigSchema,
            )
          : parseConfig(text, f, env);
      expect(load, f).not.toThrow();
    }
    const prompt = parseConfig(read(`${DOCS}/prompt-gate.evalgate.yaml`), 'x', {}).config;
    expect(prompt.targets.baseline).toMatchObject({ prompt: { ref: 'base' } });
  });

  it('gate prompt changes only when prompts change, with the base commit in the clone', () => {
    const wf = workflow(`${DOCS}/prompt-change.yml`);
    expect((wf.on as { pull_request: { paths: string[] } }).pull_request.paths).toContain(
      'prompts/**',
    );
    const checkout = wf.jobs.gate!.steps!.find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with).toMatchObject({ 'fetch-depth': 0 });
  });

  it('record on main and compare pull requests through the cache', () => {
    const wf = workflow(`${DOCS}/stored-baseline.yml`);
    const record = wf.jobs.record!.steps!;
    const compare = wf.jobs.compare!.steps!;
    const recorded = record.find(isEvalgate)!.with!;
    expect(recorded.only).toBe('candidate');
    const save = record.find((s) => s.uses?.startsWith('actions/cache/save'))!;
    const restore = compare.find((s) => s.uses?.startsWith('actions/cache/restore'))!;
    expect(save.with!.path).toBe(recorded.report);
    expect(restore.with!.path).toBe(recorded.report);
    expect(String(compare.find(isEvalgate)!.with!['baseline-report'])).toContain(
      String(recorded.report),
    );
  });

  it('judge the live canary through the Action in a deploy pipeline and branch on its exit code', () => {
    const wf = workflow(`${DOCS}/canary-live.yml`);
    expect(Object.keys(wf.on as object)).toEqual(['deployment_status']);
    const step = wf.jobs.gate!.steps!.find((s) => s.id === 'canary')!;
    expect(isEvalgate(step)).toBe(true);
    expect(step.with).toMatchObject({
      command: 'canary',
      config: 'evals/canary-live.yaml',
      every: '5m',
      for: '30m',
    });
    expect(step.env).toMatchObject({ PROM_TOKEN: '${{ secrets.PROM_TOKEN }}' });
    expect(wf.jobs.gate!.outputs!['exit-code']).toBe('${{ steps.canary.outputs.exit-code }}');
    expect(wf.jobs.promote).toMatchObject({
      needs: 'gate',
      if: "needs.gate.outputs.exit-code == '0'",
    });
    // The gate job failed (the step fails when blocked): only !cancelled() lets this job run.
    expect(wf.jobs['roll-back']).toMatchObject({
      needs: 'gate',
      if: "${{ !cancelled() && needs.gate.outputs.exit-code == '1' }}",
    });
    // The upload keeps the report whatever the verdict.
    const upload = wf.jobs.gate!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.path).toBe(step.with!.report);
  });

  it('let a deploy job branch on the canary gate decision', () => {
    const wf = workflow(`${DOCS}/canary.yml`);
    expect(Object.keys(wf.on as object)).toEqual(['workflow_dispatch', 'deployment_status']);
    expect(wf.jobs.gate!.outputs!.decision).toBe('${{ steps.gate.outputs.decision }}');
    expect(wf.jobs.promote).toMatchObject({
      needs: 'gate',
      if: "needs.gate.outputs.decision == 'pass'",
    });
    expect(wf.jobs['roll-back']).toMatchObject({
      needs: 'gate',
      if: "needs.gate.outputs.decision == 'fail'",
    });
  });

  it('fan out over a matrix of shards and fan in to one merge job that decides', () => {
    const wf = workflow(`${DOCS}/sharded.yml`);
    const shard = wf.jobs.shard! as Job & { strategy: { matrix: { shard: string[] } } };
    expect(shard.strategy.matrix.shard).toEqual(['1/3', '2/3', '3/3']);
    const run = shard.steps!.find(isEvalgate)!.with!;
    expect(run.shard).toBe('${{ matrix.shard }}');
    const upload = shard.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!;
    expect(upload.path).toBe(run.report);
    expect(String(upload.name)).toMatch(/^evalgate-shard-\$\{\{ strategy\.job-index \}\}$/);

    const merge = wf.jobs.merge!;
    expect(merge.needs).toBe('shard');
    const steps = merge.steps!;
    expect(steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(true);
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!.with!;
    expect(download.pattern).toBe('evalgate-shard-*');
    const merged = steps.find(isEvalgate)!.with!;
    // download-artifact puts each artifact in a folder of its own name under `path`.
    expect(merged.merge).toBe(`${download.path}/*/${run.report}`);
    expect(merged.config).toBe(run.config);
    expect(merged.shard).toBeUndefined();
  });
});
