import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Report } from '../../src/types.js';
import {
  type FakeGitHub,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import {
  type Loopback,
  openAiReply,
  openAiToolReply,
  openAiToolTurn,
  type Received,
  sendJson,
  startLoopback,
} from '../helpers/loopback.js';
import { readReport } from '../helpers/report-schema.js';
import {
  anthropicStream,
  anthropicToolStream,
  chop,
  openAiToolStream,
  writePieces,
} from '../helpers/sse-endpoint.js';
import { CLI, runNode, workspace } from '../helpers/workspace.js';
import { decodeEntities } from '../report/fixture.js';
import { expectInert } from '../report/inert.js';

// Issue 12's "done when": a golden set of conversations with expected tool calls, an agent set
// and a RAG set are each gated through the Action bundle (run `npm run build` first) exactly like
// a plain prompt set: real INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, the
// sticky comment through Octokit to a loopback GitHub, and loopback endpoints that speak each
// wire format as the providers do, plain and streamed.

const KEY = 'sk-e2e-conversations-secret';
const TOKEN = 'ghs_conversations_token_123';

/** What the candidate says when it calls the wrong tool: markup, a mention, a pipe, an emoji. */
const HOSTILE = '<img src=x onerror=alert(1)> @octocat | "x" é 🙂 `code`';

/** Splits a text into pieces of `size` characters: inside strings, escapes and \u sequences. */
const pieces = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );

const metric = (r: Report, name: string, slice: string | null): Check =>
  r.checks.find((k) => k.metric === name && k.slice === slice)!;

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(() => gh.close());

// ---------------------------------------------------------------------------------------------
// (a) Multi-turn conversations, openai dialect on both sides.

const G = 24; // conversations, 12 per slice, 3 cases cut from each
const SYSTEM = { role: 'system', content: 'You are the order desk. Use the tools.' };
const ADDRESS = "1 Rue de l'Église 🙂";

interface OpenAiBody {
  model: string;
  stream?: boolean;
  tools?: unknown[];
  messages: {
    role: string;
    content: string | null;
    tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
    tool_call_id?: string;
  }[];
}

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });

/** The call a right answer makes to the last user turn (the one the model is answering). */
function rightCall(user: string): { name: string; arguments: Record<string, unknown> } {
  let m = /about order (O\d+)/.exec(user);
  if (m) return call('lookup_order', { order_id: m[1] });
  m = /charged twice for (O\d+)/.exec(user);
  if (m) return call('refund', { order_id: m[1], amount: 25 });
  m = /parcel for (O\d+)/.exec(user);
  if (m) return call('track_order', { order_id: m[1] });
  m = /receipt for (O\d+)/.exec(user);
  if (m) return call('send_receipt', { order_id: m[1] });
  m = /^Send (O\d+) to (.+) instead\.$/.exec(user);
  if (m) return call('update_address', { order_id: m[1], address: m[2] });
  throw new Error(`no call for ${user}`);
}

/** The wire shape of an assistant turn that called `c`. */
const assistantCall = (id: string, c: ReturnType<typeof rightCall>) =>
  openAiToolTurn([{ id, ...c }]);

