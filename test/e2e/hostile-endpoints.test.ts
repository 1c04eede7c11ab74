import { existsSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorKind, Report } from '../../src/types.js';
import { MIB_OF_TEXT, nestedJson, pour } from '../helpers/hostile-endpoint.js';
import { type Loopback, openAiReply, sendJson, startLoopback } from '../helpers/loopback.js';
import { chop, openAiStream, writePieces } from '../helpers/sse-endpoint.js';
import { CLI, goldenJsonl, ROOT, runNode, workspace } from '../helpers/workspace.js';

// The hostile endpoints of issue 9, each as the candidate of a real CLI run (dist/cli.js) against
// a loopback server, with a well-behaved baseline. Every run must end on its own with a report
// on disk, the affected answers failed with the right error kind, the process's peak memory
// bounded, and the key nowhere in what it printed or wrote.
//
// Every candidate answer fails, so each run is expected to exit 1 (blocked): the error_rate
// ceiling (5%) is exceeded with certainty by 3 failed calls out of 3 (and quality drops to 0).
// That is a decision, not a crash: the calls were made, judged and reported.

const KEY = 'sk-test-hostile-5e3a9c0d41b7f2a6';
const CASES = 3;
// These runs peak at 60-90 MB here; a body buffered whole would be gigabytes.
const MAX_RSS_MB = 200;
// The preload the benchmark uses: writes the process's peak RSS when it exits.
const RUSAGE = path.join(ROOT, 'bench/rusage.mjs');

let server: Loopback;

/** The candidate's behaviour, by the first path segment of its URL. */
const hostile: Record<string, (res: http.ServerResponse, body: string) => void | Promise<void>> = {
  // Content events forever, never [DONE].
  'endless-sse': async (res) => {
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'la ' } }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    await pour(res, Buffer.from(event.repeat(2000)));
  },
  // 600 MB of one answer, chunked: no length announced, the client must count.
  'body-600mb': async (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"choices":[{"index":0,"message":{"role":"assistant","content":"');
    await pour(res, MIB_OF_TEXT, 600 * 1024 * 1024);
  },
  // A valid 200 MB answer with its length announced.
  'answer-200mb': async (res) => {
    const head = '{"choices":[{"index":0,"message":{"role":"assistant","content":"';
    const tail = '"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}';
    const size = 200 * 1024 * 1024;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': head.length + size + tail.length,
    });
    res.write(head);
    await pour(res, MIB_OF_TEXT, size, false);
    if (!res.destroyed) res.end(tail);
  },
  'usage-1e308': (res, body) => {
    const input = (JSON.parse(body) as { messages: { content: string }[] }).messages.at(-1)!;
    sendJson(
      res,
      openAiReply(input.content.replace('q', 'a'), {
        prompt_tokens: 1e308,
        completion_tokens: 1e308,
      }),
    );
  },
  // The http dialect's output path holds JSON nested 10,000 levels.
  'deep-json': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"answer": ${nestedJson(10_000)}}`);
  },
  // A few events, then a TCP reset.
  'reset-mid-stream': async (res) => {
    await writePieces(res, chop(openAiStream(['a', 'b']), 60).slice(0, 3), 'hang');
    res.socket?.resetAndDestroy();
  },
  // A few events, then silence with the connection held open.
  'idle-stream': (res) => writePieces(res, chop(openAiStream(['a', 'b']), 60).slice(0, 3), 'hang'),
};

beforeAll(async () => {
  server = await startLoopback((req, res) => {
    const name = req.path.split('/')[1]!;
    const behave = hostile[name];
    if (behave) return behave(res, req.body);
    // The baseline: the expected answer at once.
    const { messages } = JSON.parse(req.body) as { messages: { content: string }[] };
    sendJson(res, openAiReply(messages.at(-1)!.content.replace('q', 'a')));
  });
});
afterAll(() => server.close());

function config(candidate: string, run = '', baselinePath = 'good'): string {
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${server.url}/${baselinePath}/v1
    model: base-model
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}
  candidate:
${candidate}
scorers:
  - type: exact
budgets:
  quality: {max_drop: 0.02}
  error_rate: {max: 0.05}
  cost: {max_increase: 10%}
  latency_p95: {max_increase: 50%}
gate:
  min_cases: 2
run:
  concurrency: 4
  retries: 0
  backoff_ms: 1
  timeout_ms: 20000
  max_consecutive_errors: 10
${run}`;
}

const openaiCandidate = (name: string, extra = '') => `    type: openai
    base_url: ${server.url}/${name}/v1
    model: cand-model
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}
${extra}`;

interface Outcome {
  code: number;
  report: Report;
  seconds: number;
  rssMb: number;
}

