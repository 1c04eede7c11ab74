import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, SideResult } from '../../src/types.js';
import { type Loopback, startLoopback } from '../helpers/loopback.js';
import { anthropicStream, chop, openAiStream, writePieces } from '../helpers/sse-endpoint.js';
import { CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The CLI bundle as a process (run `npm run build` first). Streaming: one loopback server that
// streams both dialects, the baseline speaking OpenAI and the candidate Anthropic. Then an http
// target using GET, with the case in its url.

let server: Loopback;
const KEY = 'sk-e2e-stream-secret';

beforeAll(async () => {
  server = await startLoopback(async (req, res) => {
    const body = JSON.parse(req.body) as { messages: { role: string; content: string }[] };
    const question = body.messages.at(-1)?.content ?? '';
    // Case qN is answered aN, in one piece per character: output_tokens > 1, so tpot exists.
    const pieces = [...question.replace(/^q/, 'a')];
    const text = req.path.endsWith('/chat/completions')
      ? openAiStream(pieces, { prompt_tokens: 7, completion_tokens: pieces.length })
      : anthropicStream(pieces, { input_tokens: 9, output_tokens: pieces.length });
    await writePieces(res, chop(text, 64));
  });
});
afterAll(() => server.close());

const config = (url: string, candidateStream = true) => `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${url}/v1
    model: gpt-stream
    api_key_env: TEST_KEY
    stream: true
  candidate:
    type: anthropic
    base_url: ${url}
    model: claude-stream
    api_key_env: TEST_KEY
    stream: ${candidateStream}
scorers:
  - type: exact
budgets:
  quality: {max_drop: 0.02}
gate:
  min_cases: 30
run:
  concurrency: 4
  retries: 1
  backoff_ms: 1
  timeout_ms: 5000
`;

function read(dir: string): Report {
  return JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')) as Report;
}

describe('evalgate run with stream: true (CLI bundle)', () => {
  it('reports ttft_ms and tpot_ms per case and per target, for both dialects', async () => {
    const dir = workspace({ 'evalgate.yaml': config(server.url), 'golden.jsonl': goldenJsonl(40) });
    const before = server.requests.length;
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: dir,
      env: { TEST_KEY: KEY },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(server.requests.length - before).toBe(80);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);

    const report = read(dir);
    expect(report.decision).toBe('pass');
    for (const side of ['baseline', 'candidate'] as const) {
      const t = report.targets[side]!;
      expect(t).toMatchObject({ cases: 40, quality: 1, error_rate: 0 });
      expect(Object.keys(t.ttft_ms!)).toEqual(['p50', 'p95']);
      expect(Object.keys(t.tpot_ms!)).toEqual(['p50', 'p95']);
      expect(t.ttft_ms!.p50).toBeLessThanOrEqual(t.ttft_ms!.p95);
      expect(t.ttft_ms!.p95).toBeLessThanOrEqual(t.latency_ms.p99);
      for (const c of report.cases) {
        const s = c[side] as SideResult;
        expect(s.output).toBe(c.id.replace('case-', 'a'));
        expect(s.ttft_ms).toBeGreaterThanOrEqual(0);
        expect(s.ttft_ms).toBeLessThanOrEqual(s.latency_ms);
        expect(s.tpot_ms).toBeGreaterThanOrEqual(0);
        expect(s.output_tokens).toBe(s.output!.length);
      }
    }
    expect(report.cases.find((c) => c.id === 'case-12')?.candidate).toMatchObject({
      output: 'a12',
      input_tokens: 9,
      output_tokens: 3,
    });
    const streamedPaths = server.requests.slice(before).map((q) => JSON.parse(q.body).stream);
    expect(streamedPaths.every((s) => s === true)).toBe(true);
  });

  it('leaves ttft_ms and tpot_ms out for a target that does not stream', async () => {
    // This server streams only to requests that ask for it: the baseline still streams, the
    // candidate (stream: false) gets a whole Anthropic reply.
    const plain = await startLoopback(async (req, res) => {
      const body = JSON.parse(req.body) as {
        stream?: boolean;
        messages: { content: string }[];
      };
      const answer = (body.messages.at(-1)?.content ?? '').replace(/^q/, 'a');
      if (body.stream) {
        await writePieces(res, [openAiStream([...answer])]);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          content: [{ type: 'text', text: answer }],
          usage: { input_tokens: 9, output_tokens: 2 },
        }),
      );
    });
    try {
      const dir = workspace({
        'evalgate.yaml': config(plain.url, false),
        'golden.jsonl': goldenJsonl(30),
      });
      const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
        cwd: dir,
        env: { TEST_KEY: KEY },
      });
      expect(r.code).toBe(0);
      const report = read(dir);
      expect(report.targets.baseline?.ttft_ms).toBeDefined();
      expect(report.targets.candidate).not.toHaveProperty('ttft_ms');
      expect(report.targets.candidate).not.toHaveProperty('tpot_ms');
      expect(report.cases[0]!.candidate).not.toHaveProperty('ttft_ms');
      expect(report.cases[0]!.baseline).toHaveProperty('ttft_ms');
    } finally {
      await plain.close();
    }
  });
});

describe('evalgate run with an http target using GET (CLI bundle)', () => {
  const getConfig = (url: string) => `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: http
    method: GET
    url: ${url}
    output: answer.text
  candidate:
    type: http
    method: GET
    url: ${url}
    output: answer.text
scorers:
  - type: exact
gate:
  min_cases: 30
run:
  concurrency: 4
  retries: 0
`;

  it('sends each case in the URL-encoded query and scores the answers', async () => {
    const app = await startLoopback((req, res) => {
      const q = new URL(req.path, 'http://x').searchParams.get('q') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer: { text: q.replace(/^q/, 'a') } }));
    });
    try {
      const dir = workspace({
        'evalgate.yaml': getConfig(`${app.url}/ask?q={{input}}&tag={{vars.t}}`),
        'golden.jsonl': Array.from({ length: 30 }, (_, i) =>
          JSON.stringify({ id: `c${i}`, input: `q${i}`, expected: `a${i}`, vars: { t: 'a&b c' } }),
        ).join('\n'),
      });
      const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(read(dir).targets.candidate).toMatchObject({ quality: 1, error_rate: 0 });
      expect(app.requests).toHaveLength(60);
      expect(app.requests.every((q) => q.method === 'GET' && q.body === '')).toBe(true);
      expect(app.requests.map((q) => q.path)).toContain('/ask?q=q7&tag=a%26b%20c');
    } finally {
      await app.close();
    }
  });

  it('rejects a GET url without the case in it: exit 2, nothing sent', async () => {
    const app = await startLoopback((_req, res) => {
      res.end('{}');
    });
    try {
      const dir = workspace({
        'evalgate.yaml': getConfig(`${app.url}/ask`),
        'golden.jsonl': goldenJsonl(30),
      });
      const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('evalgate.yaml (targets.baseline.url): with method GET');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(app.requests).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