/** Conversation j as three cases, each replayed with the history before its user turn. */
function conversationCases(j: number): Record<string, unknown>[] {
  const order = `O${j}`;
  const billing = j % 2 === 0;
  const u1 = `Hi, this is about order ${order}.`;
  const u2 = billing ? `I was charged twice for ${order}.` : `The parcel for ${order} is late.`;
  const u3 = billing
    ? `Email me the receipt for ${order}.`
    : `Send ${order} to ${ADDRESS} instead.`;
  const upTo2 = [
    SYSTEM,
    { role: 'user', content: u1 },
    assistantCall(`call_${j}_1`, rightCall(u1)),
    {
      role: 'tool',
      tool_call_id: `call_${j}_1`,
      content: JSON.stringify({ status: 'delivered', total: 25 }),
    },
    { role: 'assistant', content: `Order ${order} was delivered. What can I do?` },
  ];
  const upTo3 = [
    ...upTo2,
    { role: 'user', content: u2 },
    assistantCall(`call_${j}_2`, rightCall(u2)),
    // A tool turn without its id answers the call before it (the dataset may leave it out).
    { role: 'tool', content: billing ? 'refunded' : 'in transit' },
    { role: 'assistant', content: 'Done.' },
    { role: 'user', content: u3 },
  ];
  const tags = [billing ? 'billing' : 'shipping'];
  return [
    { id: `c${j}-t1`, messages: [SYSTEM], input: u1, expected_tool_calls: [rightCall(u1)], tags },
    { id: `c${j}-t2`, messages: upTo2, input: u2, expected_tool_calls: [rightCall(u2)], tags },
    { id: `c${j}-t3`, messages: upTo3, expected_tool_calls: [rightCall(u3)], tags },
  ];
}

/**
 * The model behind both targets. The baseline answers with plain JSON; the candidate streams,
 * its tool-call arguments cut into 3-character deltas (inside strings, escapes and \u
 * sequences) and the SSE bytes into 7-byte writes (inside UTF-8 characters). On billing's later
 * turns the candidate calls cancel_order instead, with a hostile reason.
 */
async function orderDesk(req: Received, res: http.ServerResponse): Promise<void> {
  const body = JSON.parse(req.body) as OpenAiBody;
  const user = body.messages.findLast((m) => m.role === 'user')!.content!;
  let c = rightCall(user);
  const wrong = body.model === 'cand-model' && (c.name === 'refund' || c.name === 'send_receipt');
  if (wrong) c = call('cancel_order', { order_id: c.arguments.order_id, reason: HOSTILE });
  const args = JSON.stringify(c.arguments).replace(/é/g, '\\u00e9');
  if (!body.stream) {
    sendJson(res, openAiToolReply([{ id: 'call_x', name: c.name, arguments: args }]));
    return;
  }
  const sse = openAiToolStream([{ id: 'call_x', name: c.name, fragments: pieces(args, 3) }]);
  await writePieces(res, chop(sse, 7));
}

const tool = (name: string, properties: Record<string, string>) => `      - type: function
        function:
          name: ${name}
          parameters:
            type: object
            properties: {${Object.entries(properties)
              .map(([k, t]) => `${k}: {type: ${t}}`)
              .join(', ')}}`;

const ORDER_TOOLS = [
  tool('lookup_order', { order_id: 'string' }),
  tool('refund', { order_id: 'string', amount: 'number' }),
  tool('track_order', { order_id: 'string' }),
  tool('send_receipt', { order_id: 'string' }),
  tool('update_address', { order_id: 'string', address: 'string' }),
  tool('cancel_order', { order_id: 'string', reason: 'string' }),
].join('\n');

const conversationConfig = (url: string) => `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: ${url}/v1
    model: base-model
    api_key_env: TEST_KEY
    tools:
${ORDER_TOOLS}
    tool_choice: auto
  candidate:
    type: openai
    base_url: ${url}/v1
    model: cand-model
    api_key_env: TEST_KEY
    stream: true
    tools:
${ORDER_TOOLS}
    tool_choice: auto
scorers:
  - {type: tool_call}
budgets:
  quality: {max_drop: 0.9}
slices:
  by: [tags]
  min_cases: 10
  budgets: {quality: {max_drop: 0.05}}
gate: {min_cases: 10}
run: {concurrency: 6, retries: 1, backoff_ms: 1, timeout_ms: 5000}
`;

