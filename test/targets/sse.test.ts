import { describe, expect, it } from 'vitest';
import { createRng, randomInt } from '../../src/stats/rng.js';
import { SseParser } from '../../src/targets/sse.js';
import { anthropicStream, chop, openAiStream } from '../helpers/sse-endpoint.js';

type Ev = [type: string, data: string];

/** Feeds the pieces in order and returns every event, after end() unless `open`. */
function parse(pieces: (string | Buffer)[], open = false): Ev[] {
  const events: Ev[] = [];
  const p = new SseParser((type, data) => events.push([type, data]));
  for (const piece of pieces) p.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
  if (!open) p.end();
  return events;
}

/** `text` cut at seeded random byte offsets (including inside multibyte characters). */
function randomCuts(text: string, seed: number): Buffer[] {
  const bytes = Buffer.from(text);
  const rng = createRng(seed);
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = 1 + randomInt(rng, 12);
    parts.push(bytes.subarray(at, at + n));
    at += n;
  }
  return parts;
}

describe('SseParser', () => {
  it('reads events, names and data lines as the event-stream grammar defines them', () => {
    expect(
      parse([
        'data: one\n\n',
        'event: add\ndata: two\n\n',
        'data:no-space\n\n',
        'data:  two spaces keep one\n\n',
        'data\n\n', // a field with no colon: data with an empty value
        'id: 7\nretry: 10\ndata: x\n\n',
      ]),
    ).toEqual([
      ['message', 'one'],
      ['add', 'two'],
      ['message', 'no-space'],
      ['message', ' two spaces keep one'],
      ['message', ''],
      ['message', 'x'],
    ]);
  });

  it('joins the data lines of one event with LF', () => {
    expect(parse(['data: {"a":\ndata: 1,\ndata: "b": 2}\n\n'])).toEqual([
      ['message', '{"a":\n1,\n"b": 2}'],
    ]);
  });

  it('skips comments and events without data, and forgets the name of such an event', () => {
    expect(parse([': ping\n\n', 'event: ping\n\n', ':\n', 'data: x\n\n'])).toEqual([
      ['message', 'x'],
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line endings', (_label, eol) => {
    const text = `event: a${eol}data: 1${eol}${eol}: c${eol}data: 2${eol}data: 3${eol}${eol}`;
    expect(parse([text])).toEqual([
      ['a', '1'],
      ['message', '2\n3'],
    ]);
  });

  it('treats a CRLF split across two chunks as one line ending, not two', () => {
    // Read as two endings, "\r" + "\n" would end the event after `data: 1` too early and
    // split `data: 2` into an event of its own.
    expect(parse(['data: 1\r', '\ndata: 2\r', '\n\r', '\n'])).toEqual([['message', '1\n2']]);
    // A bare CR at the end of a chunk, followed by more text, still ends the line.
    expect(parse(['data: 1\r', 'data: 2\r\r'])).toEqual([['message', '1\n2']]);
  });

  it('rebuilds a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('data: h🦜é\n\n');
    // Every split point, one at a time.
    for (let i = 1; i < bytes.length; i++) {
      expect(parse([bytes.subarray(0, i), bytes.subarray(i)])).toEqual([['message', 'h🦜é']]);
    }
    // One byte per chunk.
    expect(parse(chop(bytes, 1))).toEqual([['message', 'h🦜é']]);
  });

  it('yields the same events however a provider stream is cut into chunks', () => {
    const streams = [
      openAiStream(['Hél', 'lo 🌍', ' wörld'], undefined, { comments: true }),
      openAiStream(['a', 'b'], undefined, { eol: '\r\n' }),
      anthropicStream(['日本', '語で', '🦜'], undefined, { comments: true, eol: '\r\n' }),
      anthropicStream(['x'], undefined, { eol: '\r' }),
    ];
    for (const text of streams) {
      const whole = parse([text]);
      expect(whole.length).toBeGreaterThan(3);
      for (let seed = 1; seed <= 25; seed++) expect(parse(randomCuts(text, seed))).toEqual(whole);
      expect(parse(chop(text, 1))).toEqual(whole);
    }
  });

  it('emits an event only once its blank line arrives', () => {
    const events: Ev[] = [];
    const p = new SseParser((type, data) => events.push([type, data]));
    p.push(Buffer.from('data: a\n'));
    expect(events).toEqual([]);
    p.push(Buffer.from('\n'));
    expect(events).toEqual([['message', 'a']]);
  });

  it('at the end, delivers an event whose lines all arrived but drops a line cut short', () => {
    // Some servers omit the blank line after their last event.
    expect(parse(['data: a\n\ndata: [DONE]\n'])).toEqual([
      ['message', 'a'],
      ['message', '[DONE]'],
    ]);
    // A connection that ends mid-line: the fragment is not an event.
    expect(parse(['data: a\n\ndata: {"choices": [{"del'])).toEqual([['message', 'a']]);
    expect(parse(['data: a\n\ndata: b\ndata: {"tr'])).toEqual([
      ['message', 'a'],
      ['message', 'b'],
    ]);
  });

  it('holds an unfinished line and an event to maxChars, then fails as too_large', () => {
    const tooLarge = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        return (err as { kind?: string }).kind;
      }
      return 'no throw';
    };
    // One line that never ends, in many chunks: stopped at the bound, not at V8's string limit.
    const endless = new SseParser(() => {}, 1000);
    expect(
      tooLarge(() => {
        for (let i = 0; i < 100; i++) endless.push(Buffer.from('x'.repeat(100)));
      }),
    ).toBe('too_large');
    // An event of many short data lines that never closes.
    const lines = new SseParser(() => {}, 1000);
    expect(
      tooLarge(() => {
        for (let i = 0; i < 200; i++) lines.push(Buffer.from('data: 0123456789\n'));
      }),
    ).toBe('too_large');
    // At the bound, events flow as usual.
    const events: string[] = [];
    const fits = new SseParser((_t, data) => events.push(data), 1000);
    fits.push(Buffer.from(`data: ${'y'.repeat(994)}\n\n`));
    expect(events).toEqual(['y'.repeat(994)]);
  });
});
