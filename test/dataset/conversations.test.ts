import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { hashId } from '../../src/dataset/normalize.js';
import { MAX_LIST_ITEMS } from '../../src/dataset/rag-fields.js';
import { inputError, tempDir } from './helpers.js';

// Conversations, tool calls, canned results and RAG fields: what loads, into which shape, and
// the one message (file:line (field.path): what is wrong) each mistake gets.

async function load(name: string, text: string) {
  const dir = tempDir({ [name]: text });
  return (await loadDataset(name, dir)).cases;
}

/** Every problem of a file as the user reads it, the folder left out. */
async function problems(name: string, text: string): Promise<string[]> {
  const dir = tempDir({ [name]: text });
  const err = await inputError(loadDataset(name, dir));
  return err.message.replaceAll(`${dir}${path.sep}`, '').split('\n');
}

const jsonl = (...cases: unknown[]) => `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`;

const WEATHER_CALL = {
  id: 'call_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};

describe('messages', () => {
  it('a conversation with a tool turn loads; the wire shape of a call is read into {name, arguments, id}', async () => {
    const [c] = await load(
      'a.jsonl',
      jsonl({
        messages: [
          { role: 'system', content: 'You are a weather bot.' },
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
          { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: '18C, sunny' },
          { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
        ],
      }),
    );
    expect(c!.messages).toEqual([
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: '18C, sunny' },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
    // Without input there is no last turn to add: the conversation is the whole question.
    expect(c!.input).toBe('');
    expect(c!.metadata).toEqual({});
  });

  it('the plain shape {id, name, arguments: {...}} is read the same; an assistant turn without content is null', async () => {
    const [c] = await load(
      'a.jsonl',
      jsonl({
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: '18C' },
        ],
        input: 'Thanks. And Rome?',
      }),
    );
    expect(c!.messages![1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
    // input stays apart: the wire sends it as the last user turn after the messages.
    expect(c!.messages).toHaveLength(3);
    expect(c!.input).toBe('Thanks. And Rome?');
  });

  it('messages alone, or messages and input, make the id; two conversations ending in the same question differ', async () => {
    const cases = await load(
      'a.jsonl',
      jsonl(
        {
          messages: [
            { role: 'system', content: 'Be terse.' },
            { role: 'user', content: 'Hi' },
          ],
        },
        {
          messages: [
            { role: 'system', content: 'Be verbose.' },
            { role: 'user', content: 'Hi' },
          ],
        },
        { input: 'Hi' },
      ),
    );
    expect(new Set(cases.map((c) => c.id)).size).toBe(3);
    // A case without messages or context keeps the id it always had.
    expect(cases[2]!.id).toBe(hashId('Hi'));
    expect(cases[0]!.id).toBe(hashId('', { messages: cases[0]!.messages }));
  });

  it('every mistake is named with its line and the path of the turn', async () => {
    const text = jsonl(
      { input: 'ok' },
      { messages: 'hello' },
      { messages: [] },
      { messages: [{ role: 'bot', content: 'x' }, { content: 'y' }, 'z'] },
      {
        messages: [
          { role: 'user' },
          { role: 'user', content: 7 },
          { role: 'system', content: null },
        ],
      },
      { messages: [{ role: 'user', content: [] }] },
      { messages: [{ role: 'user', content: [{ text: 'x' }, { type: 'text', text: 3 }] }] },
      { messages: [{ role: 'system', content: 'only a system turn' }] },
      { messages: [{ role: 'user', content: 'q', tool_calls: [WEATHER_CALL] }] },
      { messages: [{ role: 'user', content: 'q', tool_call_id: 'x' }] },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'tool', content: 'r' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'tool', tool_call_id: 'nope', content: 'r' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
          { role: 'user', content: 'well?' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [{ name: 'f', arguments: {} }] },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
          { role: 'tool', tool_call_id: 'call_1', content: 'r' },
          { role: 'tool', tool_call_id: 'call_1', content: 'again' },
        ],
      },
      { messages: [{ role: 'user', content: 'q' }], input: [{ role: 'user', content: 'x' }] },
    );
    expect(await problems('golden.jsonl', text)).toEqual([
      'golden.jsonl:2 (messages): must be a list of turns {role, content}, got a string',
      'golden.jsonl:3 (messages): must not be an empty list of turns',
      'golden.jsonl:4 (messages.0.role): must be one of system, user, assistant, tool, developer, got "bot"',
      'golden.jsonl:4 (messages.1.role): is required: one of system, user, assistant, tool, developer',
      'golden.jsonl:4 (messages.2): each turn must be an object {role, content}, got a string',
      'golden.jsonl:5 (messages.0.content): is required (null only for an assistant turn that makes tool calls)',
      'golden.jsonl:5 (messages.1.content): must be a string or a list of parts [{type: "text", text}], got a number',
      'golden.jsonl:5 (messages.2.content): may be null only for an assistant turn that makes tool calls',
      'golden.jsonl:6 (messages.0.content): must not be an empty list of parts',
      'golden.jsonl:7 (messages.0.content.0): each part must be an object with a "type", e.g. {type: "text", text: "..."}, got an object',
      'golden.jsonl:7 (messages.0.content.1.text): a text part needs "text" as a string, got a number',
      'golden.jsonl:8 (messages): has no user turn: a conversation needs at least one (or give "input" as its last)',
      'golden.jsonl:9 (messages.0.tool_calls): only an assistant turn makes tool calls',
      'golden.jsonl:10 (messages.0.tool_call_id): only a tool turn answers a tool call',
      'golden.jsonl:11 (messages.1): answers no call: the assistant turn before it has no unanswered call',
      'golden.jsonl:12 (messages.1.tool_call_id): "nope" answers no earlier assistant tool call in this conversation',
      'golden.jsonl:13 (messages.1.tool_calls.0): is never answered: add a tool turn with tool_call_id "call_1" right after this turn',
      'golden.jsonl:14 (messages.1.tool_calls.0): is never answered: add a tool turn answering this "f" call right after this turn',
      'golden.jsonl:15 (messages.3.tool_call_id): "call_1" was answered already or is not from the assistant turn just before this one',
      'golden.jsonl:16 (input): must be a string when the case has "messages": it is sent as the last user turn (put the other turns in "messages")',
    ]);
  });

  it('a call in the wire shape: bad JSON arguments, a wrong type, a missing name', async () => {
    const turn = (call: unknown) => ({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'c', content: 'r' },
      ],
    });
    const text = jsonl(
      turn({ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }),
      turn({ id: 'c', type: 'retrieval', function: { name: 'f', arguments: '{}' } }),
      turn({ id: 'c', function: { arguments: '[1]' } }),
      turn({ id: 7, name: 'f', arguments: 'x' }),
    );
    const lines = await problems('golden.jsonl', text);
    expect(lines[0]).toMatch(
      /^golden\.jsonl:1 \(messages\.1\.tool_calls\.0\.function\.arguments\): is not valid JSON: /,
    );
    expect(lines.slice(1)).toEqual([
      'golden.jsonl:2 (messages.1.tool_calls.0.type): must be "function" (the only kind of tool call), got "retrieval"',
      "golden.jsonl:3 (messages.1.tool_calls.0.function.name): is required: the tool's name",
      'golden.jsonl:3 (messages.1.tool_calls.0.function.arguments): must hold a JSON object, got an array',
      expect.stringMatching(
        /^golden\.jsonl:4 \(messages\.1\.tool_calls\.0\.arguments\): is not valid JSON/,
      ),
      'golden.jsonl:4 (messages.1.tool_calls.0.id): must be a non-empty string, got a number',
    ]);
  });

  it('a tool turn without tool_call_id answers the earliest open call (of its name), as the wire pairs them', async () => {
    const [c] = await load(
      'a.jsonl',
      jsonl({
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { name: 'get_weather', arguments: { city: 'Paris' } },
              { name: 'get_time', arguments: { city: 'Rome' } },
            ],
          },
          { role: 'tool', name: 'get_time', content: '10:00' },
          { role: 'tool', content: '18C' },
        ],
        input: 'Thanks',
      }),
    );
    expect(c!.messages).toHaveLength(4);
    expect(
      await problems(
        'b.jsonl',
        jsonl({
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: null, tool_calls: [{ name: 'f' }] },
            { role: 'tool', name: 'g', content: 'r' },
          ],
        }),
      ),
    ).toEqual([
      'b.jsonl:1 (messages.2): answers no call: the assistant turn before it has no unanswered "g" call',
      'b.jsonl:1 (messages.1.tool_calls.0): is never answered: add a tool turn answering this "f" call right after this turn',
    ]);
  });

  it(`a conversation of more than ${MAX_LIST_ITEMS} turns is refused`, async () => {
    const turns = Array.from({ length: MAX_LIST_ITEMS + 1 }, () => ({
      role: 'user',
      content: 'x',
    }));
    expect(await problems('a.jsonl', jsonl({ messages: turns }))).toEqual([
      `a.jsonl:1 (messages): has ${MAX_LIST_ITEMS + 1} turns; keep a conversation to ${MAX_LIST_ITEMS} or fewer`,
    ]);
  });

  it('YAML points at the line of the faulty turn', async () => {
    const yaml = [
      '- id: weather',
      '  messages:',
      '    - role: user',
      '      content: Weather in Paris?',
      '    - role: assistant',
      '      content: null',
      '      tool_calls:',
      '        - {id: call_1, name: get_weather, arguments: {city: Paris}}',
      '    - role: tool',
      '      tool_call_id: call_2',
      '      content: 18C',
    ].join('\n');
    expect(await problems('a.yaml', yaml)).toEqual([
      'a.yaml:8 (messages.1.tool_calls.0): is never answered: add a tool turn with tool_call_id "call_1" right after this turn',
      'a.yaml:10 (messages.2.tool_call_id): "call_2" answers no earlier assistant tool call in this conversation',
    ]);
  });
});

