import { openAiDialect } from '../../src/targets/openai.js';
import type { Target } from '../../src/targets/target.js';
import { createTransport } from '../../src/targets/transport.js';

export interface TestTargetOptions {
  role?: string;
  model?: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  backoffBaseMs?: number;
  apiKey?: string;
  price?: Target['price'];
}

/**
 * An OpenAI-dialect target pointed at a loopback `/v1` root, with a real transport. Fast
 * defaults: 1 ms backoff, so retries cost nothing but still go through the real retry loop.
 * Call `target.transport.close()` when done.
 */
export function testTarget(baseUrl: string, o: TestTargetOptions = {}): Target {
  const concurrency = o.concurrency ?? 4;
  const model = o.model ?? 'test-model';
  return {
    role: o.role ?? 'candidate',
    label: model,
    host: new URL(baseUrl).hostname,
    dialect: openAiDialect({ baseUrl, model, apiKey: o.apiKey ?? 'sk-test', templates: {} }),
    price: o.price,
    concurrency,
    timeoutMs: o.timeoutMs ?? 5_000,
    retries: o.retries ?? 2,
    backoffBaseMs: o.backoffBaseMs ?? 1,
    transport: createTransport(concurrency),
  };
}
