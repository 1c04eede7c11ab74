import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { InputError, RunAbortedError } from '../../src/errors.js';
import { targetMetrics } from '../../src/metrics/target-metrics.js';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import { createJudgeClient, createJudgeTarget, judgeMessages } from '../../src/scorers/judge.js';
import { OutageTracker } from '../../src/scorers/outage.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import type { TargetContext } from '../../src/targets/create.js';
import type { Target } from '../../src/targets/target.js';
import type { HttpRequest, HttpResponse } from '../../src/targets/transport.js';
import type { CallResult, GoldenCase } from '../../src/types.js';
import { type FakeReply, startFakeOpenAI } from '../helpers/fake-openai.js';
import { goldenCase } from '../helpers/golden-case.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';

type JudgeConfig = NonNullable<Config['judge']>;

const KEY = 'sk-judge-secret';
const ctx = (retries = 2): TargetContext => ({
  configFile: 'evalgate.yaml',
  configDir: process.cwd(),
  env: { JUDGE_KEY: KEY },
  defaults: { concurrency: 4, timeoutMs: 5000, retries, backoffBaseMs: 1 },
});

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function openaiJudge(reply: (n: number) => FakeReply, extra: Partial<JudgeConfig> = {}) {
  const server = await startFakeOpenAI((_req, n) => reply(n));
  open.push(server);
  const target = createJudgeTarget(
    {
      type: 'openai',
      base_url: server.url,
      model: 'judge-model',
      api_key_env: 'JUDGE_KEY',
      price: { input_per_mtok: 10, output_per_mtok: 20 },
      ...extra,
    } as JudgeConfig,
    ctx(),
  );
  open.push(target.transport);
  return { server, target };
}

function client(target: Target, limit = 5, onOutage: (e: RunAbortedError) => void = () => {}) {
  return createJudgeClient(target, new OutageTracker('judge', limit, target.concurrency, onOutage));
}

function call(output: string): CallResult {
  return {
    output,
    latency_ms: 5,
    input_tokens: 1,
    output_tokens: 1,
    cost_usd: 0,
    error: null,
    attempts: 1,
  };
}

const refundCase = goldenCase({
  id: 'refund-17',
  input: 'Can I get a refund?',
  expected: 'Yes, within 30 days',
  vars: { plan: 'pro' },
});
const RUBRIC = 'The answer must state the refund window for the {{vars.plan}} plan.';

