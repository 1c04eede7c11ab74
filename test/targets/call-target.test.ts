import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callTarget, costUsd, type Target } from '../../src/targets/target.js';
import { goldenCase } from '../helpers/golden-case.js';
import { type Loopback, openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// Every test drives callTarget against a real HTTP server on loopback: the faults are real
// status lines, real broken sockets and real silence, not a mocked fetch.

const open: { server?: Loopback; target?: Target }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.target?.transport.close();
    await o.server?.close();
  }
});

type Script = (res: http.ServerResponse, n: number) => void;

/** A server answering request n with script n (the last script repeats), and a target on it. */
async function scripted(scripts: Script[], o: TestTargetOptions = {}) {
  const server = await startLoopback((_req, res, n) =>
    scripts[Math.min(n, scripts.length) - 1]!(res, n),
  );
  const target = testTarget(`${server.url}/v1`, o);
  open.push({ server, target });
  return { server, target };
}

const ok: Script = (res) => sendJson(res, openAiReply('Paris'));
const status =
  (code: number, body = '', headers: Record<string, string> = {}): Script =>
  (res) => {
    res.writeHead(code, { 'content-type': 'text/html', ...headers });
    res.end(body);
  };
const hang: Script = () => {};

describe('callTarget against a loopback server', () => {
  it('returns the output, tokens and cost from the price, on the first attempt', async () => {
    const { server, target } = await scripted(
      [(res) => sendJson(res, openAiReply('Paris', { prompt_tokens: 12, completion_tokens: 3 }))],
      {
        price: { input_per_mtok: 1.5, output_per_mtok: 6 },
        model: 'gpt-x',
        apiKey: 'sk-live',
      },
    );
    const r = await callTarget(target, goldenCase({ input: 'Capital of France?' }));
    expect(r).toMatchObject({
      output: 'Paris',
      input_tokens: 12,
      output_tokens: 3,
      error: null,
      attempts: 1,
    });
    expect(r.cost_usd).toBeCloseTo((12 * 1.5 + 3 * 6) / 1e6, 15);
    expect(r.latency_ms).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(req!.headers.authorization).toBe('Bearer sk-live');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
  });

  it('costs nothing without a price', async () => {
    const { target } = await scripted([ok]);
    expect((await callTarget(target, goldenCase())).cost_usd).toBe(0);
    expect(costUsd(undefined, 1000, 1000)).toBe(0);
    expect(costUsd({ input_per_mtok: 2, output_per_mtok: 8 }, 1_000_000, 500_000)).toBe(6);
  });

  it('waits as long as Retry-After says on a 429 (not the backoff), then succeeds', async () => {
    // A one-minute backoff base: were Retry-After ignored, this test would time out.
    const { server, target } = await scripted(
      [status(429, 'slow down', { 'retry-after': '0' }), ok],
      {
        backoffBaseMs: 60_000,
        retries: 3,
      },
    );
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  }, 10_000);

  it('retries a 500 with an HTML body, then succeeds', async () => {
    const { server, target } = await scripted([
      status(500, '<html><body><h1>Internal Server Error</h1></body></html>'),
      ok,
    ]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a connection destroyed before any response', async () => {
    const { server, target } = await scripted([(res) => res.socket?.destroy(), ok]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a connection destroyed half-way through the body', async () => {
    const half: Script = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"choices": [{"message": {"content": "Par', () => res.socket?.destroy());
    };
    const { server, target } = await scripted([half, ok]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);

    const cut = await scripted([half], { retries: 0 });
    const failed = await callTarget(cut.target, goldenCase());
    expect(failed).toMatchObject({ output: null, attempts: 1, error: { kind: 'network' } });
  });

  it('classifies a truncated JSON body with status 200 as bad_response and retries it', async () => {
    const truncated = status(200, '{"choices": [');
    const recovered = await scripted([truncated, ok]);
    expect(await callTarget(recovered.target, goldenCase())).toMatchObject({
      output: 'Paris',
      attempts: 2,
    });

    const broken = await scripted([truncated], { retries: 1 });
    const r = await callTarget(broken.target, goldenCase());
    expect(r.error?.kind).toBe('bad_response');
    expect(r.error?.message).toMatch(/^target candidate: the reply is not JSON/);
    expect(r).toMatchObject({ output: null, attempts: 2 });
    expect(broken.server.requests).toHaveLength(2);
  });

  it('does not retry a rejected key (401): exactly one request, a message naming the target', async () => {
    const { server, target } = await scripted([status(401, '{"error":"invalid api key"}')], {
      retries: 4,
    });
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(1);
    expect(r.attempts).toBe(1);
    expect(r.error?.kind).toBe('http_4xx');
    expect(r.error?.message).toMatch(/^the key for target candidate was rejected \(401\)/);
    expect(r.error?.message).toContain('api_key_env');
  });

  it.each([
    [400, /^target candidate answered 400: bad param temperature/],
    [403, /^the key for target candidate was rejected \(403\)/],
    [404, /^target candidate answered 404: .*base_url.*model name/],
    [422, /^target candidate answered 422/],
  ])('does not retry a %d', async (code, message) => {
    const { server, target } = await scripted([status(code, 'bad param temperature')], {
      retries: 4,
    });
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(1);
    expect(r).toMatchObject({ output: null, attempts: 1, error: { kind: 'http_4xx' } });
    expect(r.error?.message).toMatch(message);
  });

  it('times out a server that never answers after timeoutMs, and retries', async () => {
    const { server, target } = await scripted([hang, ok], { timeoutMs: 1000, retries: 2 });
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a silent server with a timeout error after every retry', async () => {
    const { server, target } = await scripted([hang], { timeoutMs: 1000, retries: 1 });
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({
      output: null,
      attempts: 2,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
    });
    expect(r.error).toEqual({
      kind: 'timeout',
      message: 'target candidate: no complete response within 1000 ms',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after `retries` with an error result rather than throwing', async () => {
    const { server, target } = await scripted(
      [status(502, '<html><head><title>x</title></head><body>Bad Gateway</body></html>')],
      {
        retries: 2,
        role: 'baseline',
      },
    );
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(3);
    expect(r).toMatchObject({ output: null, attempts: 3, cost_usd: 0 });
    expect(r.error).toEqual({
      kind: 'http_5xx',
      message: 'target baseline answered 502: x Bad Gateway',
    });
  });

  it('counts attempts across mixed faults', async () => {
    const { server, target } = await scripted(
      [
        status(503, 'busy'),
        status(429, '', { 'retry-after': '0' }),
        (res) => res.socket?.destroy(),
        status(200, 'nope'),
        ok,
      ],
      { retries: 4 },
    );
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 5 });
    expect(server.requests).toHaveLength(5);
  });

  it('reports a refused connection as a network error after retries', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const target = testTarget(`http://127.0.0.1:${port}/v1`, { retries: 2 });
    open.push({ target });
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: null, attempts: 3, error: { kind: 'network' } });
    expect(r.error?.message).toMatch(/^target candidate: ECONNREFUSED/);
  });

  it('stops at once, without retrying, when the run is cancelled mid-call', async () => {
    const controller = new AbortController();
    const { server, target } = await scripted([() => controller.abort()], { retries: 4 });
    const r = await callTarget(target, goldenCase(), controller.signal);
    expect(server.requests).toHaveLength(1);
    expect(r).toMatchObject({ output: null, attempts: 1, error: { kind: 'aborted' } });
  });

  it('sends nothing when the run was cancelled before the call', async () => {
    const controller = new AbortController();
    controller.abort();
    const { server, target } = await scripted([ok]);
    const r = await callTarget(target, goldenCase(), controller.signal);
    expect(server.requests).toHaveLength(0);
    expect(r.error?.kind).toBe('aborted');
  });
});
