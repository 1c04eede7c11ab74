import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { droppedConversationWarnings } from '../../src/targets/dropped-conversation.js';
import type { GoldenCase } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { workspace } from '../helpers/workspace.js';

// An http app with a body of its own gets a case's conversation only where the body says
// '{{messages}}'. Without it the history is silently dropped: warn once, before anything is sent.

const talk: GoldenCase = goldenCase({
  id: 'talk-1',
  messages: [
    { role: 'user', content: 'My order is late.' },
    { role: 'assistant', content: 'Which order?' },
  ],
  input: 'B7',
});
const http = (extra: Record<string, unknown>) =>
  ({ type: 'http', url: 'http://app/ask', output: 'a', ...extra }) as never;
const warnings = (baseline: unknown, candidate: unknown, cases = [talk, goldenCase()]) =>
  droppedConversationWarnings(
    { targets: { baseline, candidate } as never },
    ['baseline', 'candidate'],
    cases,
  );

describe('a conversation an http body would drop', () => {
  it('warns per target whose body never places {{messages}}, or that uses GET', () => {
    const w = warnings(
      http({ body: { question: '{{input}}', meta: ['{{id}}', { m: 'see {{input}}' }] } }),
      http({ method: 'GET', url: 'http://app/ask?q={{input}}' }),
    );
    expect(w).toEqual([
      `targets.baseline.body: 1 case has \`messages\` (first: "talk-1"), but the body never uses {{messages}}: the app is sent no conversation, only what the body's other placeholders hold (add a field that is exactly '{{messages}}', e.g. history: '{{messages}}')`,
      `targets.candidate: 1 case has \`messages\` (first: "talk-1"), but this http target uses GET, which sends no body: the app never sees the conversation, only what the url's placeholders hold`,
    ]);
  });

  it('is quiet when the body places it anywhere, with the default body, for model targets, or without conversations', () => {
    expect(
      warnings(http({ body: { req: { history: ['x', '{{ messages }}'] } } }), http({})),
    ).toEqual([]);
    const openai = { type: 'openai', base_url: 'http://x/v1', model: 'm' };
    expect(warnings(openai, openai)).toEqual([]);
    expect(
      warnings(http({ body: { q: '{{input}}' } }), http({ method: 'GET' }), [goldenCase()]),
    ).toEqual([]);
  });
});

describe('through the CLI', () => {
  let app: Loopback;
  let warnedBeforeFirstRequest: boolean | undefined;
  let stderrSoFar = () => '';
  beforeAll(async () => {
    app = await startLoopback((_req, res) => {
      warnedBeforeFirstRequest ??= stderrSoFar().includes('never uses {{messages}}');
      sendJson(res, { answer: 'ok' });
    });
  });
  afterAll(() => app.close());

  it('warns once on stderr, before the first request, and the run goes on', async () => {
    const cases = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({
        id: `t${i}`,
        messages: [{ role: 'user', content: `hello ${i}` }],
        input: `q${i}`,
        expected: 'ok',
      }),
    ).join('\n');
    const target = `    type: http
    url: ${app.url}/ask
    body: {question: '{{input}}'}
    output: answer`;
    const dir = workspace({
      'golden.jsonl': cases,
      'evalgate.yaml': `version: 1
dataset: golden.jsonl
targets:
  baseline:
${target}
  candidate:
${target}
scorers: [{type: exact}]
budgets: {quality: {max_drop: 0.5}}
gate: {min_cases: 5, on_inconclusive: pass}
`,
    });
    let stderr = '';
    stderrSoFar = () => stderr;
    const code = await runCli(
      ['run', '--config', path.join(dir, 'evalgate.yaml'), '--report', path.join(dir, 'r.json')],
      {
        stdout: () => {},
        stderr: (t) => {
          stderr += t;
        },
        env: {},
        isTty: false,
      },
    );
    expect(code).toBe(0);
    expect(stderr.split('never uses {{messages}}')).toHaveLength(3); // once per side
    expect(warnedBeforeFirstRequest).toBe(true);
    expect(app.requests).toHaveLength(12);
  });
});
