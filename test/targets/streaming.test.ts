import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import type { CallResult } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';
import { openAiReply, sendJson } from '../helpers/loopback.js';
import { afterThisTest, type Script, scriptedServerForTest } from '../helpers/per-test.js';
import {
  anthropicStream,
  chop,
  type Ending,
  openAiStream,
  writePieces,
} from '../helpers/sse-endpoint.js';

// callTarget with `stream: true` against loopback servers that stream the way the providers do,
// written in small separate pieces so lines and UTF-8 characters arrive broken up. Assertions are
// on behaviour and on relations between the recorded numbers, never on wall-clock values.

const ctx = {
  configFile: 'evalgate.yaml',
  configDir: '/nonexistent',
  env: { KEY: 'sk-stream-key' },
  defaults: { concurrency: 2, timeoutMs: 5_000, retries: 2, backoffBaseMs: 1 },
};

/** A streaming target of the given dialect on a server answering request n with script n. */
async function streaming(
  type: 'openai' | 'anthropic',
  scripts: Script[],
  extra: Partial<TargetConfig> = {},
  retries = 2,
) {
  const server = await scriptedServerForTest(scripts);
  const cfg = {
    type,
    base_url: type === 'openai' ? `${server.url}/v1` : server.url,
    model: `${type}-model`,
    api_key_env: 'KEY',
    stream: true,
    price: { input_per_mtok: 1, output_per_mtok: 4 },
    ...extra,
  } as TargetConfig;
  const target = createTarget(cfg, 'candidate', { ...ctx, defaults: { ...ctx.defaults, retries } });
  afterThisTest(() => target.transport.close());
  return { server, target };
}

const stream =
  (text: string, size = 3, ending: Ending = 'end'): Script =>
  (res) =>
    writePieces(res, chop(text, size), ending);

/** The relations every streamed answer must satisfy, from the numbers the call recorded. */
function expectSaneTimings(r: CallResult) {
  expect(r.ttft_ms).toBeGreaterThanOrEqual(0);
  expect(r.ttft_ms).toBeLessThanOrEqual(r.latency_ms);
  expect(r.output_tokens).toBeGreaterThan(1);
  expect(r.tpot_ms).toBeCloseTo((r.latency_ms - r.ttft_ms!) / (r.output_tokens - 1), 9);
}

const PIECES = ['Le ', 'café ', 'coûte ', '3 €', ' 🦜', '.'];
const ANSWER = PIECES.join('');

