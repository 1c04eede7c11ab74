import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { baseConfig, workspace } from '../helpers/workspace.js';

// The report carries each case's conversation, expected calls and passages (schema-valid and
// masked), and a stored baseline treats an edited conversation as another question.

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'sk-conversation-secret-0123456789';

function golden(n: number, edit?: { id: string; content: string }): string {
  return Array.from({ length: n }, (_, i) => {
    const id = `c${i}`;
    const opening = edit?.id === id ? edit.content : `I am customer ${i}.`;
    return JSON.stringify({
      id,
      messages: [
        { role: 'system', content: 'You are a support bot.' },
        { role: 'user', content: opening },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', name: 'lookup', arguments: { customer: i } }],
        },
        { role: 'tool', tool_call_id: 't1', content: `customer ${i} exists` },
      ],
      input: `q${i}`,
      expected: `a${i}`,
      expected_tool_calls: [{ name: 'refund', arguments: { amount: i } }],
      context: [`passage ${i}`],
    });
  }).join('\n');
}

async function run(dir: string, args: string[]) {
  return cliInProcess(['run', '--config', path.join(dir, 'evalgate.yaml'), ...args], {
    TEST_KEY: KEY,
  });
}

describe('conversation cases in the report', () => {
  it('carry messages, expected_tool_calls and context, masked, and valid against the report schema', async () => {
    server = await startFakeOpenAI((req) => `a${userText(req).slice(1)}`);
    // A key pasted into a conversation is masked like anywhere else in the report.
    const text = golden(30).replace('I am customer 3.', `my key is ${KEY}`);
    const dir = workspace({ 'golden.jsonl': text, 'evalgate.yaml': baseConfig(server.url) });
    const out = path.join(dir, 'report.json');
    const r = await run(dir, ['--report', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(out);
    const c1 = report.cases.find((c) => c.id === 'c1')!;
    expect(c1.input).toBe('q1');
    expect(c1.messages).toEqual([
      { role: 'system', content: 'You are a support bot.' },
      { role: 'user', content: 'I am customer 1.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', name: 'lookup', arguments: { customer: 1 } }],
      },
      { role: 'tool', tool_call_id: 't1', content: 'customer 1 exists' },
    ]);
    expect(c1.expected_tool_calls).toEqual([{ name: 'refund', arguments: { amount: 1 } }]);
    expect(c1.context).toEqual(['passage 1']);
    const c3 = report.cases.find((c) => c.id === 'c3')!;
    expect(c3.messages![1]).toEqual({ role: 'user', content: 'my key is ***' });
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('a stored baseline does not pair an edited conversation with answers to the old one', async () => {
    server = await startFakeOpenAI((req) => `a${userText(req).slice(1)}`);
    const dir = workspace({ 'golden.jsonl': golden(40), 'evalgate.yaml': baseConfig(server.url) });
    const recording = path.join(dir, 'main.json');
    const rec = await run(dir, ['--only', 'candidate', '--report', recording]);
    expect(rec.code, rec.stderr).toBe(0);

    // Same ids, same last question: only the opening of c5's conversation changed.
    writeFileSync(
      path.join(dir, 'golden.jsonl'),
      golden(40, { id: 'c5', content: 'I am someone else.' }),
    );
    const out = path.join(dir, 'report.json');
    const r = await run(dir, ['--baseline-report', recording, '--report', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(out);
    expect(report.meta.stored_baseline).toMatchObject({
      paired: 39,
      not_recorded: [],
      changed: ['c5'],
    });
    expect(report.cases.find((c) => c.id === 'c5')!.baseline).toBeUndefined();
    expect(report.cases.find((c) => c.id === 'c6')!.baseline).toBeDefined();
    expect(report.meta.warnings).toContain(
      `1 case(s) send something else than when ${recording} was recorded (their input, conversation or passages changed) and were not compared: "c5"`,
    );
    // The file's fingerprint says the dataset changed too.
    expect(report.meta.warnings.some((w) => w.startsWith('the dataset differs'))).toBe(true);
  });
});
