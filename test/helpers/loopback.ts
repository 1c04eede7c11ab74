import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The header lines as sent, [name, value, …]: `headers` merges or drops repeated names. */
  rawHeaders: string[];
  body: string;
}

export interface Loopback {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, in arrival order. */
  requests: Received[];
  close(): Promise<void>;
}

/**
 * A bare HTTP server on loopback whose handler writes the raw response, so a test can send any
 * status, header, body or fault (a socket destroyed mid-body, a reply that never comes). The
 * handler receives the request already read and its 1-based arrival number.
 */
export async function startLoopback(
  handler: (req: Received, res: http.ServerResponse, n: number) => void | Promise<void>,
): Promise<Loopback> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      void handler(received, res, requests.length);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON body with status 200 (or the given one). */
export function sendJson(res: http.ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** An OpenAI chat-completions reply with the given text and token counts. */
export function openAiReply(content: unknown, usage = { prompt_tokens: 12, completion_tokens: 3 }) {
  return {
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage,
  };
}

/**
 * A tool call as a test writes it for the OpenAI wire: `arguments` is the JSON text as sent (or
 * whatever the model wrote), or a value that is sent as its JSON; `id` left out sends none.
 */
export interface WireToolCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

/** One call in the OpenAI wire shape, `{id, type: 'function', function: {name, arguments}}`. */
export function wireToolCall(c: WireToolCall) {
  return {
    ...(c.id === undefined ? {} : { id: c.id }),
    type: 'function',
    function: {
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    },
  };
}

/** An assistant turn that called tools, as a conversation on the OpenAI wire carries it. */
export function openAiToolTurn(calls: WireToolCall[], content: string | null = null) {
  return { role: 'assistant', content, tool_calls: calls.map(wireToolCall) };
}

/** An OpenAI reply that calls tools: `content` null (tool calls only) or text alongside. */
export function openAiToolReply(
  calls: WireToolCall[],
  content: string | null = null,
  usage = { prompt_tokens: 12, completion_tokens: 5 },
) {
  return {
    id: 'chatcmpl-tools',
    object: 'chat.completion',
    choices: [{ index: 0, message: openAiToolTurn(calls, content), finish_reason: 'tool_calls' }],
    usage,
  };
}

/** An Anthropic Messages reply with the given content blocks (text and tool_use). */
export function anthropicReply(
  content: Record<string, unknown>[],
  usage = { input_tokens: 14, output_tokens: 6 },
) {
  const tools = content.some((b) => b.type === 'tool_use');
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content,
    stop_reason: tools ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage,
  };
}