describe('expected_tool_calls and tool_results', () => {
  it('both shapes; arguments left out mean any arguments', async () => {
    const [c] = await load(
      'a.jsonl',
      jsonl({
        input: 'Refund order 7',
        expected_tool_calls: [
          { name: 'lookup_order', arguments: { id: 7 } },
          { type: 'function', function: { name: 'refund', arguments: '{"amount": 25}' } },
          { name: 'notify' },
        ],
        tool_results: [
          { name: 'lookup_order', arguments: { id: 7 }, result: { total: 25 } },
          { name: 'refund', result: 'ok' },
          { name: 'notify', output: null },
        ],
      }),
    );
    expect(c!.expected_tool_calls).toEqual([
      { name: 'lookup_order', arguments: { id: 7 } },
      { name: 'refund', arguments: { amount: 25 } },
      { name: 'notify', arguments: undefined },
    ]);
    expect(c!.tool_results).toEqual([
      { name: 'lookup_order', arguments: { id: 7 }, result: { total: 25 } },
      { name: 'refund', result: 'ok' },
      { name: 'notify', result: null },
    ]);
  });

  it('DeepEval expected_tools (input_parameters) and Ragas reference_tool_calls (args) are read; DeepEval tools_called is a past run, dropped', async () => {
    const cases = await load(
      'a.jsonl',
      jsonl(
        {
          input: 'a',
          expected_tools: [{ name: 'search', input_parameters: { q: 'x' } }],
          tools_called: [{ name: 'search' }],
        },
        { user_input: 'b', reference_tool_calls: [{ name: 'search', args: { q: 'y' } }] },
      ),
    );
    expect(cases[0]!.expected_tool_calls).toEqual([{ name: 'search', arguments: { q: 'x' } }]);
    expect(cases[0]!.metadata).toEqual({});
    expect(cases[1]!.expected_tool_calls).toEqual([{ name: 'search', arguments: { q: 'y' } }]);
  });

  it('every mistake is named with its line and path', async () => {
    const text = jsonl(
      { input: 'a', expected_tool_calls: { name: 'f' } },
      { input: 'a', expected_tool_calls: ['f', { arguments: {} }, { name: 'g', arguments: [1] }] },
      { input: 'a', expected_tool_calls: [{ name: 'x'.repeat(300) }] },
      { input: 'a', tool_results: [{ name: 'f' }, { result: 1 }, 3] },
      { input: 'a', tool_results: 'ok' },
    );
    expect(await problems('a.jsonl', text)).toEqual([
      'a.jsonl:1 (expected_tool_calls): must be a list of tool calls, got an object',
      'a.jsonl:2 (expected_tool_calls.0): each tool call must be an object {name, arguments}, got a string',
      "a.jsonl:2 (expected_tool_calls.1.name): is required: the tool's name",
      'a.jsonl:2 (expected_tool_calls.2.arguments): must be an object (or its JSON text), got an array',
      'a.jsonl:3 (expected_tool_calls.0.name): is 300 characters long; keep tool names to 256 or fewer',
      'a.jsonl:4 (tool_results.0.result): is required: what the tool returns (a string is sent as is, anything else as JSON)',
      "a.jsonl:4 (tool_results.1.name): is required: the tool's name",
      'a.jsonl:4 (tool_results.2): each tool call must be an object {name, arguments}, got a number',
      'a.jsonl:5 (tool_results): must be a list of {name, arguments?, result}, got a string',
    ]);
  });
});

