import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createJudgeTarget } from '../../src/scorers/judge.js';
import type { Dialect } from '../../src/targets/dialect.js';
import { openAiDialect } from '../../src/targets/openai.js';
import { callTarget, type Target } from '../../src/targets/target.js';
import { createTransport } from '../../src/targets/transport.js';
import { createRedactor } from '../../src/util/redact.js';
import { goldenCase } from '../helpers/golden-case.js';
import { findPiece } from '../helpers/leaks.js';
import { type Loopback, openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';

// Error messages quote what an endpoint sent, cut to 160 or 80 characters. Each endpoint here
// puts the key at offset n - 1 of the text it sends on its n-th call, so 201 calls move the key
// across the cut one character at a time: no message may hold any 8 characters of it.

const KEY = 'sk-live-0123456789abcdefSECRETxyz0987';
const OFFSETS = 201;
const redact = createRedactor([KEY]);
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** The key at `offset` in text long enough to be cut. */
const quoting = (offset: number) => `${'x'.repeat(offset)}${KEY} ${'tail '.repeat(60)}`;

async function serve(reply: (res: http.ServerResponse, text: string) => void): Promise<Loopback> {
  const server = await startLoopback((_req, res, n) => reply(res, quoting(n - 1)));
  open.push(server);
  return server;
}

function target(dialect: Dialect): Target {
  const t: Target = {
    role: 'candidate',
    label: 'm',
    dialect,
    concurrency: 1,
    timeoutMs: 5_000,
    retries: 0,
    backoffBaseMs: 1,
    transport: createTransport(1),
    redact,
  };
  open.push(t.transport);
  return t;
}

const chat = (url: string, stream = false) =>
  openAiDialect({ baseUrl: `${url}/v1`, model: 'm', apiKey: KEY, templates: {}, stream });

/** Calls `t` once per offset; every call must fail, and no message may hold a piece of KEY. */
async function expectMaskedAtEveryOffset(t: Target, kind: string): Promise<string[]> {
  const messages: string[] = [];
  for (let offset = 0; offset < OFFSETS; offset++) {
    const r = await callTarget(t, goldenCase());
    expect(r.error?.kind).toBe(kind);
    const message = r.error!.message;
    expect(findPiece(message, [KEY]), `offset ${offset}: ${message}`).toBeUndefined();
    messages.push(message);
  }
  return messages;
}

describe('a key across the cut of an error excerpt', () => {
  it('an HTTP error body (cut at 160)', async () => {
    const server = await serve((res, text) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html><body><p>${text}</p></body></html>`);
    });
    const messages = await expectMaskedAtEveryOffset(target(chat(server.url)), 'http_5xx');
    expect(messages[0]).toMatch(/^target candidate answered 500: \*\*\* tail tail/);
    expect(messages[150]).toMatch(/^target candidate answered 500: x{150}\*\*\* tail/);
  });

  it('a stream error event, in its message (cut at 160) and its type (cut at 80)', async () => {
    const server = await serve((res, text) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ error: { type: text, message: text } })}\n\n`);
    });
    const messages = await expectMaskedAtEveryOffset(target(chat(server.url, true)), 'http_5xx');
    expect(messages[10]).toContain('the stream reported an error (xxxxxxxxxx***');
  });

  it('a 2xx body that is not JSON (cut at 80)', async () => {
    const server = await serve((res, text) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    const messages = await expectMaskedAtEveryOffset(target(chat(server.url)), 'bad_response');
    expect(messages[70]).toMatch(
      /^target candidate: the reply is not JSON \(starts with "x{70}\*\*\* tail/,
    );
  });

  function judgeAt(url: string): Target {
    const judge = createJudgeTarget(
      {
        type: 'openai',
        base_url: `${url}/v1`,
        model: 'judge-model',
        api_key_env: 'JUDGE_KEY',
      } as NonNullable<Config['judge']>,
      {
        configFile: 'evalgate.yaml',
        configDir: process.cwd(),
        env: { JUDGE_KEY: KEY },
        defaults: { concurrency: 1, timeoutMs: 5_000, retries: 0, backoffBaseMs: 1 },
      },
    );
    judge.redact = redact;
    open.push(judge.transport);
    return judge;
  }

  it("a judge's reply that holds no verdict (cut at 80)", async () => {
    const server = await serve((res, text) => sendJson(res, openAiReply(text)));
    const messages = await expectMaskedAtEveryOffset(judgeAt(server.url), 'bad_response');
    expect(messages[0]).toMatch(/did not answer with a JSON object \(starts with "\*\*\* tail/);
  });

  it("a judge's score that is not a number (cut at 80)", async () => {
    const server = await serve((res, text) =>
      sendJson(res, openAiReply(JSON.stringify({ score: text, pass: true }))),
    );
    const messages = await expectMaskedAtEveryOffset(judgeAt(server.url), 'bad_response');
    expect(messages[0]).toMatch(/the judge's score "\*\*\* tail tail .*… is not a number$/);
  });
});