describe('llm_judge with an OpenAI-dialect judge', () => {
  it('sends the rubric, case and output asking for JSON, and keeps score, reason and cost', async () => {
    const { server, target } = await openaiJudge(
      () => '{"score": 0.9, "pass": true, "reason": "states 30 days"}',
    );
    const judge = client(target);
    const s = buildScorer(
      { type: 'llm_judge', rubric: RUBRIC, name: 'quality' },
      'quality',
      scorerContext({ judge }),
    );
    const r = await scoreCall(call('Yes — 30 days.'), refundCase, [s]);

    expect(r).toMatchObject({
      score: 0.9,
      pass: true,
      scores: { quality: 0.9 },
      reasons: { quality: 'states 30 days' },
      error: null,
      // The fake server reports 10 prompt tokens and one completion token per word (8), priced
      // at $10 and $20 per Mtok.
      judge: { calls: 1, input_tokens: 10, output_tokens: 8, cost_usd: (10 * 10 + 8 * 20) / 1e6 },
    });
    // The target's own cost is untouched by the judge's.
    expect(r.cost_usd).toBe(0);

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body.model).toBe('judge-model');
    expect(req.body.response_format).toEqual({ type: 'json_object' });
    const [system, user] = req.body.messages;
    expect(system?.role).toBe('system');
    expect(system?.content).toMatch(/JSON object/);
    expect(user?.content).toBe(
      [
        '<rubric>\nThe answer must state the refund window for the pro plan.\n</rubric>',
        '<input>\nCan I get a refund?\n</input>',
        '<reference>\nYes, within 30 days\n</reference>',
        '<answer>\nYes — 30 days.\n</answer>',
      ].join('\n\n'),
    );
    expect(judge.usage()).toMatchObject({ calls: 1, errors: 0 });
  });

  it('lets params add settings and switch response_format off', async () => {
    const { server, target } = await openaiJudge(() => '{"score": 1}', {
      params: { temperature: 0, response_format: null },
    });
    const s = buildScorer(
      { type: 'llm_judge', rubric: 'ok?' },
      'j',
      scorerContext({ judge: client(target) }),
    );
    await s.score('fine', goldenCase());
    expect(server.requests[0]!.body.temperature).toBe(0);
    expect(server.requests[0]!.body).not.toHaveProperty('response_format');
  });

  it('retries a 500 and a malformed reply, then scores the valid one', async () => {
    const { server, target } = await openaiJudge((n) =>
      n === 1
        ? { status: 500, body: 'overloaded' }
        : n === 2
          ? 'I think it is fine.'
          : '```json\n{"score": 7, "pass": true, "reason": "ok"}\n```',
    );
    const s = buildScorer(
      { type: 'llm_judge', rubric: 'r' },
      'j',
      scorerContext({ judge: client(target) }),
    );
    const r = await s.score('x', goldenCase());
    expect(r).toMatchObject({ score: 0.7, pass: true, reason: 'ok' });
    expect(server.requests).toHaveLength(3);
  });

  it('turns a judge that never answers properly into an error of kind judge, not a silent 0', async () => {
    const { server, target } = await openaiJudge(() => 'Looks good to me!');
    const judge = client(target);
    const s = buildScorer({ type: 'llm_judge', rubric: 'r' }, 'quality', scorerContext({ judge }));
    const exact = buildScorer({ type: 'exact' }, 'exact');
    const r = await scoreCall(call('4'), goldenCase({ expected: '4' }), [exact, s]);
    expect(server.requests).toHaveLength(3); // retries: 2
    expect(r.error?.kind).toBe('judge');
    expect(r.error?.message).toMatch(
      /^scorer "quality" failed: the judge \(judge-model\) failed: target judge: the judge did not answer with a JSON object/,
    );
    expect(r).toMatchObject({ score: 0, pass: false, output: '4' });
    // The other scorer's value is still reported.
    expect(r.scores).toEqual({ exact: 1 });
    expect(r.judge?.calls).toBe(1);
    expect(judge.usage()).toMatchObject({ calls: 1, errors: 1 });
    // ... and the target's error rate does not count it.
    expect(targetMetrics([r]).error_rate).toBe(0);
  });

  it('does not retry a rejected key', async () => {
    const { server, target } = await openaiJudge(() => ({
      status: 401,
      body: '{"error": "bad key"}',
    }));
    const s = buildScorer(
      { type: 'llm_judge', rubric: 'r' },
      'j',
      scorerContext({ judge: client(target) }),
    );
    await expect(Promise.resolve(s.score('x', goldenCase()))).rejects.toMatchObject({
      kind: 'judge',
      message: expect.stringMatching(/the key for target judge was rejected \(401\)/),
    });
    expect(server.requests).toHaveLength(1);
  });

  it("lets the judge's pass veto a high score, and `not` flips both", async () => {
    const { target } = await openaiJudge(() => '{"score": 0.9, "pass": false, "reason": "unsafe"}');
    const judge = client(target);
    const s = buildScorer({ type: 'llm_judge', rubric: 'r' }, 'j', scorerContext({ judge }));
    const r = await scoreCall(call('x'), goldenCase(), [s]);
    expect(r).toMatchObject({ scores: { j: 0.9 }, pass: false });
    const negated = buildScorer(
      { type: 'llm_judge', rubric: 'r', not: true, threshold: 0.05 },
      'j',
      scorerContext({ judge }),
    );
    const n = await scoreCall(call('x'), goldenCase(), [negated]);
    expect(n.scores.j).toBeCloseTo(0.1, 12);
    expect(n.pass).toBe(true);
  });

  it('stops the run after max_consecutive_errors judge failures in a row', async () => {
    const { target } = await openaiJudge(() => ({ status: 503, body: 'down' }));
    const outages: RunAbortedError[] = [];
    // Concurrency 1: the window is max_consecutive_errors itself (see the next test for more).
    const judge = client({ ...target, retries: 0, concurrency: 1 }, 2, (e) => outages.push(e));
    const s = buildScorer({ type: 'llm_judge', rubric: 'r' }, 'j', scorerContext({ judge }));
    await scoreCall(call('x'), goldenCase(), [s]);
    expect(outages).toHaveLength(0);
    await scoreCall(call('x'), goldenCase(), [s]);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toBeInstanceOf(RunAbortedError);
    expect(outages[0]!.message).toMatch(
      /2 judge calls in a row failed after retries; last error: target judge answered 503/,
    );
  });

  it('at concurrency 4 takes twice the concurrency in failures, in the order calls were sent', async () => {
    const { target } = await openaiJudge(() => ({ status: 503, body: 'down' }));
    const outages: RunAbortedError[] = [];
    const judge = client({ ...target, retries: 0 }, 2, (e) => outages.push(e));
    const s = buildScorer({ type: 'llm_judge', rubric: 'r' }, 'j', scorerContext({ judge }));
    // Seven at once: all four slots fail together, then three more; not yet an outage.
    await Promise.all(Array.from({ length: 7 }, () => scoreCall(call('x'), goldenCase(), [s])));
    expect(outages).toHaveLength(0);
    await scoreCall(call('x'), goldenCase(), [s]);
    expect(outages).toHaveLength(1);
    expect(outages[0]!.message).toMatch(/^stopped: 8 judge calls in a row failed/);
  });

  it('checks the rubric against every case before anything is sent', async () => {
    const { server, target } = await openaiJudge(() => '{"score": 1}');
    const s = buildScorer(
      { type: 'llm_judge', rubric: 'For {{vars.plan}}: is {{output}} right?' },
      'j',
      scorerContext({ judge: client(target) }),
    );
    expect(s.check(refundCase)).toBeUndefined();
    expect(s.check(goldenCase({ id: 'c9' }))).toBe(
      'scorer "j": rubric: {{vars.plan}} has no value for case "c9"',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a prompt or system on the judge target, and an unset key, as bad input', () => {
    const bad = () =>
      createJudgeTarget(
        {
          type: 'openai',
          base_url: 'http://127.0.0.1:9/v1',
          model: 'm',
          api_key_env: 'MISSING_KEY',
          prompt: 'x',
        } as JudgeConfig,
        ctx(),
      );
    expect(bad).toThrow(InputError);
    try {
      bad();
    } catch (err) {
      expect((err as InputError).problems.map((p) => p.path)).toEqual([
        'judge.prompt',
        'judge.api_key_env',
      ]);
    }
  });
});

