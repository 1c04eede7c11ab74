import type http from 'node:http';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { type Received, startLoopback } from './loopback.js';
import { afterThisTest } from './per-test.js';

export type AgentHandler = (
  req: Received,
  res: http.ServerResponse,
  n: number,
) => void | Promise<void>;

/** What createTarget needs of a run, for targets that read no files. */
export function loopbackContext(defaults: { timeoutMs: number; retries: number }) {
  return {
    configFile: 'evalgate.yaml',
    configDir: '/nonexistent',
    env: {},
    defaults: { concurrency: 2, backoffBaseMs: 1, ...defaults },
  };
}

/**
 * A candidate target of `type` against a loopback server answering with `handler`, both closed
 * after the test; `config` adds to the target's config (tools, max_steps, price).
 */
export async function agentTarget(
  type: 'openai' | 'anthropic',
  handler: AgentHandler,
  config: object,
  defaults: { timeoutMs: number; retries: number },
) {
  const server = await startLoopback(handler);
  afterThisTest(() => server.close());
  const t = createTarget(
    {
      type,
      base_url: type === 'openai' ? `${server.url}/v1` : server.url,
      model: 'agent-model',
      ...config,
    } as TargetConfig,
    'candidate',
    loopbackContext(defaults),
  );
  afterThisTest(() => t.transport.close());
  return { server, t };
}
