import fc from 'fast-check';
import { describe } from 'vitest';
import { anthropicDialect } from '../../src/targets/anthropic.js';
import {
  BadResponseError,
  type Dialect,
  type ParsedReply,
  StreamError,
} from '../../src/targets/dialect.js';
import { httpAppDialect } from '../../src/targets/http-app.js';
import { openAiDialect } from '../../src/targets/openai.js';
import { SseParser } from '../../src/targets/sse.js';
import { StreamReader } from '../../src/targets/stream-reader.js';
import { TransportError } from '../../src/targets/transport.js';
import {
  AWKWARD_NUMBERS,
  fuzzProperty,
  must,
  mustSerialise,
  nested,
  outcome,
  soup,
} from './support.js';

const SUITE = 'responses';

/** What a dialect may throw at a reply: the classes the runner turns into an error kind. */
const documented = (err: unknown) =>
  err instanceof BadResponseError || err instanceof StreamError || err instanceof TransportError;

/** A reply the runner can score, count and price: text, and token counts that add up. */
function checkReply(r: ParsedReply): void {
  must(typeof r.output === 'string', `output is ${typeof r.output}`);
  for (const k of ['input_tokens', 'output_tokens'] as const) {
    const v = r[k];
    must(
      typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER,
      `${k} is ${v}: token counts must be finite, non-negative and at most 2^53`,
    );
  }
}

function checkError(err: unknown): void {
  must(err instanceof Error && err.message.trim() !== '', 'an error without a message');
}

/** One reply read: accepted when it passes checkReply, rejected when it throws a documented error. */
function replyOutcome(read: () => ParsedReply) {
  return outcome(read, documented, checkReply, checkError);
}