describe('llm_judge with an Anthropic-dialect judge', () => {
  let server: Loopback;

  it('posts to /v1/messages with the system prompt apart and reads a fenced verdict', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, {
        content: [
          {
            type: 'text',
            text: 'Verdict:\n```json\n{"score": 0.4, "pass": false, "reason": "vague"}\n```',
          },
        ],
        usage: { input_tokens: 40, output_tokens: 12 },
      }),
    );
    open.push(server);
    const target = createJudgeTarget(
      {
        type: 'anthropic',
        base_url: server.url,
        model: 'claude-judge',
        api_key_env: 'JUDGE_KEY',
      } as JudgeConfig,
      ctx(),
    );
    open.push(target.transport);
    const s = buildScorer(
      { type: 'llm_judge', rubric: 'Is it specific?' },
      'j',
      scorerContext({ judge: client(target) }),
    );
    const r = await scoreCall(
      call('Maybe.'),
      goldenCase({ input: [{ role: 'user', content: 'Refund?' }] }),
      [s],
    );
    expect(r).toMatchObject({ scores: { j: 0.4 }, pass: false, reasons: { j: 'vague' } });
    expect(r.judge).toMatchObject({ calls: 1, input_tokens: 40, output_tokens: 12, cost_usd: 0 });

    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe(KEY);
    const body = JSON.parse(req.body) as {
      system: string;
      messages: { role: string; content: string }[];
      max_tokens: number;
      response_format?: unknown;
    };
    expect(body.system).toMatch(/JSON object/);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.content).toContain('<input>\nuser: Refund?\n</input>');
    expect(body).not.toHaveProperty('response_format');
    expect(body.max_tokens).toBe(1024);
  });
});

describe('the judge limiter', () => {
  it('never has more judge calls in flight than the judge concurrency', async () => {
    // A transport that holds every request until the test answers it.
    const pending: { resolve(r: HttpResponse): void }[] = [];
    let started = 0;
    const transport = {
      send(_req: HttpRequest) {
        started++;
        return new Promise<HttpResponse>((resolve) => pending.push({ resolve }));
      },
      close() {},
    };
    const target = createJudgeTarget(
      {
        type: 'openai',
        base_url: 'http://127.0.0.1:9/v1',
        model: 'm',
        concurrency: 2,
      } as JudgeConfig,
      ctx(),
    );
    target.transport.close();
    const judge = client({ ...target, transport });
    const ok = {
      status: 200,
      headers: {},
      body: JSON.stringify({ choices: [{ message: { content: '{"score": 1}' } }] }),
    };
    const grades = Array.from({ length: 5 }, () =>
      judge.grade(judgeMessages('r', goldenCase(), 'x', undefined), goldenCase()),
    );
    // setImmediate runs after every pending microtask: all that can start has started.
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(started).toBe(2);
    pending.shift()!.resolve(ok);
    await settle();
    expect(started).toBe(3);
    while (pending.length) {
      pending.shift()!.resolve(ok);
      await settle();
    }
    expect(started).toBe(5);
    expect((await Promise.all(grades)).map((g) => g.verdict.score)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('judgeMessages', () => {
  it('leaves the reference out when there is none and renders {{output}} in the rubric', () => {
    const c: GoldenCase = goldenCase({ expected: undefined, input: 'Hi' });
    const [, user] = judgeMessages('Grade "{{output}}" for {{input}}', c, 'Hello!', undefined);
    expect(user!.content).toBe(
      '<rubric>\nGrade "Hello!" for Hi\n</rubric>\n\n<input>\nHi\n</input>\n\n<answer>\nHello!\n</answer>',
    );
  });

  it('shows every reference of a list', () => {
    const [, user] = judgeMessages('r', goldenCase(), 'x', ['a', { b: 1 }]);
    expect(user!.content).toContain('<reference>\na\n---\n{"b":1}\n</reference>');
  });
});