async function runHostile(
  name: string,
  candidate: string,
  run = '',
  baselinePath = 'good',
): Promise<Outcome> {
  const dir = workspace({
    'evalgate.yaml': config(candidate, run, baselinePath),
    'golden.jsonl': goldenJsonl(CASES),
  });
  const rusage = path.join(dir, 'rusage.json');
  const started = performance.now();
  const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
    cwd: dir,
    env: { TEST_KEY: KEY, EVALGATE_BENCH_RUSAGE: rusage },
    nodeArgs: ['--import', RUSAGE],
  });
  const seconds = (performance.now() - started) / 1000;
  const reportFile = path.join(dir, 'evalgate-report.json');
  expect(existsSync(reportFile), `no report; exit ${r.code}, stderr:\n${r.stderr}`).toBe(true);
  const reportText = readFileSync(reportFile, 'utf8');
  const rssMb = (JSON.parse(readFileSync(rusage, 'utf8')) as { max_rss_mb: number }).max_rss_mb;
  // The figures the issue asks for, in the test log.
  console.info(
    `hostile ${name}: exit ${r.code}, ${seconds.toFixed(2)} s, peak RSS ${rssMb.toFixed(0)} MB, report ${reportText.length} bytes`,
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/internal error/i);
  for (const text of [r.stdout, r.stderr, reportText]) expect(text).not.toContain(KEY);
  expect(rssMb).toBeLessThan(MAX_RSS_MB);
  return { code: r.code, report: JSON.parse(reportText) as Report, seconds, rssMb };
}

/** Every case is in the report, the baseline answered, the candidate failed with `kind`. */
function expectCandidateFailed(
  o: Outcome,
  kind: ErrorKind,
  message?: RegExp,
  baselineToo = false,
): void {
  expect(o.code).toBe(1);
  expect(o.report.decision).toBe('fail');
  expect(o.report.cases).toHaveLength(CASES);
  for (const c of o.report.cases) {
    if (baselineToo) expect(c.baseline?.error?.kind).toBe(kind);
    else expect(c.baseline?.error).toBeNull();
    expect(c.candidate?.output).toBeNull();
    expect(c.candidate?.error?.kind).toBe(kind);
    if (message) expect(c.candidate?.error?.message).toMatch(message);
  }
  for (const side of [o.report.targets.baseline, o.report.targets.candidate]) {
    for (const v of [side?.cost_usd, side?.input_tokens, side?.latency_ms.p99]) {
      expect(Number.isFinite(v)).toBe(true);
    }
  }
}

const TOO_LARGE = /exceeded run\.max_response_bytes \(4194304 bytes\)/;

describe('hostile endpoints through the CLI', () => {
  it('an endless SSE stream is cut at run.max_response_bytes as too_large', async () => {
    // A cap set in the config, so this also shows run.max_response_bytes reaching the transport.
    const o = await runHostile(
      'endless-sse',
      openaiCandidate('endless-sse', '    stream: true'),
      '  max_response_bytes: 1048576',
    );
    expectCandidateFailed(o, 'too_large', /exceeded run\.max_response_bytes \(1048576 bytes\)/);
  }, 60_000);

  it('a 600 MB body is cut at run.max_response_bytes without being held', async () => {
    const o = await runHostile('body-600mb', openaiCandidate('body-600mb'));
    expectCandidateFailed(o, 'too_large', TOO_LARGE);
  }, 60_000);

  it('three 200 MB answers are too_large under the default cap', async () => {
    const o = await runHostile('answer-200mb', openaiCandidate('answer-200mb'));
    expectCandidateFailed(o, 'too_large', TOO_LARGE);
  }, 60_000);

  it('JSON nested 10,000 levels at an http output path is a bad_response, not a stack overflow', async () => {
    const o = await runHostile(
      'deep-json',
      `    type: http
    url: ${server.url}/deep-json
    api_key_env: TEST_KEY
    output: answer
    price: {input_per_mtok: 1, output_per_mtok: 2}`,
    );
    expectCandidateFailed(o, 'bad_response', /nested more than 100 levels deep/);
  }, 60_000);

  it('a usage claiming 1e308 tokens is a bad_response; no NaN reaches cost or statistics', async () => {
    // Both sides claim it, as in the issue: ∞ cost on both sides was ∞/∞ = NaN in the cost
    // comparison, and the run died in quantileInPlace.
    const o = await runHostile('usage-1e308', openaiCandidate('usage-1e308'), '', 'usage-1e308');
    expectCandidateFailed(
      o,
      'bad_response',
      /implausible usage: usage\.prompt_tokens is 1e\+308/,
      true,
    );
    expect(o.report.targets.candidate?.cost_usd).toBe(0);
    expect(o.report.targets.baseline?.cost_usd).toBe(0);
  }, 60_000);

  it('a connection reset mid-stream is stream_cut', async () => {
    const o = await runHostile(
      'reset-mid-stream',
      openaiCandidate('reset-mid-stream', '    stream: true'),
    );
    expectCandidateFailed(o, 'stream_cut', /the stream broke off after 180 bytes/);
  }, 60_000);

  it('a stream that goes silent is cut after run.stream_idle_timeout_ms as stream_cut', async () => {
    const o = await runHostile(
      'idle-stream',
      openaiCandidate('idle-stream', '    stream: true'),
      '  stream_idle_timeout_ms: 300',
    );
    expectCandidateFailed(o, 'stream_cut', /nothing arrived for 300 ms/);
    // timeout_ms is 20 s: only the idle timeout can have ended these calls this soon.
    expect(o.seconds).toBeLessThan(15);
  }, 60_000);
});