describe('a conversation set with expected tool calls, through the Action', () => {
  let llm: Loopback;
  beforeAll(async () => {
    llm = await startLoopback(orderDesk);
  });
  afterAll(() => llm.close());

  it('blocks the candidate that calls the wrong tool on one slice, clusters by conversation, and shows the calls escaped', async () => {
    const golden = Array.from({ length: G }, (_, j) => conversationCases(j))
      .flat()
      .map((c) => JSON.stringify(c))
      .join('\n');
    const dir = workspace({ 'evalgate.yaml': conversationConfig(llm.url), 'golden.jsonl': golden });
    gh.comments.length = 0;
    const r = await runAction({
      workspace: dir,
      inputs: {
        config: 'evalgate.yaml',
        report: 'out/report.json',
        comment: 'true',
        'github-token': TOKEN,
      },
      env: { TEST_KEY: KEY },
      event: pullRequestEvent(7),
      github: gh,
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs.decision).toBe('fail');
    expect(r.commands.some((c) => c.command === 'error' && /blocked/.test(c.message))).toBe(true);

    // The history went out as the openai wire carries it; the candidate streamed.
    const sent = llm.requests.map((q) => JSON.parse(q.body) as OpenAiBody);
    expect(sent).toHaveLength(2 * 3 * G);
    const t3 = sent.find(
      (b) =>
        b.model === 'cand-model' && b.messages.at(-1)!.content === `Send O1 to ${ADDRESS} instead.`,
    )!;
    expect(t3.stream).toBe(true);
    expect(t3.tools).toHaveLength(6);
    expect(t3.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(t3.messages[6]!.tool_calls![0]).toEqual({
      id: 'call_1_2',
      type: 'function',
      function: { name: 'track_order', arguments: '{"order_id":"O1"}' },
    });
    expect(t3.messages[7]).toMatchObject({ role: 'tool', tool_call_id: 'call_1_2' });

    const report = readReport(r.outputs.report!);
    // Blocked on the billing slice only, by a cluster-robust interval over its 12 conversations.
    const billing = metric(report, 'quality', 'tags=billing');
    expect(billing.verdict).toBe('fail');
    expect(billing.method).toMatch(/cluster-robust/);
    expect(billing.clusters).toBe(G / 2);
    expect(metric(report, 'quality', 'tags=shipping').verdict).toBe('pass');
    expect(metric(report, 'quality', null)).toMatchObject({ verdict: 'pass', clusters: G });
    const byId = new Map(report.cases.map((c) => [c.id, c]));
    expect(byId.get('c0-t3')!.cluster).toBe(byId.get('c0-t1')!.cluster);
    expect(byId.get('c0-t3')!.cluster).not.toBe(byId.get('c2-t3')!.cluster);

    // Streamed calls were joined exactly, whatever the cuts: the hostile reason and the address.
    expect(byId.get('c0-t2')!.candidate).toMatchObject({
      output: '',
      error: null,
      scores: { tool_call: 0 },
      tool_calls: [{ name: 'cancel_order', arguments: { order_id: 'O0', reason: HOSTILE } }],
    });
    expect(byId.get('c0-t2')!.baseline).toMatchObject({
      scores: { tool_call: 1 },
      tool_calls: [{ name: 'refund', arguments: { order_id: 'O0', amount: 25 } }],
    });
    expect(byId.get('c1-t3')!.candidate).toMatchObject({
      scores: { tool_call: 1 },
      tool_calls: [{ name: 'update_address', arguments: { order_id: 'O1', address: ADDRESS } }],
    });
    expect(byId.get('c0-t1')!.candidate!.scores).toEqual({ tool_call: 1 });

    // One sticky comment: the calls readable once decoded, nothing in it live, no secret.
    const ours = gh.comments.filter((c) => c.body.includes('<!-- evalgate:comment'));
    expect(ours).toHaveLength(1);
    const body = ours[0]!.body;
    // The comment's own hidden marker aside, nothing in it is markup.
    expectInert(body.replace(/^<!-- evalgate:comment[^>]*-->$/m, ''));
    const text = decodeEntities(body);
    expect(text).toContain('candidate called cancel_order(order_id="O');
    expect(text).toMatch(/expected (refund|send_receipt)\(order_id="O\d+"/);
    expect(body).not.toContain('<img');
    for (const secret of [KEY, TOKEN]) {
      expect(body).not.toContain(secret);
      expect(r.summary).not.toContain(secret);
      expect(readFileSync(r.outputs.report!, 'utf8')).not.toContain(secret);
    }
    expectInert(r.summary);
    expect(decodeEntities(r.summary)).toContain('candidate called cancel_order(');
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------
// (b) An agent set on the anthropic dialect: canned tool results, max_steps, streamed tool_use.

const AGENTS = 32;

interface AnthropicBody {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string | { type: string; [k: string]: unknown }[] }[];
}

/** Anthropic's order agent: calls lookup_order (input streamed in awkward cuts), then answers. */
async function anthropicAgent(req: Received, res: http.ServerResponse): Promise<void> {
  const body = JSON.parse(req.body) as AnthropicBody;
  const last = body.messages.at(-1)!;
  const result = Array.isArray(last.content)
    ? last.content.find((b) => b.type === 'tool_result')
    : undefined;
  if (result) {
    const content = result.content;
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    const status = (JSON.parse(text) as { status: string }).status;
    await writePieces(res, chop(anthropicStream(pieces(status, 4)), 9));
    return;
  }
  const first = body.messages[0]!.content;
  const question = typeof first === 'string' ? first : String(first[0]!.text);
  const order = /order (\d+)/.exec(question)![1]!;
  const input = JSON.stringify({ order_id: order });
  const sse = anthropicToolStream([
    { id: `toolu_${order}`, name: 'lookup_order', fragments: pieces(input, 2) },
  ]);
  await writePieces(res, chop(sse, 11));
}

const agentConfig = (url: string) => {
  const side = (model: string) => `    type: anthropic
    base_url: ${url}
    model: ${model}
    api_key_env: TEST_KEY
    stream: true
    max_steps: 4
    tools:
${tool('lookup_order', { order_id: 'string' })}
    price: {input_per_mtok: 3, output_per_mtok: 15}`;
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
${side('claude-base')}
  candidate:
${side('claude-cand')}
scorers:
  - {type: exact}
  - {type: trajectory}
budgets:
  quality: {max_drop: 0.05}
gate: {min_cases: 30}
run: {concurrency: 4, retries: 0, timeout_ms: 5000}
`;
};

describe('an agent set on the anthropic dialect, through the Action', () => {
  let llm: Loopback;
  beforeAll(async () => {
    llm = await startLoopback(anthropicAgent);
  });
  afterAll(() => llm.close());

  it('runs the loop on streamed tool_use, scores answer and trajectory, and passes an equal candidate', async () => {
    const golden = Array.from({ length: AGENTS }, (_, i) =>
      JSON.stringify({
        id: `order-${i}`,
        input: `Where is order ${i}?`,
        expected: `shipped-${i}`,
        expected_tool_calls: [{ name: 'lookup_order', arguments: { order_id: String(i) } }],
        tool_results: [
          {
            name: 'lookup_order',
            arguments: { order_id: String(i) },
            result: { status: `shipped-${i}` },
          },
        ],
      }),
    ).join('\n');
    const dir = workspace({ 'evalgate.yaml': agentConfig(llm.url), 'golden.jsonl': golden });
    const r = await runAction({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', report: 'report.json', comment: 'false' },
      env: { TEST_KEY: KEY },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.decision).toBe('pass');
    // Two steps a case a side: the tool call, then the answer.
    expect(llm.requests).toHaveLength(2 * 2 * AGENTS);
    const report = readReport(r.outputs.report!);
    expect(report.targets.candidate).toMatchObject({ quality: 1, error_rate: 0 });
    const c7 = report.cases.find((c) => c.id === 'order-7')!.candidate!;
    expect(c7).toMatchObject({
      output: 'shipped-7',
      error: null,
      scores: { exact: 1, trajectory: 1 },
      tool_calls: [{ name: 'lookup_order', arguments: { order_id: '7' } }],
      // Summed over the steps: 21 input tokens each (message_start).
      input_tokens: 42,
    });
    expect(c7.steps!.map((s) => s.stop ?? null)).toEqual([null, 'answered']);
    expect(c7.ttft_ms).toBeTypeOf('number');
    expect(r.summary).toMatch(/pass/i);
    expect(r.summary).not.toContain(KEY);
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------
// (c) A RAG set: an http app returning its passages, context_recall + faithfulness, repeats,
// slices and a stored baseline recorded from the response cache.

const RAG = 40;
const facts = (i: number) => ({
  a: `Plan ${i} costs ${10 + i} dollars.`,
  b: `Plan ${i} renews every ${i + 2} months.`,
});

/**
 * The app: v1 (baseline) retrieves both sources of a plan; v2 (candidate) drops the second one
 * on the billing plans (even numbers) yet still states its fact.
 */
function ragApp(req: Received, res: http.ServerResponse): void {
  const body = JSON.parse(req.body) as { question: string; passages: string[] };
  const i = Number(/plan (\d+)/.exec(body.question)![1]);
  const f = facts(i);
  const docs = [
    { id: `kb-${i}-a`, text: f.a },
    { id: `kb-${i}-b`, text: f.b },
  ];
  const dropped = req.path.startsWith('/v2/') && i % 2 === 0;
  sendJson(res, {
    answer: `${f.a} ${f.b}`,
    retrieved: dropped ? docs.slice(0, 1) : docs,
    // The case's own passages came through the body's {{context}}.
    echoed: body.passages.length,
  });
}

/**
 * A judge that grades as the faithfulness rubric asks, deterministically: each sentence of the
 * <answer> is a claim, supported when a numbered passage of the <context> contains it.
 */
function ragJudge(req: Received, res: http.ServerResponse): void {
  const body = JSON.parse(req.body) as OpenAiBody;
  const prompt = body.messages.at(-1)!.content!;
  const block = (tag: string) =>
    new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(prompt)![1]!;
  const passages = block('context')
    .split(/\n\n(?=\[\d+\] )/)
    .map((p) => p.replace(/^\[\d+\] /, ''));
  const claims = block('answer').split(/(?<=\.)\s+/);
  const unsupported = claims.filter((cl) => !passages.some((p) => p.includes(cl)));
  const score = (claims.length - unsupported.length) / claims.length;
  const verdict = {
    score,
    pass: unsupported.length === 0,
    reason: unsupported.length
      ? `"${unsupported[0]}" is not in the context`
      : 'every claim is supported',
  };
  sendJson(res, openAiReply(JSON.stringify(verdict), { prompt_tokens: 50, completion_tokens: 20 }));
}

const ragConfig = (app: string, judge: string) => {
  const side = (v: string) => `    type: http
    url: ${app}/${v}/ask
    body: {question: '{{input}}', passages: '{{context}}'}
    output: answer
    context: retrieved`;
  return `version: 1
dataset: golden.jsonl
targets:
  baseline:
${side('v1')}
  candidate:
${side('v2')}
judge:
  type: openai
  base_url: ${judge}/v1
  model: judge-model
  api_key_env: TEST_KEY
scorers:
  - {type: context_recall, threshold: 1}
  - {type: faithfulness}
budgets:
  quality: {max_drop: 0.9}
slices:
  by: [tags]
  min_cases: 10
  budgets: {quality: {max_drop: 0.05}}
gate: {min_cases: 10}
run:
  repeats: 2
  concurrency: 6
  retries: 0
  timeout_ms: 5000
  cache: {dir: .evalgate-cache}
`;
};

describe('a RAG set through the Action, against a stored baseline', () => {
  let app: Loopback;
  let judge: Loopback;
  beforeAll(async () => {
    app = await startLoopback(ragApp);
    judge = await startLoopback(ragJudge);
  });
  afterAll(async () => {
    await app.close();
    await judge.close();
  });

  it('records the baseline (again from the cache, passages kept), then blocks the candidate that drops a source', async () => {
    const golden = Array.from({ length: RAG }, (_, i) =>
      JSON.stringify({
        id: `plan-${i}`,
        input: `What does plan ${i} cost and when does it renew?`,
        context: [facts(i).a, facts(i).b],
        expected_sources: [`kb-${i}-a`, `kb-${i}-b`],
        tags: [i % 2 === 0 ? 'billing' : 'shipping'],
      }),
    ).join('\n');
    const dir = workspace({
      'evalgate.yaml': ragConfig(app.url, judge.url),
      'golden.jsonl': golden,
    });
    const baselineCalls = () => app.requests.filter((q) => q.path === '/v1/ask').length;
    const record = () =>
      runNode(
        CLI,
        ['run', '--config', 'evalgate.yaml', '--only', 'baseline', '--report', 'main.json'],
        {
          cwd: dir,
          env: { TEST_KEY: KEY },
        },
      );

    const first = await record();
    expect(first.code, first.stderr).toBe(0);
    expect(baselineCalls()).toBe(2 * RAG); // two repeats
    expect(JSON.parse(app.requests[0]!.body).passages).toHaveLength(2);
    const recorded = readReport(path.join(dir, 'main.json'));

    // Recorded again: every answer from the cache, with the passages and sources it came with,
    // so context_recall and faithfulness score exactly as before.
    const again = await record();
    expect(again.code, again.stderr).toBe(0);
    expect(baselineCalls()).toBe(2 * RAG);
    const replayed = readReport(path.join(dir, 'main.json'));
    const side = (rep: Report, id: string) => {
      const c = rep.cases.find((x) => x.id === id)!;
      return (c.baseline ?? c.candidate)!;
    };
    expect(side(replayed, 'plan-4')).toMatchObject({
      cached: true,
      scores: { context_recall: 1, faithfulness: 1 },
      context: [facts(4).a, facts(4).b],
    });
    for (const c of recorded.cases)
      expect(side(replayed, c.id).scores).toEqual(side(recorded, c.id).scores);

    // The pull request: the candidate against the recording, through the Action.
    const r = await runAction({
      workspace: dir,
      inputs: {
        config: 'evalgate.yaml',
        'baseline-report': 'main.json',
        report: 'pr.json',
        comment: 'false',
      },
      env: { TEST_KEY: KEY },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs.decision).toBe('fail');
    expect(baselineCalls()).toBe(2 * RAG); // the baseline came from the recording
    expect(app.requests.filter((q) => q.path === '/v2/ask')).toHaveLength(2 * RAG);

    const report = readReport(r.outputs.report!);
    expect(metric(report, 'quality', 'tags=billing').verdict).toBe('fail');
    expect(metric(report, 'quality', 'tags=shipping').verdict).toBe('pass');
    expect(metric(report, 'quality', null).verdict).toBe('pass');
    const p0 = report.cases.find((c) => c.id === 'plan-0')!;
    expect(p0.candidate).toMatchObject({
      scores: { context_recall: 0.5, faithfulness: 0.5 },
      reasons: {
        context_recall: expect.stringContaining('missing: kb-0-b'),
        faithfulness: `"${facts(0).b}" is not in the context`,
      },
      context: [facts(0).a],
    });
    expect(p0.candidate!.repeat_scores).toHaveLength(2);
    expect(report.cases.find((c) => c.id === 'plan-1')!.candidate!.scores).toEqual({
      context_recall: 1,
      faithfulness: 1,
    });
    expect(r.summary).toContain('tags=billing');
    expect(r.summary).not.toContain(KEY);
  }, 40_000);
});