describe('context and expected_sources', () => {
  it('a string is one passage; a list stays; ids may be numbers', async () => {
    const cases = await load(
      'a.jsonl',
      jsonl(
        { input: 'a', context: 'Shipping takes 3-5 days.', expected_sources: ['doc-1', 2] },
        { input: 'b', context: [], expected_sources: 'doc-9' },
      ),
    );
    expect(cases[0]).toMatchObject({
      context: ['Shipping takes 3-5 days.'],
      expected_sources: ['doc-1', '2'],
    });
    expect(cases[1]).toMatchObject({ context: [], expected_sources: ['doc-9'] });
  });

  it('Ragas retrieved_contexts and reference_context_ids, DeepEval retrieval_context; the canonical name wins', async () => {
    const cases = await load(
      'a.jsonl',
      jsonl(
        { user_input: 'a', retrieved_contexts: ['p1'], reference_context_ids: ['d1'] },
        { input: 'b', retrieval_context: ['p2'], retrieved_context_ids: ['d2'] },
        { input: 'c', context: ['mine'], retrieval_context: ['theirs'] },
      ),
    );
    expect(cases[0]).toMatchObject({ context: ['p1'], expected_sources: ['d1'], metadata: {} });
    // The ids a past retrieval returned are a record of that run, kept where slices can see them.
    expect(cases[1]).toMatchObject({
      context: ['p2'],
      metadata: { retrieved_context_ids: ['d2'] },
    });
    expect(cases[2]).toMatchObject({
      context: ['mine'],
      metadata: { retrieval_context: ['theirs'] },
    });
  });

  it('passages and context make the id: the same question over other passages is another case', async () => {
    const cases = await load(
      'a.jsonl',
      jsonl({ input: 'q', context: 'a' }, { input: 'q', context: 'b' }),
    );
    expect(cases[0]!.id).not.toBe(cases[1]!.id);
  });

  it('every mistake is named with its line and path', async () => {
    const text = jsonl(
      { input: 'a', context: '  ' },
      { input: 'a', context: ['ok', 3] },
      { input: 'a', context: { text: 'x' } },
      { input: 'a', expected_sources: [''] },
      { input: 'a', expected_sources: { id: 1 } },
      { input: 'a', context: Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'p') },
    );
    expect(await problems('a.jsonl', text)).toEqual([
      'a.jsonl:1 (context): must not be empty (leave it out, or give [] for "nothing retrieved")',
      'a.jsonl:2 (context.1): each passage must be a string, got a number',
      'a.jsonl:3 (context): must be a passage (a string) or a list of passages, got an object',
      'a.jsonl:4 (expected_sources.0): each source id must be a non-empty string or a number, got a string',
      'a.jsonl:5 (expected_sources): must be a list of source ids, got an object',
      `a.jsonl:6 (context): has ${MAX_LIST_ITEMS + 1} passages; keep it to ${MAX_LIST_ITEMS} or fewer`,
    ]);
  });
});

