import { describe, expect, it } from 'vitest';
import { anthropicDialect } from '../../src/targets/anthropic.js';
import {
  BadResponseError,
  type Dialect,
  type ParsedReply,
  StreamError,
  streamErrorKind,
} from '../../src/targets/dialect.js';
import { openAiDialect } from '../../src/targets/openai.js';
import { SseParser } from '../../src/targets/sse.js';
import { StreamReader } from '../../src/targets/stream-reader.js';
import type { ErrorKind } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';
import { anthropicStream, chop, openAiStream } from '../helpers/sse-endpoint.js';

// The dialects' stream decoders are pure (events in, reply out): driven here with the exact
// bytes providers send, parsed by the real SSE parser.

const openai = openAiDialect({ baseUrl: 'http://h/v1', model: 'm', templates: {}, stream: true });
const anthropic = anthropicDialect({
  baseUrl: 'http://h',
  model: 'c',
  templates: {},
  stream: true,
});

/** Decodes a whole stream text; the reply, or what finish() or an event threw. */
function decode(d: Dialect, text: string): ParsedReply {
  const decoder = d.openStream!();
  const sse = new SseParser((type, data) => decoder.event(type, data));
  for (const piece of chop(text, 5)) sse.push(piece);
  sse.end();
  return decoder.finish();
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

const sse = (...events: string[]) => events.map((e) => `${e}\n\n`).join('');

describe('openai stream decoder', () => {
  it('joins the deltas and takes the usage from the include_usage chunk', () => {
    const text = openAiStream(['Hél', 'lo ', '🌍'], { prompt_tokens: 9, completion_tokens: 4 });
    expect(decode(openai, text)).toEqual({ output: 'Héllo 🌍', input_tokens: 9, output_tokens: 4 });
  });

  it('refuses a usage chunk claiming 1e308 tokens as implausible usage', () => {
    const text = openAiStream(['x'], { prompt_tokens: 1e308, completion_tokens: 1 });
    const err = thrown(() => decode(openai, text));
    expect(err).toBeInstanceOf(BadResponseError);
    expect(err.message).toMatch(/^implausible usage: usage\.prompt_tokens is 1e\+308/);
  });

  it('counts zero tokens when the server sends no usage (servers that ignore stream_options)', () => {
    const text = sse('data: {"choices":[{"index":0,"delta":{"content":"x"}}]}', 'data: [DONE]');
    expect(decode(openai, text)).toEqual({ output: 'x', input_tokens: 0, output_tokens: 0 });
  });

  it('reads choice 0 only when several choices interleave', () => {
    const text = sse(
      'data: {"choices":[{"index":1,"delta":{"content":"B"}}]}',
      'data: {"choices":[{"index":0,"delta":{"content":"A"}}]}',
      'data: {"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"a"}}]}',
      'data: [DONE]',
    );
    expect(decode(openai, text).output).toBe('Aa');
  });

  it('marks a stream without [DONE] as stream_cut, even when the text looks complete', () => {
    const err = thrown(() => decode(openai, openAiStream(['Paris'], undefined, { cut: true })));
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toMatchObject({ kind: 'stream_cut' });
    expect(err.message).toBe('the stream ended before [DONE]: the answer is incomplete');
  });

  it('ignores anything after [DONE]', () => {
    const text = sse('data: {"choices":[{"delta":{"content":"ok"}}]}', 'data: [DONE]', 'data: {');
    expect(decode(openai, text).output).toBe('ok');
  });

  it.each<[string, string, ErrorKind, RegExp]>([
    [
      'a server_error chunk',
      'data: {"error":{"message":"The server had an error","type":"server_error"}}',
      'http_5xx',
      /^the stream reported an error \(server_error\): The server had an error$/,
    ],
    [
      'a rate-limit chunk',
      'data: {"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}',
      'rate_limit',
      /\(requests\/rate_limit_exceeded\): slow down/,
    ],
    [
      'an invalid request',
      'data: {"error":{"message":"bad","type":"invalid_request_error"}}',
      'http_4xx',
      /invalid_request_error/,
    ],
    ['an error event with plain text', 'event: error\ndata: upstream died', 'http_5xx', /upstream/],
  ])('turns %s into a StreamError of its kind', (_label, event, kind, message) => {
    const text = sse('data: {"choices":[{"delta":{"content":"Hi"}}]}', event, 'data: [DONE]');
    const err = thrown(() => decode(openai, text));
    expect(err).toBeInstanceOf(StreamError);
    expect((err as StreamError).kind).toBe(kind);
    expect(err.message).toMatch(message);
  });

  it('reads tool-call fragments that carry no index: an id starts the next call', () => {
    const delta = (tool_calls: unknown[]) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls } }] })}`;
    const text = sse(
      delta([{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '' } }]),
      delta([{ function: { arguments: '{"a":4' } }]),
      delta([{ function: { arguments: '0,"b":2}' } }]),
      delta([{ id: 'call_2', type: 'function', function: { name: 'neg', arguments: '{"x"' } }]),
      delta([{ id: 'call_2', function: { arguments: ':1}' } }]),
      'data: [DONE]',
    );
    expect(decode(openai, text).tool_calls).toEqual([
      { id: 'call_1', name: 'add', arguments: { a: 40, b: 2 } },
      { id: 'call_2', name: 'neg', arguments: { x: 1 } },
    ]);
  });

  it('refuses a tool-call index that is not a whole number as a bad response', () => {
    const text = sse(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: -1, id: 'c', function: { name: 'f' } }] } }] })}`,
      'data: [DONE]',
    );
    const err = thrown(() => decode(openai, text));
    expect(err).toBeInstanceOf(BadResponseError);
    expect(err.message).toBe('a streamed tool call has the index -1');
  });

  it('rejects a data line that is not JSON as a bad response', () => {
    const err = thrown(() => decode(openai, sse('data: <html>oops</html>', 'data: [DONE]')));
    expect(err).toBeInstanceOf(BadResponseError);
    expect(err.message).toMatch(/^a stream event is not JSON/);
  });
});