const chat = { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', templates: {} };
const dialects: Record<string, () => Dialect> = {
  openai: () => openAiDialect(chat),
  anthropic: () => anthropicDialect(chat),
};

const tokenValue = fc.oneof(fc.constantFrom(...AWKWARD_NUMBERS), fc.double(), fc.integer());
const contentValue = fc.oneof(
  fc.string(),
  fc.constantFrom(null, undefined, 1, true, {}, []),
  fc.array(
    fc.oneof(
      fc.record(
        { type: fc.constantFrom('text', 'image'), text: fc.oneof(fc.string(), fc.integer()) },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    { maxLength: 3 },
  ),
);

/** Bodies shaped like each provider's reply, with every field possibly wrong. */
const replyShaped = fc.oneof(
  fc.record(
    {
      choices: fc.oneof(
        fc.array(
          fc.record(
            {
              message: fc.oneof(
                fc.record({ content: contentValue }, { requiredKeys: [] }),
                fc.jsonValue({ maxDepth: 1 }),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      usage: fc.oneof(
        fc.record(
          { prompt_tokens: tokenValue, completion_tokens: tokenValue },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      content: fc.oneof(contentValue, fc.jsonValue({ maxDepth: 2 })),
      usage: fc.oneof(
        fc.record({ input_tokens: tokenValue, output_tokens: tokenValue }, { requiredKeys: [] }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  ),
);

/** JSON text with numbers JSON.stringify cannot write (1e999, -0, 1e308) spliced in. */
const body = fc.oneof(
  replyShaped.map((v) =>
    (JSON.stringify(v) ?? 'null').replace(
      /"__N(\d)"/g,
      (_m, d) => ['1e999', '-0', '1e308', '-1e999'][Number(d) % 4]!,
    ),
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  soup([
    '{',
    '}',
    '[',
    ']',
    '"choices"',
    '"content"',
    '"usage"',
    ':',
    ',',
    '"x"',
    '1e308',
    'null',
    '"message"',
    '"text"',
    '"type"',
  ]),
);

describe('whole replies', () => {
  for (const [name, make] of Object.entries(dialects)) {
    fuzzProperty(
      SUITE,
      `${name} parseReply: a reply with sane token counts or a BadResponseError`,
      body,
      (text) => replyOutcome(() => make().parseReply(text)),
      { numRuns: 1_000 },
    );
  }

  const dotPath = fc.oneof(
    fc.constantFrom(
      'answer',
      'data.answer',
      'choices.0.text',
      '__proto__',
      'constructor',
      'a.constructor.name',
      'toString',
      'length',
      '',
      '.',
      'a..b',
      'a.length',
    ),
    fc
      .array(
        fc.constantFrom('a', 'b', '0', '1', '__proto__', 'constructor', 'prototype', 'length', ''),
        { minLength: 1, maxLength: 4 },
      )
      .map((s) => s.join('.')),
  );

  fuzzProperty(
    SUITE,
    'http parseReply at any output and usage path: a reply or a BadResponseError',
    fc.record({
      output: dotPath,
      usageIn: fc.option(dotPath),
      json: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record({
          a: fc.jsonValue({ maxDepth: 2 }),
          answer: fc.jsonValue({ maxDepth: 2 }),
          data: fc.record({ answer: fc.jsonValue({ maxDepth: 2 }) }),
        }),
        fc.record({ a: fc.record({ b: tokenValue, '0': tokenValue }), b: tokenValue }),
      ),
    }),
    ({ output, usageIn, json }) =>
      replyOutcome(() =>
        httpAppDialect({
          url: 'http://127.0.0.1:1/',
          method: 'POST',
          output,
          usage: usageIn === null ? undefined : { input_tokens: usageIn, output_tokens: usageIn },
        }).parseReply(JSON.stringify(json) ?? 'null'),
      ),
    { numRuns: 800 },
  );

  fuzzProperty(
    SUITE,
    'http parseReply of an answer nested thousands of levels deep: a reply or a BadResponseError',
    fc.oneof(nested('[', ']', '1', 50_000), nested('{"a":', '}', '1', 50_000)),
    (deep) =>
      outcome(
        () =>
          httpAppDialect({
            url: 'http://127.0.0.1:1/',
            method: 'POST',
            output: 'answer',
          }).parseReply(`{"answer":${deep}}`),
        documented,
        (r) => {
          checkReply(r);
          mustSerialise(r, 'the reply');
        },
        checkError,
      ),
    { numRuns: 30, shrink: false },
  );
});

// --- server-sent events -----------------------------------------------------------------------

type Event = [string, string];

function parseAll(chunks: Buffer[]): Event[] {
  const events: Event[] = [];
  const p = new SseParser((type, data) => events.push([type, data]));
  for (const c of chunks) p.push(c);
  p.end();
  return events;
}

/** The WHATWG event-stream rules written plainly, over the whole text at once. */
function reference(bytes: Buffer): Event[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the part after the last line end is not a line: a cut mid-line is no event
  const events: Event[] = [];
  let type = '';
  let data: string[] = [];
  const dispatch = () => {
    if (data.length) events.push([type || 'message', data.join('\n')]);
    type = '';
    data = [];
  };
  for (const line of lines) {
    if (line === '') dispatch();
    else if (line.startsWith(':')) continue;
    else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') type = value;
    }
  }
  dispatch();
  return events;
}

const sseText = soup(
  [
    'data: ',
    'data:',
    'data',
    'event: ',
    'event:x',
    ': ping',
    'id: 1',
    'retry: 5',
    '\n',
    '\r',
    '\r\n',
    '\n\n',
    'é',
    '😀',
    '{"a":1}',
    '[DONE]',
    ' ',
    ':',
  ],
  120,
);
const sseBytes = fc.oneof(
  sseText.map((t) => Buffer.from(t)),
  fc
    .tuple(sseText, fc.uint8Array({ maxLength: 40 }), sseText)
    .map(([a, b, c]) => Buffer.concat([Buffer.from(a), Buffer.from(b), Buffer.from(c)])),
);

/** Cut points in 0..1 (scaled to the stream's length): the same bytes in different chunks. */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function chunked(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('SSE parser', () => {
  fuzzProperty(
    SUITE,
    'sse: any chunking of the same bytes yields the same events, equal to the reference grammar',
    fc.record({ bytes: sseBytes, cuts, byteByByte: fc.boolean() }),
    ({ bytes, cuts: at, byteByByte }) =>
      outcome(
        () => {
          const whole = parseAll([bytes]);
          const split = byteByByte
            ? parseAll([...bytes].map((b) => Buffer.from([b])))
            : parseAll(chunked(bytes, at));
          must(
            JSON.stringify(split) === JSON.stringify(whole),
            `chunking changed the events: ${JSON.stringify(whole).slice(0, 200)} vs ${JSON.stringify(split).slice(0, 200)}`,
          );
          const ref = reference(bytes);
          must(
            JSON.stringify(ref) === JSON.stringify(whole),
            `differs from the reference: ${JSON.stringify(ref).slice(0, 200)} vs ${JSON.stringify(whole).slice(0, 200)}`,
          );
        },
        () => false,
      ),
    { numRuns: 1_000 },
  );

  fuzzProperty(
    SUITE,
    'sse: a long line or many events in small chunks parse in bounded time',
    fc.record({
      kind: fc.constantFrom('line', 'events', 'crs', 'data-lines'),
      size: fc.integer({ min: 1_000, max: 300_000 }),
      chunk: fc.integer({ min: 1, max: 4_096 }),
    }),
    ({ kind, size, chunk }) => {
      const text =
        kind === 'line'
          ? `data: ${'x'.repeat(size)}`
          : kind === 'events'
            ? 'data: x\n\n'.repeat(size / 9)
            : kind === 'crs'
              ? '\r'.repeat(size)
              : 'data: y\n'.repeat(size / 8);
      const bytes = Buffer.from(text);
      return outcome(() => {
        const p = new SseParser(() => {});
        for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, i + chunk));
        p.end();
      }, documented);
    },
    { numRuns: 30, shrink: false },
  );
});

// --- stream decoders --------------------------------------------------------------------------

const openAiEvent = fc.oneof(
  fc.constant<Event>(['message', '[DONE]']),
  fc
    .record(
      {
        choices: fc.oneof(
          fc.array(
            fc.record(
              {
                index: fc.oneof(fc.constantFrom(0, 1, null, '0'), fc.jsonValue({ maxDepth: 0 })),
                delta: fc.record({ content: contentValue }, { requiredKeys: [] }),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        usage: fc.oneof(
          fc.constant(null),
          fc.record(
            { prompt_tokens: tokenValue, completion_tokens: tokenValue },
            { requiredKeys: [] },
          ),
        ),
        error: fc.oneof(fc.constantFrom(null, 0, '', false), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    )
    .map((v): Event => ['message', JSON.stringify(v)]),
);

const anthropicEvent = fc
  .record(
    {
      type: fc.constantFrom(
        'message_start',
        'content_block_start',
        'content_block_delta',
        'message_delta',
        'message_stop',
        'ping',
        'error',
        'other',
      ),
      message: fc.record(
        {
          usage: fc.record(
            { input_tokens: tokenValue, output_tokens: tokenValue },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      content_block: fc.record(
        { type: fc.constantFrom('text', 'tool_use'), text: contentValue },
        { requiredKeys: [] },
      ),
      delta: fc.record(
        { type: fc.constantFrom('text_delta', 'input_json_delta'), text: contentValue },
        { requiredKeys: [] },
      ),
      usage: fc.record(
        { input_tokens: tokenValue, output_tokens: tokenValue },
        { requiredKeys: [] },
      ),
      error: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['type'] },
  )
  .chain((v) =>
    fc.constantFrom<Event>([v.type as string, JSON.stringify(v)], ['message', JSON.stringify(v)]),
  );

const anyEvent: fc.Arbitrary<Event> = fc.tuple(
  fc.constantFrom('message', 'error', 'ping', 'content_block_stop', 'message_stop', ''),
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  ),
);

describe('stream decoders', () => {
  const streams: Record<string, [() => Dialect, fc.Arbitrary<Event>]> = {
    openai: [() => openAiDialect({ ...chat, stream: true }), openAiEvent],
    anthropic: [() => anthropicDialect({ ...chat, stream: true }), anthropicEvent],
  };
  for (const [name, [make, event]] of Object.entries(streams)) {
    fuzzProperty(
      SUITE,
      `${name} stream decoder: any event sequence gives a reply or a StreamError/BadResponseError`,
      fc.array(fc.oneof({ weight: 4, arbitrary: event }, { weight: 1, arbitrary: anyEvent }), {
        maxLength: 12,
      }),
      (events) =>
        replyOutcome(() => {
          const decoder = make().openStream!();
          for (const [type, data] of events)
            must(typeof decoder.event(type, data) === 'boolean', 'event() returned a non-boolean');
          return decoder.finish();
        }),
      { numRuns: 800 },
    );

    fuzzProperty(
      SUITE,
      `${name} stream reader: SSE bytes in any chunks give the same reply or error`,
      fc.record({
        events: fc.array(event, { maxLength: 8 }),
        cuts,
        junk: fc.option(fc.uint8Array({ maxLength: 16 })),
      }),
      async ({ events, cuts: at, junk }) => {
        let bytes = Buffer.from(
          events
            .map(([type, data]) => `event: ${type}\ndata: ${data.replace(/\n/g, '\ndata: ')}\n\n`)
            .join(''),
        );
        if (junk) bytes = Buffer.concat([bytes, Buffer.from(junk)]);
        const read = (chunks: Buffer[]) => {
          const reader = new StreamReader(make().openStream!());
          const sink = reader.consume(200, { 'content-type': 'text/event-stream' })!;
          for (const c of chunks) sink(c, 0);
          return reader.finish();
        };
        const settle = (chunks: Buffer[]) => {
          try {
            return JSON.stringify(read(chunks));
          } catch (err) {
            return `${(err as Error).constructor.name}: ${(err as Error).message}`;
          }
        };
        const first = await replyOutcome(() => read([bytes]));
        must(settle([bytes]) === settle(chunked(bytes, at)), 'chunking changed the outcome');
        return first;
      },
      { numRuns: 500 },
    );
  }
});
