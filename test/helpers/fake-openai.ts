import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { openAiReply, sendJson } from './loopback.js';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

/** What the fake answers: text for a normal reply, or a raw HTTP response to inject a fault. */
export type FakeReply =
  | string
  | { status: number; body?: string; headers?: Record<string, string> }
  | { destroy: true }
  | { hang: true };

export interface FakeServer {
  url: string;
  /** Every request received, in order. */
  requests: { path: string; headers: http.IncomingHttpHeaders; body: ChatRequest }[];
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible chat-completions server on loopback. `reply` decides each answer, so
 * tests can script regressions, faults and slow calls per model and per input.
 */
export async function startFakeOpenAI(
  reply: (req: ChatRequest, n: number) => FakeReply | Promise<FakeReply>,
  /** Serve over TLS with this key and certificate (an https:// url). */
  opts: { tls?: { key: string; cert: string } } = {},
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const handler: http.RequestListener = (req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', async () => {
      let body: ChatRequest;
      try {
        body = JSON.parse(raw);
      } catch {
        body = { model: '', messages: [] };
      }
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const r = await reply(body, requests.length);
      if (typeof r === 'string') {
        sendJson(
          res,
          openAiReply(r, { prompt_tokens: 10, completion_tokens: r.split(/\s+/).length }),
        );
      } else if ('destroy' in r) {
        req.socket.destroy();
      } else if ('hang' in r) {
        // Never answer: the client's timeout has to deal with it.
      } else {
        res.writeHead(r.status, { 'content-type': 'text/html', ...r.headers });
        res.end(r.body ?? '');
      }
    });
  };
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The user turn of a request (what the case's input became after templating). */
export function userText(req: ChatRequest): string {
  return req.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}