describe('openai streaming against a loopback server', () => {
  it('reassembles pieces split mid-line and mid-character, and records ttft and tpot', async () => {
    const body = openAiStream(PIECES, { prompt_tokens: 14, completion_tokens: 6 });
    const { server, target } = await streaming('openai', [stream(body, 3)]);
    const r = await callTarget(target, goldenCase({ input: 'Prix ?' }));
    expect(r).toMatchObject({
      output: ANSWER,
      input_tokens: 14,
      output_tokens: 6,
      error: null,
      attempts: 1,
    });
    expect(r.cost_usd).toBeCloseTo((14 * 1 + 6 * 4) / 1e6, 15);
    expectSaneTimings(r);

    const [req] = server.requests;
    expect(req!.path).toBe('/v1/chat/completions');
    expect(req!.headers.authorization).toBe('Bearer sk-stream-key');
    expect(JSON.parse(req!.body)).toMatchObject({
      model: 'openai-model',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reads CRLF line endings and keep-alive comments between events', async () => {
    const body = openAiStream(PIECES, undefined, { eol: '\r\n', comments: true });
    const { target } = await streaming('openai', [stream(body, 5)]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: ANSWER, output_tokens: PIECES.length, error: null });
    expectSaneTimings(r);
  });

  it('reads an event whose JSON is spread over several data lines', async () => {
    const multi =
      'data: {"choices":[{"index":0,\ndata: "delta":{"content":"multi"}}]}\n\n' +
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\ndata: [DONE]\n\n';
    const { target } = await streaming('openai', [stream(multi, 7)]);
    expect(await callTarget(target, goldenCase())).toMatchObject({
      output: 'multi',
      output_tokens: 2,
    });
  });

  it('retries a stream that ends cleanly without [DONE] as stream_cut, never a short answer', async () => {
    const cut = openAiStream(['Par'], undefined, { cut: true });
    const whole = openAiStream(['Paris'], { prompt_tokens: 3, completion_tokens: 2 });
    const { server, target } = await streaming('openai', [stream(cut), stream(whole)]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);

    const dead = await streaming('openai', [stream(cut)], {}, 1);
    const failed = await callTarget(dead.target, goldenCase());
    expect(failed).toMatchObject({ output: null, attempts: 2, output_tokens: 0, cost_usd: 0 });
    expect(failed.error).toEqual({
      kind: 'stream_cut',
      message: 'target candidate: the stream ended before [DONE]: the answer is incomplete',
    });
    expect(failed.ttft_ms).toBeUndefined();
  });

  it('classifies a connection dropped mid-stream as stream_cut and retries it', async () => {
    const body = openAiStream(PIECES);
    const half = chop(body, 40).slice(0, 6);
    const dropped: Script = (res) => writePieces(res, half, 'destroy');
    const { server, target } = await streaming('openai', [dropped, stream(body)]);
    expect(await callTarget(target, goldenCase())).toMatchObject({
      output: ANSWER,
      attempts: 2,
      error: null,
    });
    expect(server.requests).toHaveLength(2);

    const always = await streaming('openai', [dropped], {}, 0);
    const r = await callTarget(always.target, goldenCase());
    expect(r).toMatchObject({ output: null, attempts: 1, error: { kind: 'stream_cut' } });
    expect(r.error?.message).toMatch(/^target candidate: the stream broke off after 240 bytes/);
  });

  it('retries an error event reporting a server error, then succeeds', async () => {
    const failing = openAiStream(['Hi'], undefined, { cut: true }).concat(
      'data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}\n\n',
    );
    const { server, target } = await streaming('openai', [
      stream(failing),
      stream(openAiStream(PIECES)),
    ]);
    expect(await callTarget(target, goldenCase())).toMatchObject({
      output: ANSWER,
      attempts: 2,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry an error event that says the request itself is wrong', async () => {
    const bad = 'data: {"error":{"message":"context too long","type":"invalid_request_error"}}\n\n';
    const { server, target } = await streaming('openai', [stream(bad)], {}, 3);
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(1);
    expect(r.error).toEqual({
      kind: 'http_4xx',
      message:
        'target candidate: the stream reported an error (invalid_request_error): context too long',
    });
  });

  it('honours a 429 before the stream starts, then streams', async () => {
    const limited: Script = (res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"error":{"message":"Rate limit reached","type":"requests"}}');
    };
    const { target } = await streaming('openai', [limited, stream(openAiStream(PIECES))]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: ANSWER, attempts: 2 });
    expectSaneTimings(r);
  });

  it('reads a whole JSON reply from a server that ignores stream: true, without ttft', async () => {
    const { target } = await streaming('openai', [(res) => sendJson(res, openAiReply('Paris'))]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: 'Paris', error: null, output_tokens: 3 });
    expect(r.ttft_ms).toBeUndefined();
    expect(r.tpot_ms).toBeUndefined();
  });

  it('times out a stream that stops sending mid-way', async () => {
    const body = openAiStream(PIECES);
    const { target } = await streaming(
      'openai',
      [(res) => writePieces(res, chop(body, 100).slice(0, 2), 'hang')],
      { timeout_ms: 1000 },
      0,
    );
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: null, error: { kind: 'timeout' } });
  });

  it('sends the key in api-key and the api-version query, Azure style', async () => {
    const { server, target } = await streaming('openai', [stream(openAiStream(PIECES))], {
      api_version: '2024-10-21',
      key_header: 'api-key',
    });
    expect((await callTarget(target, goldenCase())).output).toBe(ANSWER);
    const [req] = server.requests;
    expect(req!.path).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(req!.headers['api-key']).toBe('sk-stream-key');
    expect(req!.headers).not.toHaveProperty('authorization');
  });
});

