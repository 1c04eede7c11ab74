import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPiece } from '../helpers/leaks.js';
import { type Loopback, openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';
import { goldenJsonl, runWithOutputs, workspace } from '../helpers/workspace.js';

// Every place a run cuts text an endpoint sent (an HTTP error body at 160 characters, a stream
// error event at 160, a non-JSON reply at 80, a judge's reply at 80, a custom scorer's preview at
// 60) must mask the key in the whole text before cutting. Case i of each run puts the key at
// offset CUT - 20 + i of that text, so the cases walk the key across the cut; nothing the CLI
// writes or prints may hold any 8 characters of it.

const KEY = 'sk-live-0123456789abcdefSECRETxyz0987';
const N = 40;

let server: Loopback;

const caseIndex = (body: string): number => {
  const messages = (JSON.parse(body) as { messages: { content: string }[] }).messages;
  const m = /q(\d+)/.exec(messages.at(-1)!.content);
  return m ? Number(m[1]) : 0;
};
const keyAt = (offset: number) => `${'x'.repeat(offset)}${KEY} ${'tail '.repeat(40)}`;

beforeAll(async () => {
  let judged = 0;
  server = await startLoopback((req, res) => {
    const route = req.path.split('/')[1];
    if (route === 'judge') {
      sendJson(res, openAiReply(keyAt(60 + (judged++ % N))));
      return;
    }
    const i = caseIndex(req.body);
    if (route === 'ok') sendJson(res, openAiReply(`a${i}`));
    else if (route === 'http') {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>Error</h1><p>${keyAt(140 + i)}</p></body></html>`);
    } else if (route === 'nonjson') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(keyAt(60 + i));
    } else if (route === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ error: { message: keyAt(140 + i) } })}\n\n`);
    } else if (route === 'echo') sendJson(res, openAiReply(keyAt(30 + i)));
    else res.writeHead(404).end();
  });
});
afterAll(() => server.close());

function config(candidate: string, extra = ''): string {
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${server.url}/ok/v1
    model: base-model
    api_key_env: TEST_KEY
  candidate:
    type: openai
    base_url: ${server.url}/${candidate}
    model: cand-model
    api_key_env: TEST_KEY
budgets:
  quality: {max_drop: 0.02}
  error_rate: {max: 0.05}
gate:
  min_cases: 5
run:
  concurrency: 4
  retries: 0
  backoff_ms: 1
  timeout_ms: 5000
  max_consecutive_errors: ${N + 1}
${extra}`;
}

async function run(yaml: string, files: Record<string, string> = {}) {
  const dir = workspace({ 'evalgate.yml': yaml, 'golden.jsonl': goldenJsonl(N) });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const r = await runWithOutputs(dir, { TEST_KEY: KEY });
  expect([0, 1, 3], r.stderr).toContain(r.code);
  // A run the judge could not finish writes no report yet (another part of issue 9 adds one).
  const out = { stdout: r.stdout, stderr: r.stderr, ...r.files };
  expectNoPiece(out, [KEY]);
  return out;
}

const SCORERS = 'scorers:\n  - type: exact\n';

describe('a key across the cut, through the CLI', () => {
  it('an HTTP error body (cut at 160)', async () => {
    const out = await run(config('http/v1', SCORERS));
    expect(out.report).toContain('answered 500: Error xxxxxxxxxx');
    expect(out.junit).toContain('answered 500');
  });

  it('a 2xx reply that is not JSON (cut at 80)', async () => {
    const out = await run(config('nonjson/v1', SCORERS));
    expect(out.report).toContain('the reply is not JSON (starts with');
  });

  it('a stream error event (cut at 160)', async () => {
    const out = await run(
      config('stream/v1', SCORERS).replace(
        'model: cand-model',
        'model: cand-model\n    stream: true',
      ),
    );
    expect(out.report).toContain('the stream reported an error');
  });

  it("a judge's reply without a verdict (cut at 80)", async () => {
    const judge = `judge:
  type: openai
  base_url: ${server.url}/judge/v1
  model: judge-model
  api_key_env: TEST_KEY
scorers:
  - {type: llm_judge, name: graded, rubric: "Is it right?"}
`;
    const out = await run(config('ok/v1', judge));
    expect(out.report + out.stderr).toContain('did not answer with a JSON object');
  });

  it("a custom scorer's preview of what it returned (cut at 60)", async () => {
    const custom = 'scorers:\n  - {type: custom, name: echo, module: scorers/echo.mjs}\n';
    const out = await run(config('echo/v1', custom), {
      'scorers/echo.mjs': 'export default (output) => ({ score: output });\n',
    });
    expect(out.report).toContain('custom scorer');
  });
});
