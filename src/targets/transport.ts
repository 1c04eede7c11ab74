import http from 'node:http';
import type https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_STREAM_IDLE_TIMEOUT_MS } from '../config/schema.js';
import { builtin } from '../util/builtin.js';
import { Deadlines } from './deadlines.js';

// node:http with a keep-alive agent instead of fetch: at thousands of calls per run the CPU cost
// per call decides whether the run keeps up with the endpoint on a 2-core runner (fetch costs
// roughly 3-4x more CPU per call here).

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Asked once the status line and headers are in: a sink returned here receives the body chunk
   * by chunk as it arrives (a stream) and the body is not buffered; `body` is then ''. A sink
   * that throws ends the request with that error.
   */
  consume?: (status: number, headers: http.IncomingHttpHeaders) => BodySink | undefined;
  /** run.max_response_bytes: a body (buffered or streamed) past this many bytes is `too_large`. */
  maxBytes?: number;
  /** run.stream_idle_timeout_ms: a stream silent for this long is `stream_cut`. */
  idleTimeoutMs?: number;
}

/** Receives each chunk of a streamed body with the moment it arrived (performance.now()). */
export type BodySink = (chunk: Buffer, at: number) => void;

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /**
   * performance.now() when the request went out on a connected socket: a reused one at once, a
   * new one once its TCP (and TLS) set-up was done. Waiting for a rate-limit slot, a free socket
   * or the connection itself comes before it, so none of that is counted as the endpoint's time.
   */
  sentAt?: number;
  /** performance.now() when the last byte of the body arrived, before anything parsed it. */
  doneAt?: number;
}

export type TransportErrorKind = 'timeout' | 'network' | 'aborted' | 'stream_cut' | 'too_large';

/**
 * A failure below HTTP: no status line came back, the connection broke while reading
 * (`stream_cut` when what broke was a stream a sink was consuming), or the body outgrew
 * run.max_response_bytes (`too_large`).
 */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The one message for a reply past the cap, from the transport or the stream parser. */
export function tooLarge(maxBytes: number): TransportError {
  return new TransportError(
    'too_large',
    `the reply exceeded run.max_response_bytes (${maxBytes} bytes) and was cut off; ` +
      'raise run.max_response_bytes in the config if answers this long are expected',
  );
}

/**
 * A non-2xx body only feeds a one-line message: past this much the rest is not read (the
 * connection is dropped rather than drained, so an endless error page costs nothing).
 */
export const ERROR_BODY_BYTES = 16 * 1024;
const ELLIPSIS = Buffer.from('…');

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/**
 * Calls in flight, by the signal that cancels them: one 'abort' listener per signal, not one per
 * call. An AbortSignal's addEventListener/removeEventListener pair cost more CPU per call than
 * anything else the transport does besides node:http itself.
 */
class AbortFanout {
  private readonly calls = new WeakMap<AbortSignal, Set<() => void>>();

  add(signal: AbortSignal, onAbort: () => void): void {
    let set = this.calls.get(signal);
    if (!set) {
      const calls = new Set<() => void>();
      set = calls;
      this.calls.set(signal, calls);
      signal.addEventListener(
        'abort',
        () => {
          for (const cancel of [...calls]) cancel();
        },
        { once: true },
      );
    }
    set.add(onAbort);
  }

  delete(signal: AbortSignal, onAbort: () => void): void {
    this.calls.get(signal)?.delete(onAbort);
  }
}

/**
 * What node:http needs of a URL, worked out once per URL (targets share theirs across calls): only
 * the fields it reads, since it copies the options object three times per request. Keyed by the
 * object but checked against its href: a URL changed in place after a call (a query parameter
 * set) must not keep sending to where it pointed before.
 */
interface UrlParts {
  href: string;
  options: Pick<http.RequestOptions, 'protocol' | 'hostname' | 'port' | 'path'>;
  /** The Host header node:http would send: the host, with the port unless it is the default. */
  host: string;
  /** `Basic …` for credentials in the URL, which node:http sends only for object headers. */
  authorization?: string;
}
const urlParts = new WeakMap<URL, UrlParts>();
function partsFor(url: URL): UrlParts {
  const href = url.href;
  let o = urlParts.get(url);
  if (o?.href !== href) {
    const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
    o = {
      href,
      options:
        port === undefined ? { protocol, hostname, path } : { protocol, hostname, port, path },
      host: url.host,
    };
    if (auth) o.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    urlParts.set(url, o);
  }
  return o;
}

