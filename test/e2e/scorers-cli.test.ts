import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type Loopback, type Received, sendJson, startLoopback } from '../helpers/loopback.js';
import { CLI, runNode, workspace } from '../helpers/workspace.js';

// One loopback server plays every endpoint of a run that uses the model-graded scorers:
//   /v1/chat/completions for model base-model / cand-model: the targets;
//   /v1/chat/completions for model judge-model: the judge (reference in the answer → 1, else 0.3);
//   /v1/embeddings: letter-frequency vectors, so similar texts have a high cosine.
// The candidate regresses on two cases: it drops "30 days" from refund-2 and mislabels sad-1.

const FIXTURES = fileURLToPath(new URL('../scorers/fixtures', import.meta.url));
const KEY = 'sk-e2e-scorers-secret-value';

const ANSWERS: Record<string, { base: string; cand: string }> = {
  'Can I get a refund?': { base: 'Yes, within 30 days.', cand: 'Yes, within 30 days.' },
  'Refund for the pro plan?': {
    base: 'Yes, within 30 days on pro.',
    cand: 'Please contact support.',
  },
  'Order 7 as JSON': {
    base: 'Here:\n```json\n{"id": 7, "email": "a@b.co", "items": ["tea"]}\n```',
    cand: '```json\n{"id": 7, "email": "a@b.co", "items": ["tea"]}\n```',
  },
  'Sentiment: I love it': { base: 'Positive', cand: '**positive**.' },
  'Sentiment: awful service': { base: 'negative', cand: 'Positive' },
  'Summarise: cat on mat': { base: 'the cat sat on the mat', cand: 'a cat sat on the mat' },
};

const GOLDEN: Record<string, unknown>[] = [
  {
    id: 'refund-1',
    input: 'Can I get a refund?',
    expected: 'within 30 days',
    vars: { plan: 'basic' },
  },
  {
    id: 'refund-2',
    input: 'Refund for the pro plan?',
    expected: 'within 30 days',
    vars: { plan: 'pro' },
  },
  {
    id: 'order-json',
    input: 'Order 7 as JSON',
    expected: '{"id": 7}',
    vars: { plan: 'any' },
    assert: [
      {
        type: 'json_schema',
        schema: { file: 'order.schema.json' },
        normalize: { strip_fence: true },
      },
    ],
  },
  {
    id: 'happy-1',
    input: 'Sentiment: I love it',
    expected: 'positive',
    vars: { plan: 'any' },
    assert: [{ type: 'classification', labels: ['positive', 'negative'] }],
  },
  {
    id: 'sad-1',
    input: 'Sentiment: awful service',
    expected: 'negative',
    vars: { plan: 'any' },
    assert: [{ type: 'classification', labels: ['positive', 'negative'] }],
  },
  {
    id: 'summary',
    input: 'Summarise: cat on mat',
    expected: 'the cat sat on the mat',
    vars: { plan: 'any' },
    assert: [{ type: 'rouge_l' }, { type: 'bleu' }],
  },
];

function letterVector(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]!++;
  }
  return v;
}

let server: Loopback;
/** How the judge answers: per run, by the test. */
let judgeMode: 'grade' | 'garbage' | 'down' = 'grade';
const embedded: string[] = [];

function chatReply(res: http.ServerResponse, content: string) {
  sendJson(res, {
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 20 },
  });
}

function handle(req: Received, res: http.ServerResponse) {
  const body = JSON.parse(req.body) as {
    model: string;
    messages?: { role: string; content: string }[];
    input?: string[];
  };
  if (req.path === '/v1/embeddings') {
    embedded.push(...body.input!);
    sendJson(res, {
      data: body.input!.map((t, index) => ({ index, embedding: letterVector(t) })),
      usage: { prompt_tokens: body.input!.length * 5 },
    });
    return;
  }
  const user = body.messages!.filter((m) => m.role === 'user').at(-1)!.content;
  if (body.model === 'judge-model') {
    if (judgeMode === 'down') return sendJson(res, { error: 'judge down' }, 503);
    if (judgeMode === 'garbage' && user.includes('Please contact support')) {
      return chatReply(res, 'I would rather not say.');
    }
    const answer = /<answer>\n([\s\S]*)\n<\/answer>/.exec(user)![1]!;
    const reference = /<reference>\n([\s\S]*?)\n<\/reference>/.exec(user)?.[1] ?? '';
    const good = answer.toLowerCase().includes(reference.toLowerCase());
    return chatReply(
      res,
      good
        ? '{"score": 1, "pass": true, "reason": "matches the reference"}'
        : 'Grade:\n```json\n{"score": "3/10", "pass": false, "reason": "misses the reference"}\n```',
    );
  }
  const pick = ANSWERS[user];
  if (!pick) return sendJson(res, { error: `unknown input ${user}` }, 400);
  return chatReply(res, body.model === 'cand-model' ? pick.cand : pick.base);
}

