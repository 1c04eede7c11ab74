import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripControlChars } from '../../src/report/escape.js';
import type { Report } from '../../src/types.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { goldenJsonl, runWithOutputs, workspace } from '../helpers/workspace.js';

// A hostile-but-ordinary endpoint: OpenAI itself answers a bad key with "Incorrect API key
// provided: sk-…". Here the candidate's endpoint quotes the Authorization header it received in
// every error body, and the baseline is an http app whose URL carries a function key in its
// query and a password in its userinfo, and whose answers echo the query back. None of those
// values may reach anything the run writes or prints.

const API_KEY = 'sk-live-0123456789abcdefSECRET';
const FUNC_KEY = 'fk_9f8e7d6c5b4a3210zyxw';
const FUNC_PASS = 'pw-7c1d2e3f4a5b6c7d';
const SECRETS = [API_KEY, FUNC_KEY, FUNC_PASS];
const N = 12;

let server: Loopback;
/** The status the chat endpoint fails with: 400 (a case error) or 500 (an outage that stops). */
let failWith = 400;
/**
 * Instead of failing, the chat endpoint answers: the key in its text with characters inside
 * that every renderer drops (which would glue it back together), and as the name of an
 * argument of a tool call.
 */
let echoGlued = false;
const GLUED = [
  `${API_KEY.slice(0, 6)}\u0000${API_KEY.slice(6)}`,
  `${API_KEY.slice(0, 9)}\u001b[1m${API_KEY.slice(9)}`,
  `${API_KEY.slice(0, 3)}\u202e${API_KEY.slice(3, 12)}\u0085${API_KEY.slice(12)}`,
];

beforeAll(async () => {
  server = await startLoopback((req, res) => {
    if (req.path.startsWith('/v1/chat/completions') && echoGlued) {
      sendJson(res, {
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: `as you said: ${GLUED.join(' and ')}`,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: {
                    name: 'lookup',
                    arguments: JSON.stringify({ [`Bearer ${API_KEY}`]: 1 }),
                  },
                },
              ],
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 3 },
      });
      return;
    }
    if (req.path.startsWith('/v1/chat/completions')) {
      sendJson(
        res,
        {
          error: {
            message: `Incorrect API key provided: ${req.headers.authorization}`,
            type: 'invalid_request_error',
          },
        },
        failWith,
      );
      return;
    }
    // The app answers, quoting its own URL (with the function key) and auth header back.
    const input = (JSON.parse(req.body) as { input: string }).input;
    sendJson(res, {
      answer: `a${input.slice(1)} via ${req.path} as ${req.headers.authorization ?? ''}`,
    });
  });
});

afterAll(() => server.close());

// `$${...}` is the config's own syntax: the CLI substitutes these from its environment.
function config(port: string, maxErrors: number): string {
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: http
    url: "http://app:\${FUNC_PASS}@127.0.0.1:${port}/api/answer?code=\${FUNC_KEY}&v=2"
    output: answer
  candidate:
    type: openai
    base_url: http://127.0.0.1:${port}/v1
    model: cand-model
    api_key_env: TEST_KEY
scorers:
  - type: exact
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
  max_consecutive_errors: ${maxErrors}
`;
}

/** `maxErrors` below N lets the failing baseline stop the run; above, every case is reported. */
async function run(maxErrors: number, extraArgs: string[] = []) {
  const port = new URL(server.url).port;
  const dir = workspace({
    'evalgate.yml': config(port, maxErrors),
    'golden.jsonl': goldenJsonl(N),
  });
  const r = await runWithOutputs(dir, { TEST_KEY: API_KEY, FUNC_KEY, FUNC_PASS }, [
    '--concurrency',
    '1',
    ...extraArgs,
  ]);
  if (r.code === 2) throw new Error(r.stderr);
  return { ...r, dir };
}

function expectNoSecret(out: Record<string, string>): void {
  for (const [where, text] of Object.entries(out)) {
    for (const s of SECRETS) {
      expect(text.includes(s), `${where} contains a secret`).toBe(false);
    }
  }
}

describe('secrets echoed by endpoints', () => {
  it('an error body quoting the key, and an output quoting the url, are masked everywhere', async () => {
    failWith = 400;
    const r = await run(N + 1);
    // Every candidate call failed: the error-rate budget blocks, and the failed cases (with
    // their error text) are listed in the summary and the JUnit file.
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.files.report) as Report;
    expect(report.incomplete).toBeUndefined();
    // The echo really happened: the endpoint's text is there, with the key masked.
    const err = report.cases[0]!.candidate!.error!;
    expect(err.message).toContain('Incorrect API key provided: Bearer ***');
    expect(report.cases[0]!.baseline!.output).toContain('code=***');
    expect(r.files.summary).toContain('Incorrect API key provided');
    expect(r.files.junit).toContain('Incorrect API key provided');
    // The http target is named by origin and path: no userinfo, no query.
    expect(report.meta.models.baseline).toBe(`${server.url}/api/answer`);
    // The summary breaks autolinks with a zero-width space after the scheme.
    expect(r.files.summary!.replaceAll('&#8203;', '')).toContain(`${server.url}/api/answer`);
    expectNoSecret({ stdout: r.stdout, stderr: r.stderr, ...r.files });
  });

  it('an outage quoting the key stops the run with a masked "last error"', async () => {
    failWith = 500;
    const r = await run(3);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.files.report) as Report;
    expect(report.incomplete).toBe(true);
    expect(report.incomplete_reason).toMatch(
      /last error: .*Incorrect API key provided: Bearer \*\*\*/,
    );
    expect(r.stderr).toContain('Incorrect API key provided: Bearer ***');
    expectNoSecret({ stdout: r.stdout, stderr: r.stderr, ...r.files });
  });

  it('a key split by characters a renderer drops, or used as a tool argument name, is masked everywhere', async () => {
    echoGlued = true;
    try {
      const r = await run(N + 1, ['--show', 'all', '--csv', 'cases.csv', '--html', 'page.html']);
      expect(r.code, r.stderr).toBeLessThanOrEqual(1);
      const report = JSON.parse(r.files.report) as Report;
      expect(report.cases[0]!.candidate!.output).toBe('as you said: *** and *** and ***');
      expect(report.cases[0]!.candidate!.tool_calls?.[0]?.arguments).toEqual({ 'Bearer ***': 1 });
      const files = {
        ...r.files,
        csv: readFileSync(path.join(r.dir, 'cases.csv'), 'utf8'),
        html: readFileSync(path.join(r.dir, 'page.html'), 'utf8'),
      };
      // As each is rendered, the dropped characters gone: still no key.
      const shown = Object.fromEntries(
        Object.entries({ stdout: r.stdout, stderr: r.stderr, ...files }).map(([k, v]) => [
          k,
          stripControlChars(v),
        ]),
      );
      expectNoSecret(shown);
    } finally {
      echoGlued = false;
    }
  });
});
