import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/schema.js';
import { createTarget, type TargetContext } from '../../src/targets/create.js';
import { callTarget } from '../../src/targets/target.js';
import { ERROR_BODY_BYTES } from '../../src/targets/transport.js';
import { goldenCase } from '../helpers/golden-case.js';
import { MIB_OF_TEXT, pour } from '../helpers/hostile-endpoint.js';
import { openAiReply } from '../helpers/loopback.js';
import { afterThisTest, type Script, scriptedServerForTest } from '../helpers/per-test.js';
import { chop, openAiStream, writePieces } from '../helpers/sse-endpoint.js';

// run.max_response_bytes and run.stream_idle_timeout_ms, plumbed the way the engine does it
// (createTarget's ctx defaults), against loopback servers that answer too much or too little.

const CAP = 64 * 1024;

async function target(
  scripts: Script[],
  o: { stream?: boolean; retries?: number; idleMs?: number; timeoutMs?: number; cap?: number } = {},
) {
  const server = await scriptedServerForTest(scripts);
  const ctx: TargetContext = {
    configFile: 'evalgate.yaml',
    configDir: '/nonexistent',
    env: { KEY: 'sk-limits-key' },
    defaults: {
      concurrency: 2,
      timeoutMs: o.timeoutMs ?? 10_000,
      retries: o.retries ?? 2,
      backoffBaseMs: 1,
      maxResponseBytes: o.cap ?? CAP,
      streamIdleTimeoutMs: o.idleMs,
    },
  };
  const cfg = {
    type: 'openai',
    base_url: `${server.url}/v1`,
    model: 'm',
    api_key_env: 'KEY',
    stream: o.stream ?? false,
    price: { input_per_mtok: 1, output_per_mtok: 1 },
  } as TargetConfig;
  const t = createTarget(cfg, 'candidate', ctx);
  afterThisTest(() => t.transport.close());
  return { server, target: t };
}

/** A body of `size` bytes, no content-length (chunked), poured from a reused chunk. */
const chunked =
  (size: number, contentType = 'application/json', status = 200): Script =>
  async (res) => {
    res.writeHead(status, { 'content-type': contentType });
    await pour(res, MIB_OF_TEXT.subarray(0, 16 * 1024), size);
  };

const TOO_LARGE = `target candidate: the reply exceeded run.max_response_bytes (${CAP} bytes) and was cut off; raise run.max_response_bytes in the config if answers this long are expected`;