beforeAll(async () => {
  server = await startLoopback(handle);
});
afterAll(() => server.close());

function config(
  extra = '',
  run = 'run: {concurrency: 4, retries: 1, backoff_ms: 1, timeout_ms: 5000}',
) {
  const target = (model: string) => `    type: openai
    base_url: ${server.url}/v1
    model: ${model}
    api_key_env: TEST_KEY
    price: {input_per_mtok: 1, output_per_mtok: 2}`;
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
${target('base-model')}
  candidate:
${target('cand-model')}
judge:
  type: openai
  base_url: ${server.url}/v1
  model: judge-model
  api_key_env: TEST_KEY
  concurrency: 2
  price: {input_per_mtok: 5, output_per_mtok: 15}
embeddings:
  type: openai
  base_url: ${server.url}/v1
  model: embed-model
  api_key_env: TEST_KEY
  batch_size: 8
  price: {input_per_mtok: 0.02, output_per_mtok: 0}
scorers:
  - {type: llm_judge, name: judge, rubric: {file: rubric.md}}
  - {type: embedding_similarity, name: similar, threshold: 0.5}
  - {type: custom, name: short, module: scorers/short.mjs}
budgets:
  quality: {max_drop: 0.5}
  error_rate: {max: 0.5}
gate: {min_cases: 100}
${run}
${extra}`;
}

function setup(cfg = config(), golden: Record<string, unknown>[] = GOLDEN) {
  const dir = workspace({
    'evalgate.yaml': cfg,
    'golden.jsonl': golden.map((g) => JSON.stringify(g)).join('\n'),
    'rubric.md': readFileSync(path.join(FIXTURES, 'rubric.md'), 'utf8'),
  });
  copyFileSync(path.join(FIXTURES, 'order.schema.json'), path.join(dir, 'order.schema.json'));
  mkdirSync(path.join(dir, 'scorers'));
  writeFileSync(
    path.join(dir, 'scorers/short.mjs'),
    // A custom scorer as a user would write it (a plain string: the template is the module's).
    [
      'export default async (output, testCase) => ({',
      '  score: output.length <= 80 ? 1 : 0,',
      "  reason: String(output.length) + ' chars for ' + testCase.id,",
      '});',
      '',
    ].join('\n'),
  );
  return dir;
}

const env = { TEST_KEY: KEY };
const run = (dir: string, args: string[] = []) =>
  runNode(CLI, ['run', '--config', 'evalgate.yaml', ...args], { cwd: dir, env });
const readReport = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')) as Report;

describe('model-graded, embedding, custom and JSON Schema scorers through the CLI bundle', () => {
  it('scores a golden set end to end and reports scores, reasons, judge cost and classification', async () => {
    judgeMode = 'grade';
    embedded.length = 0;
    const dir = setup();
    const before = server.requests.length;
    const r = await run(dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0); // 6 cases < min_cases: inconclusive, which passes by default
    const report = readReport(dir);
    const byId = Object.fromEntries(report.cases.map((c) => [c.id, c]));

    // refund-2: the judge saw the candidate drop the refund window.
    expect(byId['refund-2']!.candidate).toMatchObject({
      pass: false,
      scores: { judge: 0.3, short: 1 },
      reasons: { judge: 'misses the reference', short: '23 chars for refund-2' },
      judge: {
        calls: 1,
        input_tokens: 100,
        output_tokens: 20,
        cost_usd: (100 * 5 + 20 * 15) / 1e6,
      },
      error: null,
    });
    expect(byId['refund-1']!.baseline).toMatchObject({
      pass: true,
      scores: { judge: 1, short: 1 },
    });
    expect(byId['refund-1']!.baseline!.scores.similar).toBeGreaterThan(0.5);
    // The target's cost is the target's alone: 100 input + 20 output tokens at $1 / $2 per Mtok.
    expect(byId['refund-1']!.baseline!.cost_usd).toBeCloseTo(140 / 1e6, 12);

    // json_schema on a fenced answer, with strip_fence.
    expect(byId['order-json']!.baseline!.scores.json_schema).toBe(1);
    expect(byId['order-json']!.candidate!.scores.json_schema).toBe(1);

    // rouge_l and bleu on the summary: "a cat sat on the mat" vs "the cat sat on the mat".
    expect(byId.summary!.baseline!.scores).toMatchObject({ rouge_l: 1, bleu: 1 });
    expect(byId.summary!.candidate!.scores.rouge_l).toBeCloseTo(5 / 6, 12);
    // 13a tokens: 5/6, 4/5, 3/4, 2/3 → (1/3)^(1/4)
    expect(byId.summary!.candidate!.scores.bleu).toBeCloseTo((1 / 3) ** 0.25, 12);

    // Classification per target: the candidate calls sad-1 positive.
    expect(report.targets.baseline!.classification).toEqual({
      cases: 2,
      accuracy: 1,
      macro_f1: 1,
      labels: ['negative', 'positive'],
      confusion: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(report.targets.candidate!.classification).toMatchObject({
      accuracy: 0.5,
      labels: ['negative', 'positive'],
      confusion: [
        [0, 1],
        [0, 1],
      ],
    });
    // F1: negative 0, positive 2·1/(2+1+0) = 2/3 → macro 1/3
    expect(report.targets.candidate!.classification!.macro_f1).toBeCloseTo(1 / 3, 12);

    // Judge cost per side and for the run; embeddings for the run.
    expect(report.targets.baseline!.judge).toEqual({
      calls: 6,
      input_tokens: 600,
      output_tokens: 120,
      cost_usd: expect.closeTo((600 * 5 + 120 * 15) / 1e6, 12),
    });
    expect(report.scoring!.judge).toMatchObject({ calls: 12, errors: 0 });
    expect(report.scoring!.embeddings).toMatchObject({ errors: 0 });
    // Each expected text was embedded once for the whole run, however many sides used it.
    for (const g of GOLDEN) expect(embedded.filter((t) => t === g.expected)).toHaveLength(1);
    expect(report.scoring!.embeddings!.texts).toBe(embedded.length);

    // Every request: 12 target calls, 12 judge calls, and the embedding batches.
    const mine = server.requests.slice(before);
    const judgeCalls = mine.filter((q) => q.body.includes('"judge-model"'));
    expect(judgeCalls).toHaveLength(12);
    for (const q of judgeCalls) {
      const body = JSON.parse(q.body) as {
        response_format: unknown;
        messages: { content: string }[];
      };
      expect(body.response_format).toEqual({ type: 'json_object' });
      expect(body.messages[1]!.content).toMatch(
        /<rubric>\nGrade the answer for the (basic|pro|any) plan\./,
      );
    }
    expect(mine.filter((q) => q.path === '/v1/embeddings').length).toBe(
      report.scoring!.embeddings!.calls,
    );

    // The key never reaches the report or the console.
    expect(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')).not.toContain(KEY);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('makes a judge that never answers properly an error of kind judge, outside the error rate', async () => {
    judgeMode = 'garbage';
    const dir = setup();
    const r = await run(dir);
    judgeMode = 'grade';
    expect(r.code).toBe(0);
    const report = readReport(dir);
    const c = report.cases.find((x) => x.id === 'refund-2')!.candidate!;
    expect(c.error).toEqual({
      kind: 'judge',
      message: expect.stringMatching(
        /^scorer "judge" failed: the judge \(judge-model\) failed: target judge: the judge did not answer with a JSON object/,
      ),
    });
    expect(c).toMatchObject({ score: 0, pass: false, output: 'Please contact support.' });
    expect(report.targets.candidate!.error_rate).toBe(0);
    expect(report.checks.find((k) => k.metric === 'error_rate')!.candidate).toBe(0);
    expect(report.scoring!.judge).toMatchObject({ calls: 12, errors: 1 });
    expect(r.stderr).toContain(
      'warning: 1 candidate answer(s) could not be scored (the judge or embeddings endpoint failed)',
    );
  });

  it('stops with exit 3 when the judge is down, rather than scoring every answer 0', async () => {
    judgeMode = 'down';
    const dir = setup(
      config('', 'run: {concurrency: 1, retries: 0, backoff_ms: 1, max_consecutive_errors: 2}'),
    );
    const r = await run(dir);
    judgeMode = 'grade';
    expect(r.code).toBe(3);
    // The judge has its own concurrency 2: down after max(2, 2 × 2) failed calls in send order,
    // or a few more when later calls came back before the fourth (which depends on timing).
    const m =
      /could not judge: stopped: (\d+) judge calls in a row failed after retries; last error: target judge answered 503/.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(4);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('scorer bad input through the CLI bundle: exit 2, nothing sent', () => {
  it.each([
    [
      'an invalid JSON Schema',
      (cfg: string) =>
        cfg.replace(
          '  - {type: custom, name: short',
          '  - {type: json_schema, schema: {type: objekt}}\n  - {type: custom, name: short',
        ),
      /evalgate\.yaml \(scorers\.2\.schema\): is not a valid JSON Schema \(2020-12\): schema is invalid: data\/type must be equal to one of the allowed values/,
    ],
    [
      'a missing custom module',
      (cfg: string) => cfg.replace('scorers/short.mjs', 'scorers/nope.mjs'),
      /evalgate\.yaml \(scorers\.2\.module\): custom scorer module not found: scorers\/nope\.mjs/,
    ],
    [
      'a missing rubric file',
      (cfg: string) => cfg.replace('{file: rubric.md}', '{file: rubrics/none.md}'),
      /evalgate\.yaml \(scorers\.0\.rubric\.file\): rubric file not found: .*rubrics\/none\.md/,
    ],
    [
      'llm_judge without a judge',
      (cfg: string) => cfg.replace(/judge:\n( {2}.*\n)+/, ''),
      /evalgate\.yaml \(scorers\.0\): llm_judge needs a `judge:` target in the config/,
    ],
    [
      'an unset judge key',
      (cfg: string) =>
        cfg.replace(
          'model: judge-model\n  api_key_env: TEST_KEY',
          'model: judge-model\n  api_key_env: JUDGE_KEY_UNSET',
        ),
      /evalgate\.yaml \(judge\.api_key_env\): environment variable JUDGE_KEY_UNSET is not set/,
    ],
    [
      'a rubric placeholder a case cannot fill',
      (cfg: string) => cfg,
      /golden\.jsonl:1: case "refund-1": scorer "judge": rubric: \{\{vars\.plan\}\} has no value for case "refund-1"/,
    ],
  ])('%s', async (label, edit, message) => {
    const golden =
      label === 'a rubric placeholder a case cannot fill'
        ? [{ ...GOLDEN[0]!, vars: {} }, ...GOLDEN.slice(1)]
        : GOLDEN;
    const dir = setup(edit(config()), golden);
    const before = server.requests.length;
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^evalgate: bad input; nothing was sent\./);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests.length).toBe(before);
  });

  it('says how to fix a TypeScript module on a Node that cannot load one', async () => {
    const dir = setup(config().replace('scorers/short.mjs', 'scorers/short.ts'));
    writeFileSync(
      path.join(dir, 'scorers/short.ts'),
      'export default (output: string): number => (output ? 1 : 0);\n',
    );
    const before = server.requests.length;
    const r = await run(dir);
    // Node strips TypeScript types without a flag from 22.18 and 23.6 (the Action runs Node 24).
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const strips = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
    if (!strips) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /scorers\.2\.module\): custom scorer module scorers\/short\.ts failed to load: .*cannot import TypeScript; use a \.js or \.mjs file/,
      );
      expect(server.requests.length).toBe(before);
    } else {
      expect(r.code).toBe(0); // Node strips the types itself
    }
  });
});
