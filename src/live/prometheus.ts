import http from 'node:http';
import { builtin } from '../util/builtin.js';
import type { Redact } from '../util/redact.js';

// A small client for Prometheus's HTTP API (range queries only): bounded replies, a timeout per
// query, a bearer token that never appears in a message, and errors that say what went wrong in
// words an SRE recognises (unreachable, HTTP status, PromQL error, several series).

/** A range query of one series at 11,000 points is about 400 KB; anything past this is wrong. */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

export interface PrometheusOptions {
  url: string;
  token?: string;
  /** PEM CA certificates for https. */
  ca?: string;
  insecureSkipVerify?: boolean;
  timeoutMs: number;
  maxBytes?: number;
  redact: Redact;
  signal?: AbortSignal;
}

/** One sample: milliseconds since the epoch and the value (NaN and ±Inf as Prometheus sent them). */
export type Sample = [number, number];

/** The query could not be answered: the message says why, for one metric and side. */
export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** The URL as messages and the report show it: no user:password, no query string. */
export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

interface Reply {
  status: number;
  body: string;
}

function get(url: URL, options: PrometheusOptions): Promise<Reply> {
  const max = options.maxBytes ?? MAX_REPLY_BYTES;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization ??= `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const target = new URL(url);
  target.username = '';
  target.password = '';
  const lib = target.protocol === 'https:' ? builtin.https() : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: 'GET',
        headers,
        timeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(target.protocol === 'https:'
          ? {
              ...(options.ca ? { ca: options.ca } : {}),
              rejectUnauthorized: !options.insecureSkipVerify,
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            req.destroy(new PrometheusError(`the reply is larger than ${max} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new PrometheusError(`no answer within ${options.timeoutMs} ms (timeout_ms)`)),
    );
    req.on('error', reject);
    req.end();
  });
}

interface ApiReply {
  status?: unknown;
  errorType?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: unknown };
}

/** At most this much of a server's own text goes into a message. */
const QUOTE_CHARS = 300;

function quote(text: unknown, redact: Redact): string {
  const s = redact(String(text)).replace(/\s+/g, ' ').trim();
  return s.length > QUOTE_CHARS ? `${s.slice(0, QUOTE_CHARS)}…` : s;
}

function labelsOf(series: unknown): string {
  const m = (series as { metric?: Record<string, unknown> })?.metric ?? {};
  const parts = Object.entries(m)
    .slice(0, 8)
    .map(([k, v]) => `${k}="${String(v)}"`);
  return `{${parts.join(', ')}}`;
}

/**
 * `/api/v1/query_range` for one series: the samples in [start, end] at `stepMs`, oldest first,
 * or [] when the query matched nothing. Throws PrometheusError (message without the token) when
 * the server cannot be reached, answers an HTTP error or `status: error`, or returns more than
 * one series.
 */
export async function queryRange(
  options: PrometheusOptions,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<Sample[]> {
  const { redact } = options;
  const base = options.url.replace(/\/+$/, '');
  const url = new URL(`${base}/api/v1/query_range`);
  url.searchParams.set('query', query);
  url.searchParams.set('start', (startMs / 1000).toFixed(3));
  url.searchParams.set('end', (endMs / 1000).toFixed(3));
  url.searchParams.set('step', String(stepMs / 1000));
  const where = `Prometheus at ${displayUrl(options.url)}`;
  let reply: Reply;
  try {
    reply = await get(url, options);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    // Our own refusals (timeout, size) say what happened; a socket error means unreachable.
    if (err instanceof PrometheusError) throw new PrometheusError(`${where}: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    throw new PrometheusError(`${where} is unreachable: ${quote(e.code ?? e.message, redact)}`);
  }
  let json: ApiReply | undefined;
  try {
    json = JSON.parse(reply.body) as ApiReply;
  } catch {
    json = undefined;
  }
  if (json?.status === 'error') {
    throw new PrometheusError(
      `${where} rejected the query (${quote(json.errorType ?? 'error', redact)}): ${quote(json.error ?? '', redact)}`,
    );
  }
  if (reply.status < 200 || reply.status >= 300) {
    const hint =
      reply.status === 401 || reply.status === 403
        ? ' (check live.prometheus.token_env and the token it names)'
        : '';
    throw new PrometheusError(`${where} answered HTTP ${reply.status}${hint}`);
  }
  if (json?.status !== 'success' || !json.data || !Array.isArray(json.data.result)) {
    throw new PrometheusError(`${where} sent a reply that is not a Prometheus API answer`);
  }
  if (json.data.resultType !== 'matrix') {
    throw new PrometheusError(
      `${where} answered a ${quote(json.data.resultType, redact)} where a range query gives a matrix`,
    );
  }
  const result = json.data.result as unknown[];
  if (result.length === 0) return [];
  if (result.length > 1) {
    const shown = result.slice(0, 3).map((s) => quote(labelsOf(s), redact));
    throw new PrometheusError(
      `the query returned ${result.length} series where one was expected (${shown.join(', ')}${result.length > 3 ? ', …' : ''}); aggregate it, e.g. sum(...) or sum by () (...)`,
    );
  }
  const values = (result[0] as { values?: unknown }).values;
  if (!Array.isArray(values)) return [];
  const out: Sample[] = [];
  for (const v of values) {
    if (!Array.isArray(v) || v.length !== 2) continue;
    const t = Number(v[0]) * 1000;
    // Prometheus writes values as strings: "NaN", "+Inf" and "-Inf" included.
    const raw = String(v[1]);
    const x = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isFinite(t)) out.push([Math.round(t), x]);
  }
  return out;
}