/**
 * The request's header lines as node:http's flat [name, value, …] form, which it writes as they
 * are: a headers object costs a setHeader (validation, a lower-cased copy) per header per call.
 * What node:http adds for an object it does not add for lines, so they are added here: Host
 * (unless given), Authorization from URL credentials (unless given) and Content-Length (always
 * ours). A name given twice in different case keeps its last value, as setHeader would.
 */
function headerLines(req: HttpRequest, parts: UrlParts): string[] {
  const lines: string[] = [];
  const lower: string[] = [];
  let host = false;
  let authorization = false;
  for (const name in req.headers) {
    const key = name.toLowerCase();
    if (key === 'content-length') continue;
    if (key === 'host') host = true;
    else if (key === 'authorization') authorization = true;
    const value = req.headers[name]!;
    const at = lower.indexOf(key);
    if (at === -1) {
      lower.push(key);
      lines.push(name, value);
    } else {
      lines[2 * at] = name;
      lines[2 * at + 1] = value;
    }
  }
  if (!host) lines.push('Host', parts.host);
  if (parts.authorization && !authorization) lines.push('Authorization', parts.authorization);
  if (req.body !== undefined) lines.push('Content-Length', String(Buffer.byteLength(req.body)));
  return lines;
}

/**
 * TLS server name (SNI) from a Host header the caller set, as node:http derives it for an
 * object of headers (and not for lines): the host without its port, none for an IP address.
 * Without a header of the caller's, node:http's own default (the URL's host name) is right.
 */
function serverNameOf(headers: Record<string, string>): { servername?: string } {
  let value: string | undefined;
  for (const name in headers) if (name.toLowerCase() === 'host') value = headers[name];
  if (value === undefined) return {};
  let name = value.split(':', 1)[0]!;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    name = end === -1 ? value : value.slice(1, end);
  }
  return { servername: isIP(name) ? '' : name };
}

/**
 * The reply as callers see it. node:http builds a reply's headers object on first read (a
 * lower-cased copy and a merge rule per header): most replies are never asked for theirs, so
 * neither is the object built.
 */
class Reply implements HttpResponse {
  constructor(
    readonly status: number,
    private readonly res: http.IncomingMessage,
    readonly body: string,
    readonly sentAt: number,
    readonly doneAt: number,
  ) {}

  get headers(): http.IncomingHttpHeaders {
    return this.res.headers;
  }
}

