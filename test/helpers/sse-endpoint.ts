import type http from 'node:http';

// Streams as the providers send them, byte for byte, and a writer that sends them in pieces so
// the client meets lines and UTF-8 characters broken across separate writes.

export interface StreamShape {
  /** Line ending: the providers use LF; some proxies rewrite to CRLF. */
  eol?: '\n' | '\r\n' | '\r';
  /** Add keep-alive comments (`: ping`) between events. */
  comments?: boolean;
  /** Leave out the terminator ([DONE] / message_stop), as a stream that was cut short. */
  cut?: boolean;
}

function frame(lines: string[], eol: string): string {
  return lines.map((l) => l + eol).join('') + eol;
}

/**
 * An OpenAI chat-completions stream: a role-only first chunk, one chunk per piece, a finish
 * chunk, the usage chunk (`stream_options.include_usage`), then `[DONE]`.
 */
export function openAiStream(
  pieces: string[],
  usage = { prompt_tokens: 11, completion_tokens: pieces.length },
  shape: StreamShape = {},
): string {
  const eol = shape.eol ?? '\n';
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      usage: null,
    });
  const events: string[] = [frame([`data: ${chunk({ role: 'assistant', content: '' })}`], eol)];
  for (const p of pieces) {
    events.push(frame([`data: ${chunk({ content: p })}`], eol));
    if (shape.comments) events.push(frame([': ping'], eol));
  }
  events.push(frame([`data: ${chunk({}, 'stop')}`], eol));
  events.push(frame([`data: ${JSON.stringify({ ...base, choices: [], usage })}`], eol));
  if (!shape.cut) events.push(frame(['data: [DONE]'], eol));
  return events.join('');
}

/**
 * An Anthropic Messages stream: message_start (input tokens), a text block streamed as
 * text_delta events with `ping`s between, message_delta (output tokens), message_stop.
 */
export function anthropicStream(
  pieces: string[],
  usage = { input_tokens: 21, output_tokens: pieces.length },
  shape: StreamShape = {},
): string {
  const eol = shape.eol ?? '\n';
  const ev = anthropicEvent(eol);
  const out = [
    anthropicStart(ev, usage.input_tokens),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
  ];
  for (const p of pieces) {
    out.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } }));
    if (shape.comments) out.push(frame([': keep-alive'], eol));
  }
  out.push(ev('content_block_stop', { index: 0 }));
  out.push(
    ev('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  if (!shape.cut) out.push(ev('message_stop', {}));
  return out.join('');
}

type AnthropicEvent = (type: string, data: unknown) => string;

/** Writes one Anthropic event: `event:` and a `data:` that repeats the type, as Anthropic does. */
function anthropicEvent(eol: string): AnthropicEvent {
  return (type, data) =>
    frame([`event: ${type}`, `data: ${JSON.stringify({ type, ...(data as object) })}`], eol);
}

/** message_start: the message shell and its input token count. */
function anthropicStart(ev: AnthropicEvent, inputTokens: number): string {
  return ev('message_start', {
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-test',
      stop_reason: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
}

/** `text` cut into pieces of `size` bytes: with size 3, every 4-byte character is split. */
export function chop(text: string | Buffer, size: number): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

/** What happens after the last piece: a clean end, a dropped connection, or nothing at all. */
export type Ending = 'end' | 'destroy' | 'hang';

/**
 * Writes the status line and then each piece as its own write, letting the event loop turn
 * between writes so they leave as separate TCP segments rather than one coalesced buffer.
 */
export async function writePieces(
  res: http.ServerResponse,
  pieces: (string | Buffer)[],
  ending: Ending = 'end',
  contentType = 'text/event-stream; charset=utf-8',
): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const p of pieces) {
    await new Promise<void>((resolve) => res.write(p, () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (res.destroyed) return;
  }
  if (ending === 'end') res.end();
  else if (ending === 'destroy') res.socket?.destroy();
}

/** A streamed tool call: its arguments' JSON text in the fragments the server sends them in. */
export interface StreamedToolCall {
  id: string;
  name: string;
  fragments: string[];
}

/**
 * An OpenAI stream that calls tools, as OpenAI sends it: per call a first delta with `index`,
 * `id`, `type` and the name (arguments ''), then one delta per arguments fragment carrying only
 * `index` and `function.arguments`; finish_reason `tool_calls`, the usage chunk, `[DONE]`.
 * `text` pieces, if any, come first as content deltas.
 */
export function openAiToolStream(
  calls: StreamedToolCall[],
  text: string[] = [],
  usage = { prompt_tokens: 11, completion_tokens: 9 },
  shape: StreamShape = {},
): string {
  const eol = shape.eol ?? '\n';
  const base = { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1, model: 'm' };
  const chunk = (delta: unknown, finish: string | null = null) =>
    frame(
      [
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}`,
      ],
      eol,
    );
  const out = [chunk({ role: 'assistant', content: text.length ? '' : null })];
  for (const p of text) out.push(chunk({ content: p }));
  calls.forEach((c, index) => {
    out.push(
      chunk({
        tool_calls: [
          { index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } },
        ],
      }),
    );
    for (const f of c.fragments)
      out.push(chunk({ tool_calls: [{ index, function: { arguments: f } }] }));
  });
  out.push(chunk({}, 'tool_calls'));
  out.push(frame([`data: ${JSON.stringify({ ...base, choices: [], usage })}`], eol));
  if (!shape.cut) out.push(frame(['data: [DONE]'], eol));
  return out.join('');
}

/**
 * An Anthropic stream that calls tools, as Anthropic sends it: an optional text block, then per
 * tool a content_block_start (tool_use with `input: {}`), one input_json_delta per fragment and
 * content_block_stop; message_delta with stop_reason `tool_use`, message_stop.
 */
export function anthropicToolStream(
  calls: StreamedToolCall[],
  text: string[] = [],
  usage = { input_tokens: 21, output_tokens: 9 },
  shape: StreamShape = {},
): string {
  const ev = anthropicEvent(shape.eol ?? '\n');
  const out = [anthropicStart(ev, usage.input_tokens)];
  let index = 0;
  if (text.length) {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const p of text)
      out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  for (const c of calls) {
    out.push(
      ev('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} },
      }),
    );
    out.push(ev('ping', {}));
    for (const f of c.fragments)
      out.push(
        ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: f } }),
      );
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  out.push(
    ev('message_delta', {
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  if (!shape.cut) out.push(ev('message_stop', {}));
  return out.join('');
}
