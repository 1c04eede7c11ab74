import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { seededDraw } from '../helpers/burst-endpoint.js';
import { type Loopback, openAiReply, type Received, startLoopback } from '../helpers/loopback.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// "How it is tested" (issue 3): a loopback endpoint where about 10% of calls fail in the ways
// real endpoints fail, and two identical targets. The gate must retry its way through all of it:
// exit 0, every case answered on both sides, no error left in the report.
//
// Faults are drawn per (model, input, attempt) from a seeded hash, not per arrival, so the same
// calls fail on every run whatever order the concurrent calls arrive in.

const SEED = 7;
const FAULT_RATE = 0.1;
const KINDS = [
  'rate_limit', // 429 with Retry-After: 0
  'http_500', // HTML error page
  'http_503', // HTML error page
  'reset', // connection dropped before any response
  'reset_mid_body', // status line and half a body, then the connection drops
  'truncated_json', // a complete 200 whose JSON body is cut short
  'hang', // no response at all: the client's timeout_ms has to end it
] as const;
type Kind = (typeof KINDS)[number];

const draw = (key: string) => seededDraw(SEED, key);

const html = (title: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>nginx</p></body></html>`;

let server: Loopback;
const attempts = new Map<string, number>();
const faults: { kind: Kind; model: string; input: string }[] = [];

function inject(kind: Kind, res: http.ServerResponse, req: Received, body: string): void {
  switch (kind) {
    case 'rate_limit':
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"error":{"message":"Rate limit reached","type":"requests"}}');
      return;
    case 'http_500':
    case 'http_503': {
      const status = kind === 'http_500' ? 500 : 503;
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(html(status === 500 ? '500 Internal Server Error' : '503 Service Unavailable'));
      return;
    }
    case 'reset':
      res.socket?.destroy();
      return;
    case 'reset_mid_body':
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.write(body.slice(0, body.length >> 1));
      setImmediate(() => res.socket?.destroy());
      return;
    case 'truncated_json': {
      const cut = body.slice(0, body.length >> 1);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(cut),
      });
      res.end(cut);
      return;
    }
    case 'hang':
      void req; // never answered; the client gives up after timeout_ms
      return;
  }
}

beforeAll(async () => {
  server = await startLoopback((req, res) => {
    const { model, messages } = JSON.parse(req.body) as {
      model: string;
      messages: { role: string; content: string }[];
    };
    const input = messages.at(-1)!.content;
    const key = `${model}\0${input}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const body = JSON.stringify(openAiReply(input.replace(/^q/, 'a')));
    const u = draw(`${key}\0${attempt}`);
    if (u < FAULT_RATE) {
      const kind = KINDS[Math.floor((u / FAULT_RATE) * KINDS.length)]!;
      faults.push({ kind, model, input });
      inject(kind, res, req, body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});
afterAll(() => server.close());

describe('a run through a faulty endpoint (10% of calls fail)', () => {
  it('passes an A/A comparison with no case lost and every fault retried', async () => {
    const n = 200;
    const cfg = baseConfig(`${server.url}/v1`)
      .replace('model: base-model', 'model: a-model')
      .replace('model: cand-model', 'model: b-model')
      .replace('retries: 2', 'retries: 4')
      // Long enough that a loaded CI machine never times out a healthy call (that would be an
      // extra retry and break the count below), short enough to keep the hangs cheap.
      .replace('timeout_ms: 5000', 'timeout_ms: 1500');
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(n) });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: dir,
      env: { TEST_KEY: 'sk-faults' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);

    // The draw really did inject every kind of fault, at about the rate intended.
    const kinds = new Set(faults.map((f) => f.kind));
    expect([...kinds].sort()).toEqual([...KINDS].sort());
    expect(faults.length / server.requests.length).toBeGreaterThan(0.05);
    expect(faults.length / server.requests.length).toBeLessThan(0.15);
    expect(server.requests.length).toBe(2 * n + faults.length);

    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.decision).toBe('pass');
    expect(report.incomplete).toBeUndefined();
    expect(report.cases).toHaveLength(n);
    for (const c of report.cases) {
      const i = c.id.replace('case-', '');
      for (const side of [c.baseline, c.candidate]) {
        expect(side).toMatchObject({ output: `a${i}`, pass: true, error: null });
      }
    }
    expect(report.targets.baseline?.error_rate).toBe(0);
    expect(report.targets.candidate?.error_rate).toBe(0);
    // Each fault cost exactly one retry, and no call gave up.
    expect(report.meta.calls).toMatchObject({
      planned: 2 * n,
      done: 2 * n,
      retries: faults.length,
      failed: 0,
    });
    expect(r.stderr).toMatch(/progress: 400\/400 calls \(100%\); \d+ retried/);
  }, 60_000);
});
