import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../../src/cli/args.js';
import { ROOT } from '../helpers/workspace.js';

// The rollout-tool examples in docs/canary.md: each parses, is in the page verbatim, runs
// `evalgate canary` with flags the CLI takes, and maps exit codes the way the page says.

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const page = read('docs/canary.md');

/** The evalgate arguments of a shell command line (after `... evalgate`). */
function evalgateArgs(cmd: string): string[] {
  const words = cmd.trim().split(/\s+/);
  const at = words.findIndex((w) => /evalgate$/.test(w));
  expect(at, cmd).toBeGreaterThanOrEqual(0);
  return words.slice(at + 1).map((w) => w.replace(/\{\{args\.window\}\}/, '10m'));
}

describe('rollout examples', () => {
  it('are in docs/canary.md verbatim', () => {
    for (const f of ['argo-analysis-template.yaml', 'flagger-canary.yaml'])
      expect(page, f).toContain(`\`\`\`yaml\n${read(`docs/rollouts/${f}`)}\`\`\``);
  });

  it('Argo: a job that runs evalgate canary once, never retried, failing the rollout on any non-zero exit', () => {
    const t = parse(read('docs/rollouts/argo-analysis-template.yaml'));
    expect(t).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' });
    const m = t.spec.metrics[0];
    expect(m).toMatchObject({ count: 1, failureLimit: 0 });
    const job = m.provider.job.spec;
    expect(job.backoffLimit).toBe(0);
    expect(job.template.spec.restartPolicy).toBe('Never');
    const c = job.template.spec.containers[0];
    const line = parseCommandLine(evalgateArgs(c.args[0]));
    expect(line).toMatchObject({ kind: 'command', command: 'canary', values: { window: '10m' } });
    expect(c.env.map((e: { name: string }) => e.name)).toContain('PROM_TOKEN');
  });

  it('Flagger: a rollout webhook through the load tester running evalgate canary', () => {
    const c = parse(read('docs/rollouts/flagger-canary.yaml'));
    expect(c).toMatchObject({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary' });
    const hook = c.spec.analysis.webhooks[0];
    expect(hook).toMatchObject({ type: 'rollout', metadata: { type: 'cmd' } });
    const line = parseCommandLine(evalgateArgs(hook.metadata.cmd));
    expect(line).toMatchObject({ kind: 'command', command: 'canary', values: { window: '5m' } });
    expect(c.spec.analysis.threshold).toBeGreaterThan(0);
  });

  it('the page maps every exit code for both tools', () => {
    for (const row of ['0 pass', '1 blocked', '2 bad config', '3 could not judge'])
      expect(page).toMatch(new RegExp(`\\| ${row}\\s*\\|[^|\\n]+\\|[^|\\n]+\\|`));
  });
});
