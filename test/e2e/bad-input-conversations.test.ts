// Conversations, tool calls and RAG fields that are wrong are bad input like any other: exit 2,
// the file, line and field path named, not one request received by the loopback endpoint. Each
// kind runs the real CLI bundle, for `validate` and for `run`.

import { describe } from 'vitest';
import {
  CONFIG,
  cfg,
  itRejectsEach,
  type Kind,
  lineOf,
  useBadInputServer,
} from '../helpers/bad-input.js';

const GOOD = [
  '{"id": "c1", "input": "q1", "expected": "a1"}',
  '{"id": "c2", "messages": [{"role": "user", "content": "q2"}], "expected": "a2"}',
];

/** The golden set with `line` as its third case. */
const withCase = (line: string) => ({ 'golden.jsonl': [...GOOD, line].join('\n') });

const UNANSWERED =
  '{"id": "c3", "messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "18C"}]}';

const kinds = (command: 'run' | 'validate'): Kind[] => [
  {
    name: 'a tool turn answering no call, and the call left unanswered',
    command,
    files: () => withCase(UNANSWERED),
    where: () => [
      'golden.jsonl:3 (messages.2.tool_call_id)',
      'golden.jsonl:3 (messages.1.tool_calls.0)',
    ],
    says: [
      /"call_2" answers no earlier assistant tool call in this conversation/,
      /is never answered: add a tool turn with tool_call_id "call_1"/,
    ],
  },
  {
    name: 'a turn with an unknown role and one without content',
    command,
    files: () =>
      withCase('{"id": "c3", "messages": [{"role": "human", "content": "hi"}, {"role": "user"}]}'),
    where: () => ['golden.jsonl:3 (messages.0.role)', 'golden.jsonl:3 (messages.1.content)'],
    says: [/must be one of system, user, assistant, tool, developer, got "human"/, /is required/],
  },
  {
    name: 'expected_tool_calls with arguments that are not JSON',
    command,
    files: () =>
      withCase(
        '{"id": "c3", "input": "q", "expected_tool_calls": [{"type": "function", "function": {"name": "refund", "arguments": "{amount: 25}"}}]}',
      ),
    where: () => ['golden.jsonl:3 (expected_tool_calls.0.function.arguments)'],
    says: [/is not valid JSON/],
  },
  {
    name: 'a YAML conversation: the line of the faulty turn',
    command,
    files: (url) => ({
      [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: golden.yaml']),
      'golden.yaml': [
        '- id: c1',
        '  messages:',
        '    - {role: system, content: Be brief.}',
        '    - role: tool',
        '      content: orphan',
        '  expected: a',
      ].join('\n'),
    }),
    where: () => ['golden.yaml:4 (messages.1)'],
    says: [/answers no call: the assistant turn before it has no unanswered call/],
  },
  {
    name: 'a CSV messages cell that is not JSON',
    command,
    files: (url) => ({
      [CONFIG]: cfg(url, ['dataset: golden.jsonl', 'dataset: golden.csv']),
      'golden.csv':
        'id,messages,expected\nc1,"[{""role"": ""user"", ""content"": ""q""}]",a\nc2,[{role: user}],b\n',
    }),
    where: () => ['golden.csv:3 (messages)'],
    says: [/is not valid JSON/],
  },
  {
    name: 'an http target whose tool_calls path is not a string',
    command,
    files: (url) => ({
      [CONFIG]: cfg(url, [
        '  candidate:\n    type: openai\n    base_url: ' +
          url +
          '\n    model: cand-model\n    api_key_env: TEST_KEY',
        `  candidate:\n    type: http\n    url: ${url}/app\n    output: answer\n    tool_calls: 3\n    context: ''`,
      ]),
    }),
    where: (f) => [
      `${CONFIG}:${lineOf(f[CONFIG]!, 'tool_calls: 3')} (targets.candidate.tool_calls)`,
      `(targets.candidate.context)`,
    ],
    says: [/expected string/i],
  },
];

describe('bad conversations and tool calls are bad input (CLI bundle)', () => {
  const server = useBadInputServer();
  itRejectsEach([...kinds('validate'), ...kinds('run')], server);
});
