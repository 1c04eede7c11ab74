import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closePlan, type EngineHooks, execute, prepare } from '../../src/engine.js';
import { IncompleteRunError } from '../../src/runner/incomplete.js';
import { openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { goldenJsonl, workspace } from '../helpers/workspace.js';

// run.max_cost_usd through the engine in-process, against an endpoint whose answers run far
// longer than the plan's guess (no max_tokens: 256 output tokens a call assumed).

const quiet: EngineHooks = { info: () => {}, warning: () => {} };

function config(url: string, maxCostUsd: number): string {
  // $1000 per million output tokens: a 256-token guess is $0.256, a 4000-token answer $4.
  const target = (model: string) => `
    type: openai
    base_url: ${url}/v1
    model: ${model}
    price: {input_per_mtok: 0, output_per_mtok: 1000}`;
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:${target('base-model')}
  candidate:${target('cand-model')}
scorers:
  - type: exact
run:
  concurrency: 4
  retries: 0
  max_cost_usd: ${maxCostUsd}
`;
}

describe('run.max_cost_usd when answers cost far more than guessed', () => {
  it('starts nothing once the first reply shows it, and says by how much the calls in flight passed it', async () => {
    const server = await startLoopback((req, res) => {
      const q = JSON.parse(req.body).messages.at(-1).content as string;
      sendJson(
        res,
        openAiReply(q.replace('q', 'a'), { prompt_tokens: 10, completion_tokens: 4000 }),
      );
    });
    afterThisTest(() => server.close());
    const dir = workspace({
      'golden.jsonl': goldenJsonl(20),
      'evalgate.yml': config(server.url, 12),
    });
    afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
    // The plan fits: 40 calls at $0.256 is $10.24. The first 8 calls (concurrency 4 per target)
    // go out together on that guess; each costs $4. Once a reply shows it, the 7 still out are
    // counted at $4 each: no further call may start, however the replies are ordered.
    const plan = await prepare({ configPath: path.join(dir, 'evalgate.yml'), env: {} }, quiet);
    const err = await execute(plan, quiet)
      .catch((e: unknown) => e)
      .finally(() => closePlan(plan));
    expect(err).toBeInstanceOf(IncompleteRunError);
    const { message, report } = err as IncompleteRunError;
    expect(server.requests).toHaveLength(8);
    expect(message).toBe(
      'stopped at run.max_cost_usd ($12.00): $32.00 spent, $20.00 over, by calls already in ' +
        'flight that cost more than estimated. 8 of 40 calls were made; a partial run is not judged.',
    );
    expect(report.incomplete).toBe(true);
    expect(report.incomplete_reason).toBe(message);
    const spent = report.cases.reduce(
      (s, c) => s + (c.baseline?.cost_usd ?? 0) + (c.candidate?.cost_usd ?? 0),
      0,
    );
    expect(spent).toBe(32);
  });
});
