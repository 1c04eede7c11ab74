import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import { goldenCase } from '../helpers/golden-case.js';
import { openAiReply, sendJson } from '../helpers/loopback.js';
import { afterThisTest, scriptedServerForTest } from '../helpers/per-test.js';
import { openAiStream } from '../helpers/sse-endpoint.js';

// latency_ms is the endpoint's time: from the request leaving on a connected socket to the last
// byte. Here the client is kept busy (a synchronous loop, as scoring or building a batch of
// requests would) right after the call starts: that time is the client's, and must not count.

const BUSY_MS = 400;

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The event loop is blocked: no connection completes and no reply is read meanwhile.
  }
}

function target(url: string, stream = false) {
  const cfg: TargetConfig = {
    type: 'openai',
    base_url: `${url}/v1`,
    model: 'm',
    api_key_env: 'KEY',
    stream,
  } as TargetConfig;
  const t = createTarget(cfg, 'candidate', {
    configFile: 'evalgate.yaml',
    configDir: '/nonexistent',
    env: { KEY: 'sk-timing' },
    defaults: { concurrency: 1, timeoutMs: 5_000, retries: 0, backoffBaseMs: 1 },
  });
  afterThisTest(() => t.transport.close());
  return t;
}

describe('latency_ms leaves out the client’s own time', () => {
  it('on a new connection and on a reused one', async () => {
    const server = await scriptedServerForTest([(res) => sendJson(res, openAiReply('a'))]);
    const t = target(server.url);
    for (const connection of ['new', 'reused']) {
      const call = callTarget(t, goldenCase());
      busy(BUSY_MS);
      const r = await call;
      expect(r.error, connection).toBeNull();
      expect(r.latency_ms, connection).toBeLessThan(BUSY_MS / 2);
    }
  });

  it('streamed: ttft_ms and latency_ms both start when the request went out', async () => {
    const server = await scriptedServerForTest([
      (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(openAiStream(['Hel', 'lo']));
      },
    ]);
    const t = target(server.url, true);
    const call = callTarget(t, goldenCase());
    busy(BUSY_MS);
    const r = await call;
    expect(r.error).toBeNull();
    expect(r.ttft_ms).toBeDefined();
    expect(r.ttft_ms!).toBeLessThanOrEqual(r.latency_ms);
    expect(r.latency_ms).toBeLessThan(BUSY_MS / 2);
  });
});