describe('run.max_response_bytes', () => {
  it('fails a buffered reply past the cap as too_large, once: it is never retried', async () => {
    const { server, target: t } = await target([chunked(10 * 1024 * 1024)], { retries: 3 });
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({ output: null, attempts: 1, cost_usd: 0 });
    expect(r.error).toEqual({ kind: 'too_large', message: TOO_LARGE });
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once on a declared content-length past the cap', async () => {
    const { target: t } = await target([
      (res) => {
        // Announces 1 GiB and sends a few bytes: the client must not wait for the rest.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 ** 30 });
        res.write('{"choices":');
      },
    ]);
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('too_large');
  });

  it('reads a reply of exactly the cap', async () => {
    const text = JSON.stringify(openAiReply('x'));
    const body = text.replace('"x"', `"${'x'.repeat(CAP - text.length + 1)}"`);
    expect(Buffer.byteLength(body)).toBe(CAP);
    const { target: t } = await target([
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (const piece of chop(body, 1000)) res.write(piece);
        res.end();
      },
    ]);
    const r = await callTarget(t, goldenCase());
    expect(r.error).toBeNull();
    expect(r.output).toHaveLength(CAP - text.length + 1);
  });

  it('counts a stream as it arrives and cuts an endless one as too_large', async () => {
    const event = Buffer.from(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'ab' } }] })}\n\n`,
    );
    const { server, target: t } = await target(
      [
        async (res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          await pour(res, Buffer.concat(Array.from({ length: 100 }, () => event)));
        },
      ],
      { stream: true, retries: 2 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error).toEqual({ kind: 'too_large', message: TOO_LARGE });
    expect(r.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('cuts a stream that is one endless line with no line end as too_large', async () => {
    const { target: t } = await target(
      [
        async (res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: ');
          await pour(res, MIB_OF_TEXT);
        },
      ],
      { stream: true },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('too_large');
  });

  it('reads only the head of an endless error page: the call fails fast with its status', async () => {
    const { server, target: t } = await target(
      [chunked(Number.POSITIVE_INFINITY, 'text/html', 503)],
      { retries: 1, timeoutMs: 60_000 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('http_5xx');
    expect(r.error?.message).toMatch(/^target candidate answered 503: a{100}/);
    expect(r.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(ERROR_BODY_BYTES).toBeLessThan(CAP);
  });
});

describe('run.stream_idle_timeout_ms', () => {
  const body = openAiStream(['Hel', 'lo']);

  it('cuts a stream that goes silent as stream_cut, long before timeout_ms', async () => {
    const { target: t } = await target(
      [(res) => writePieces(res, chop(body, 30).slice(0, 2), 'hang')],
      { stream: true, retries: 0, idleMs: 200, timeoutMs: 60_000 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('stream_cut');
    expect(r.error?.message).toBe(
      'target candidate: the stream broke off after 60 bytes (nothing arrived for 200 ms (run.stream_idle_timeout_ms))',
    );
    expect(r.latency_ms).toBeLessThan(30_000);
  });

  it('retries an idle stream like any cut stream', async () => {
    const { server, target: t } = await target(
      [
        (res) => writePieces(res, chop(body, 30).slice(0, 1), 'hang'),
        (res) => writePieces(res, chop(body, 30)),
      ],
      { stream: true, retries: 1, idleMs: 200 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({ output: 'Hello', error: null, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('leaves alone a stream that keeps sending, however long it takes in total', async () => {
    // 20 pieces 50 ms apart: a second in all, never more than 50 ms of silence.
    const slow: Script = async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of chop(body, Math.ceil(body.length / 20))) {
        res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      res.end();
    };
    const { target: t } = await target([slow], { stream: true, retries: 0, idleMs: 500 });
    const r = await callTarget(t, goldenCase());
    expect(r).toMatchObject({ output: 'Hello', error: null });
  });

  it('does not apply to a reply that is not streamed', async () => {
    const { target: t } = await target(
      [
        async (res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"choices": [{"message": ');
          await new Promise((resolve) => setTimeout(resolve, 400));
          res.end('{"content": "late"}}]}');
        },
      ],
      { retries: 0, idleMs: 100 },
    );
    expect(await callTarget(t, goldenCase())).toMatchObject({ output: 'late', error: null });
  });
});

describe('a connection that breaks', () => {
  const body = openAiStream(['Hel', 'lo']);
  const half = chop(body, 40).slice(0, 3);

  it.each([
    ['closed (FIN)', (res: http.ServerResponse) => res.socket?.destroy()],
    ['reset (RST)', (res: http.ServerResponse) => res.socket?.resetAndDestroy()],
  ])('mid-stream, %s, is stream_cut', async (_label, breakIt) => {
    const { target: t } = await target(
      [
        async (res) => {
          await writePieces(res, half, 'hang');
          breakIt(res);
        },
      ],
      { stream: true, retries: 0 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('stream_cut');
    expect(r.error?.message).toMatch(/^target candidate: the stream broke off after 120 bytes/);
  });

  it.each([
    ['closed (FIN)', (res: http.ServerResponse) => void res.socket?.destroy()],
    ['reset (RST)', (res: http.ServerResponse) => void res.socket?.resetAndDestroy()],
  ])('before any status line, %s, is network', async (_label, breakIt) => {
    const { target: t } = await target([breakIt], { stream: true, retries: 0 });
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('network');
  });

  it('in the middle of a reply that is not streamed stays network', async () => {
    const { target: t } = await target(
      [
        (res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400 });
          res.write('{"choices": [', () => res.socket?.resetAndDestroy());
        },
      ],
      { retries: 0 },
    );
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe('network');
  });
});