describe('anthropic streaming against a loopback server', () => {
  it('reassembles the text deltas and records tokens, ttft and tpot', async () => {
    const body = anthropicStream(
      PIECES,
      { input_tokens: 25, output_tokens: 9 },
      { comments: true },
    );
    const { server, target } = await streaming('anthropic', [stream(body, 3)], {
      system: 'Réponds en français.',
      params: { max_tokens: 64 },
    });
    const r = await callTarget(target, goldenCase({ input: 'Prix ?' }));
    expect(r).toMatchObject({
      output: ANSWER,
      input_tokens: 25,
      output_tokens: 9,
      error: null,
      attempts: 1,
    });
    expectSaneTimings(r);
    const [req] = server.requests;
    expect(req!.path).toBe('/v1/messages');
    expect(req!.headers['x-api-key']).toBe('sk-stream-key');
    expect(req!.headers['anthropic-version']).toBe('2023-06-01');
    expect(JSON.parse(req!.body)).toEqual({
      model: 'anthropic-model',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Prix ?' }],
      system: 'Réponds en français.',
      stream: true,
    });
  });

  it('reads CRLF streams', async () => {
    const body = anthropicStream(PIECES, undefined, { eol: '\r\n' });
    const { target } = await streaming('anthropic', [stream(body, 4)]);
    expect(await callTarget(target, goldenCase())).toMatchObject({ output: ANSWER, error: null });
  });

  it('retries an overloaded_error event, then succeeds', async () => {
    const overloaded =
      anthropicStream(['Le '], undefined, { cut: true }) +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const { server, target } = await streaming('anthropic', [
      stream(overloaded),
      stream(anthropicStream(PIECES)),
    ]);
    const r = await callTarget(target, goldenCase());
    expect(r).toMatchObject({ output: ANSWER, attempts: 2, error: null });
    expect(server.requests).toHaveLength(2);

    const always = await streaming('anthropic', [stream(overloaded)], {}, 1);
    expect((await callTarget(always.target, goldenCase())).error).toEqual({
      kind: 'http_5xx',
      message: 'target candidate: the stream reported an error (overloaded_error): Overloaded',
    });
  });

  it('classifies a stream without message_stop, or dropped mid-way, as stream_cut', async () => {
    const body = anthropicStream(PIECES);
    const clean = await streaming(
      'anthropic',
      [stream(anthropicStream(PIECES, undefined, { cut: true }))],
      {},
      0,
    );
    expect((await callTarget(clean.target, goldenCase())).error).toEqual({
      kind: 'stream_cut',
      message: 'target candidate: the stream ended before message_stop: the answer is incomplete',
    });
    const dropped = await streaming(
      'anthropic',
      [(res) => writePieces(res, chop(body, 50).slice(0, 5), 'destroy'), stream(body)],
      {},
      1,
    );
    expect(await callTarget(dropped.target, goldenCase())).toMatchObject({
      output: ANSWER,
      attempts: 2,
    });
  });

  it('takes anthropic-version from api_version and the key as a Bearer when asked', async () => {
    const { server, target } = await streaming('anthropic', [stream(anthropicStream(['ok']))], {
      api_version: '2025-01-01',
      key_header: 'authorization',
    });
    await callTarget(target, goldenCase());
    const [req] = server.requests;
    expect(req!.headers['anthropic-version']).toBe('2025-01-01');
    expect(req!.headers.authorization).toBe('Bearer sk-stream-key');
    expect(req!.headers).not.toHaveProperty('x-api-key');
  });
});