describe('anthropic stream decoder', () => {
  it('joins text deltas; input tokens from message_start, output tokens from message_delta', () => {
    const text = anthropicStream(['Bon', 'jour ', '🥐'], { input_tokens: 30, output_tokens: 5 });
    expect(decode(anthropic, text)).toEqual({
      output: 'Bonjour 🥐',
      input_tokens: 30,
      output_tokens: 5,
    });
  });

  it('refuses a negative or non-numeric output count as implausible usage', () => {
    for (const output_tokens of [-5, 1e10, 'many'] as unknown as number[]) {
      const text = anthropicStream(['a'], { input_tokens: 2, output_tokens });
      const err = thrown(() => decode(anthropic, text));
      expect(err).toBeInstanceOf(BadResponseError);
      expect(err.message).toMatch(/^implausible usage: usage\.output_tokens is /);
    }
  });

  it('skips thinking deltas, keeps every text block, records tool input apart from the text', () => {
    const ev = (type: string, data: object) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
    const text = sse(
      ev('message_start', { message: { usage: { input_tokens: 3, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      ev('content_block_start', { index: 1, content_block: { type: 'text', text: 'A' } }),
      ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'B' } }),
      ev('content_block_start', { index: 2, content_block: { type: 'tool_use', name: 'f' } }),
      ev('content_block_delta', {
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{' },
      }),
      ev('content_block_start', { index: 3, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 3, delta: { type: 'text_delta', text: 'C' } }),
      ev('message_delta', { usage: { output_tokens: 12 } }),
      ev('message_stop', {}),
    );
    expect(decode(anthropic, text)).toEqual({
      output: 'ABC',
      input_tokens: 3,
      output_tokens: 12,
      // The stream never finished the tool's JSON: recorded as such, not crashed on.
      tool_calls: [{ name: 'f', arguments: null, invalid_arguments: '{' }],
    });
  });

  it('reads events by the type in their data when the event line is missing', () => {
    const text = sse(
      'data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"ok"}}',
      'data: {"type":"message_stop"}',
    );
    expect(decode(anthropic, text).output).toBe('ok');
  });

  it('marks a stream without message_stop as stream_cut', () => {
    const err = thrown(() =>
      decode(anthropic, anthropicStream(['a', 'b'], undefined, { cut: true })),
    );
    expect(err).toMatchObject({ kind: 'stream_cut' });
    expect(err.message).toBe('the stream ended before message_stop: the answer is incomplete');
  });

  it.each<[string, ErrorKind]>([
    ['overloaded_error', 'http_5xx'],
    ['api_error', 'http_5xx'],
    ['rate_limit_error', 'rate_limit'],
    ['invalid_request_error', 'http_4xx'],
  ])('turns an error event of type %s into %s', (type, kind) => {
    const text =
      anthropicStream(['x'], undefined, { cut: true }) +
      sse(`event: error\ndata: {"type":"error","error":{"type":"${type}","message":"Overloaded"}}`);
    const err = thrown(() => decode(anthropic, text));
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toMatchObject({
      kind,
      message: `the stream reported an error (${type}): Overloaded`,
    });
  });
});

describe('streamErrorKind', () => {
  it.each<[string, ErrorKind]>([
    ['rate_limit_exceeded', 'rate_limit'],
    ['tokens/rate_limit_exceeded', 'rate_limit'],
    ['overloaded_error', 'http_5xx'],
    ['server_error', 'http_5xx'],
    ['something_new', 'http_5xx'],
    ['insufficient_quota', 'http_4xx'],
    ['authentication_error', 'http_4xx'],
    ['not_found_error', 'http_4xx'],
    ['request_too_large', 'http_4xx'],
  ])('%s → %s', (type, kind) => {
    expect(streamErrorKind(type)).toBe(kind);
  });
});

describe('StreamReader', () => {
  /** A reader whose chunks arrive at the times the test gives. */
  function reader(d: Dialect) {
    return { r: new StreamReader(d.openStream!()) };
  }

  const event = (content: string) =>
    Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);

  it('times the first non-empty text, not the first event, and derives tpot from it', () => {
    const { r } = reader(openai);
    const sink = r.consume(200, { 'content-type': 'text/event-stream' })!;
    expect(r.used).toBe(true);
    sink(event(''), 110); // the role-only opening chunk carries no text
    sink(event('Hel'), 140);
    sink(event('lo'), 170);
    sink(
      Buffer.from('data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4}}\n\n'),
      171,
    );
    sink(Buffer.from('data: [DONE]\n\n'), 172);
    const reply = r.finish();
    expect(reply).toEqual({ output: 'Hello', input_tokens: 5, output_tokens: 4 });
    // Started at 100, done at 100 + 250: ttft 40, then (250 - 40) / (4 - 1) per token.
    expect(r.timings(100, 250, reply.output_tokens)).toEqual({ ttft_ms: 40, tpot_ms: 70 });
  });

  it('gives ttft without tpot for a one-token answer, and nothing for an empty one', () => {
    const one = reader(openai);
    one.r.consume(200, {})!(event('A'), 30);
    expect(one.r.timings(0, 50, 1)).toEqual({ ttft_ms: 30 });
    expect(one.r.timings(0, 50, 0)).toEqual({ ttft_ms: 30 });

    const none = reader(openai);
    none.r.consume(200, {})!(event(''), 0);
    expect(none.r.timings(0, 50, 3)).toEqual({});
  });

  it('leaves error statuses and JSON bodies to be read whole', () => {
    const { r } = reader(openai);
    expect(r.consume(429, { 'content-type': 'text/event-stream' })).toBeUndefined();
    expect(r.consume(200, { 'content-type': 'application/json; charset=utf-8' })).toBeUndefined();
    expect(r.used).toBe(false);
  });
});

describe('streaming requests', () => {
  it('openai asks for a stream with usage in the last chunk, keeping other stream_options', () => {
    const d = openAiDialect({
      baseUrl: 'http://h/v1',
      model: 'm',
      templates: {},
      stream: true,
      params: { temperature: 0, stream_options: { continuous_usage_stats: true } },
    });
    expect(JSON.parse(d.buildRequest(goldenCase({ input: 'hi' })).body!)).toEqual({
      model: 'm',
      temperature: 0,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { continuous_usage_stats: true, include_usage: true },
    });
  });

  it('anthropic adds stream: true and keeps max_tokens and system', () => {
    const d = anthropicDialect({
      baseUrl: 'http://h',
      model: 'c',
      templates: { system: 'Be brief.' },
      stream: true,
    });
    expect(JSON.parse(d.buildRequest(goldenCase({ input: 'hi' })).body!)).toEqual({
      model: 'c',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'hi' }],
      system: 'Be brief.',
      stream: true,
    });
  });

  it('a dialect without stream: true has no stream decoder and sends no stream flag', () => {
    const d = openAiDialect({ baseUrl: 'http://h/v1', model: 'm', templates: {} });
    expect(d.openStream).toBeUndefined();
    expect(JSON.parse(d.buildRequest(goldenCase()).body!)).not.toHaveProperty('stream');
  });
});