describe('every format carries the new fields', () => {
  const conversation = [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
    { role: 'tool', tool_call_id: 'call_1', content: '18C' },
  ];
  const want = {
    id: 'w',
    input: 'And Rome?',
    expected_tool_calls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
    context: ['Rome is in Italy.'],
    expected_sources: ['wiki-rome'],
  };

  it('JSON and YAML', async () => {
    const record = {
      id: 'w',
      messages: conversation,
      input: 'And Rome?',
      expected_tool_calls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
      context: 'Rome is in Italy.',
      expected_sources: ['wiki-rome'],
    };
    const [fromJson] = await load('a.json', JSON.stringify({ cases: [record] }, null, 2));
    expect(fromJson).toMatchObject(want);
    expect(fromJson!.messages).toHaveLength(3);
    const yaml = [
      '- id: w',
      '  messages:',
      '    - {role: user, content: Weather in Paris?}',
      '    - role: assistant',
      '      content: null',
      '      tool_calls: [{id: call_1, type: function, function: {name: get_weather, arguments: \'{"city":"Paris"}\'}}]',
      '    - {role: tool, tool_call_id: call_1, content: 18C}',
      '  input: And Rome?',
      '  expected_tool_calls: [{name: get_weather, arguments: {city: Rome}}]',
      '  context: Rome is in Italy.',
      '  expected_sources: [wiki-rome]',
    ].join('\n');
    const [fromYaml] = await load('a.yaml', yaml);
    expect(fromYaml).toMatchObject(want);
    expect(fromYaml!.messages).toEqual(fromJson!.messages);
  });

  it('CSV: JSON cells for messages and calls, a list or one passage for context, ids split like tags', async () => {
    const cell = (v: unknown) => `"${JSON.stringify(v).replaceAll('"', '""')}"`;
    const csv = [
      'id,messages,input,expected_tool_calls,tool_results,context,expected_sources',
      [
        'w',
        cell(conversation),
        'And Rome?',
        cell([{ name: 'get_weather', arguments: { city: 'Rome' } }]),
        cell([{ name: 'get_weather', result: '21C' }]),
        cell(['Rome is in Italy.']),
        'wiki-rome',
      ].join(','),
      ['v', '', 'q', '', '', '[1] is a footnote; one passage', 'a; b'].join(','),
    ].join('\n');
    const cases = await load('a.csv', csv);
    expect(cases[0]).toMatchObject({
      ...want,
      tool_results: [{ name: 'get_weather', result: '21C' }],
    });
    expect(cases[0]!.messages).toHaveLength(3);
    expect(cases[1]).toMatchObject({
      context: ['[1] is a footnote; one passage'],
      expected_sources: ['a', 'b'],
    });
  });

  it('CSV: a cell that is not JSON, or a bracketed context that is no list, names its row and column', async () => {
    const csv = [
      'input,messages,context',
      'a,"[{""role"": ""user"",]",',
      'b,,"[\'unclosed]"',
      'c,"[{""role"": ""user"", ""content"": 1}]",',
    ].join('\n');
    const lines = await problems('a.csv', csv);
    expect(lines[0]).toMatch(/^a\.csv:2 \(messages\): is not valid JSON: /);
    expect(lines.slice(1)).toEqual([
      'a.csv:3 (context): looks like a list but is not one: write the passages as a JSON list of strings, or one passage as plain text',
      'a.csv:4 (messages.0.content): must be a string or a list of parts [{type: "text", text}], got a number',
    ]);
  });
});

describe("pandas' Python repr of a list column", () => {
  it('reads quotes, escapes and unicode; refuses anything else', async () => {
    const { pythonStringList } = await import('../../src/dataset/python-list.js');
    expect(
      pythonStringList(`['a', "it's", 'say \\'hi\\'', 'tab\\there', '\\u00e9\\x41', '']`),
    ).toEqual(['a', "it's", "say 'hi'", 'tab\there', 'éA', '']);
    expect(pythonStringList('[]')).toEqual([]);
    for (const bad of ["['a'", "['a',]", '[1, 2]', "['a'] x", "['\\x4']", "[['a']]"]) {
      expect(pythonStringList(bad), bad).toBeUndefined();
    }
  });
});