/** Content-Length as the reply declared it (the first, as node:http keeps), read off the raw lines. */
function declaredLength(raw: readonly string[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return Number.NaN;
}

export function createTransport(maxSockets: number): Transport {
  const options = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    scheduling: 'lifo' as const,
  };
  const httpAgent = new http.Agent(options);
  // TLS is loaded with the first https call: a run against plain-http endpoints never needs it.
  let httpsAgent: https.Agent | undefined;
  const httpsAgentOf = () => {
    httpsAgent ??= new (builtin.https().Agent)(options);
    return httpsAgent;
  };
  // TLS sockets whose handshake is done: a reused socket is ready at once, a new one is not.
  const secured = new WeakSet<Socket>();
  const aborts = new AbortFanout();
  const deadlines = new Deadlines();

  return {
    send(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        if (req.signal?.aborted) {
          reject(new TransportError('aborted', 'the run was cancelled'));
          return;
        }
        const maxBytes = req.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
        const isHttps = req.url.protocol === 'https:';
        const parts = partsFor(req.url);
        let settled = false;
        // When the request went out on a connected socket (see HttpResponse.sentAt); until then
        // the moment it was handed to node:http, in case no 'socket' event ever says more.
        let sentAt = performance.now();
        let idle: NodeJS.Timeout | undefined;
        // Set once a sink consumes the body: from then on a break is a cut stream, whichever
        // object (request, response, socket) reports it first.
        let streamed: ((detail: string) => TransportError) | undefined;
        const settle = () => {
          settled = true;
          deadlines.delete(deadline);
          clearTimeout(idle);
          if (req.signal) aborts.delete(req.signal, onAbort);
        };
        const fail = (err: Error) => {
          if (settled) return;
          settle();
          request.destroy();
          reject(err);
        };
        let request: http.ClientRequest;
        try {
          const headers = headerLines(req, parts);
          request = (isHttps ? builtin.https() : http).request(
            isHttps
              ? {
                  ...parts.options,
                  method: req.method,
                  headers,
                  agent: httpsAgentOf(),
                  ...serverNameOf(req.headers),
                }
              : { ...parts.options, method: req.method, headers, agent: httpAgent },
            onResponse,
          );
        } catch (e) {
          // node:http throws, not emits, on what it cannot send (ERR_INVALID_PROTOCOL, a header
          // with a newline): a failed call like any other, never an exception that escapes the run.
          settled = true;
          const err = e as NodeJS.ErrnoException;
          reject(
            new TransportError(
              'network',
              `the request could not be sent (${err.code ?? 'invalid request'}: ${err.message})`,
            ),
          );
          return;
        }
        function onResponse(res: http.IncomingMessage) {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          // A declared length past the cap fails before a byte of the body is read.
          if (ok && declaredLength(res.rawHeaders) > maxBytes) {
            fail(tooLarge(maxBytes));
            return;
          }
          let sink: BodySink | undefined;
          try {
            sink = req.consume?.(status, res.headers);
          } catch (e) {
            fail(e as Error);
            return;
          }
          let received = 0;
          if (sink) {
            const into = sink;
            const idleMs = req.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
            streamed = (detail) =>
              new TransportError(
                'stream_cut',
                `the stream broke off after ${received} bytes (${detail})`,
              );
            const cut = streamed;
            idle = setTimeout(
              () => fail(cut(`nothing arrived for ${idleMs} ms (run.stream_idle_timeout_ms)`)),
              idleMs,
            );
            res.on('data', (c: Buffer) => {
              if (settled) return;
              const at = performance.now();
              received += c.length;
              if (received > maxBytes) {
                fail(tooLarge(maxBytes));
                return;
              }
              idle?.refresh();
              try {
                into(c, at);
              } catch (e) {
                fail(e as Error);
              }
            });
            res.on('end', () => {
              if (settled) return;
              const doneAt = performance.now();
              settle();
              resolve(new Reply(status, res, '', sentAt, doneAt));
            });
            // Whatever else ends a stream early (a break only the socket saw) must not leave it
            // to the idle timer. Not on whole replies: this listener costs about 15% of the
            // transport's CPU per call there, and 'aborted' and 'error' already cover them.
            res.on('close', () => fail(cut('connection closed mid-response')));
          } else {
            // Chunks are kept only up to the limit, so the one concat at the end is bounded too.
            const limit = ok ? maxBytes : Math.min(maxBytes, ERROR_BODY_BYTES);
            const chunks: Buffer[] = [];
            const done = () => {
              const doneAt = performance.now();
              settle();
              const body = Buffer.concat(chunks).toString('utf8');
              resolve(new Reply(status, res, body, sentAt, doneAt));
            };
            res.on('data', (c: Buffer) => {
              if (settled) return;
              received += c.length;
              if (received <= limit) chunks.push(c);
              else if (ok) {
                chunks.length = 0;
                fail(tooLarge(maxBytes));
              } else {
                // Enough of an error page for its message: keep the head, drop the connection.
                // The trailing ellipsis marks the cut, so the redactor masks a key it ended in.
                chunks.push(c.subarray(0, c.length - (received - limit)), ELLIPSIS);
                done();
                request.destroy();
              }
            });
            res.on('end', () => {
              if (!settled) done();
            });
          }
          const broke = (detail: string) =>
            streamed?.(detail) ?? new TransportError('network', detail);
          res.on('error', (e) => fail(broke(`connection broke while reading: ${e.message}`)));
          res.on('aborted', () => fail(broke('connection closed mid-response')));
        }
        request.on('socket', (socket: Socket) => {
          const ready = () => {
            sentAt = performance.now();
          };
          if (!socket.connecting && (!isHttps || secured.has(socket))) ready();
          else if (isHttps) {
            socket.once('secureConnect', () => {
              secured.add(socket);
              ready();
            });
          } else socket.once('connect', ready);
        });
        const deadline = deadlines.add(req.timeoutMs, () =>
          fail(new TransportError('timeout', `no complete response within ${req.timeoutMs} ms`)),
        );
        const onAbort = () => fail(new TransportError('aborted', 'the run was cancelled'));
        if (req.signal) aborts.add(req.signal, onAbort);
        request.on('error', (e: NodeJS.ErrnoException) => {
          const detail = `${e.code ?? 'network error'}: ${e.message}`;
          fail(streamed ? streamed(detail) : new TransportError('network', detail));
        });
        request.end(req.body);
      });
    },
    close() {
      deadlines.close();
      httpAgent.destroy();
      httpsAgent?.destroy();
    },
  };
}
