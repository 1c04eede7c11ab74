import { errorMessage, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import type { RunLabels } from './labels.js';

/** Where to push, parsed and checked before the run: credentials apart, never shown. */
export interface PushTarget {
  /** The base URL without credentials, query or trailing slash. */
  base: string;
  /** The URL as it may be printed: `user:pass@` becomes `***@`. */
  shown: string;
  /** `Basic …` from the URL's `user:pass@`, sent as a header (fetch refuses them in a URL). */
  authorization?: string;
  /** What must be masked wherever text is printed: the password and the header value. */
  secrets: string[];
}

/** The push is one small request: a Pushgateway slower than this is down for our purpose. */
export const PUSH_TIMEOUT_MS = 15_000;
/** How much of an error reply is read, for the warning. */
const ERROR_BODY_BYTES = 2048;

/** A URL with its `user:pass@` masked, even when it does not parse. */
export function maskUrl(raw: string): string {
  return raw.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1***@');
}

/**
 * Reads `--pushgateway URL` (or the Action's `pushgateway`): the Pushgateway's base URL, http or
 * https, optionally with a path prefix (behind a proxy) and `user:pass@` for basic auth. The
 * grouping path is ours to build, so a URL that already has one, a query or a fragment is bad
 * input: silently dropping it would push somewhere the user did not mean.
 */
export function parsePushgatewayUrl(raw: string, field: string): PushTarget {
  const fail = (why: string) =>
    new InputError({ path: field, message: `"${escapeTerminal(maskUrl(raw), 200)}" ${why}` });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail('is not a URL; give the Pushgateway base URL, e.g. http://pushgateway:9091');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fail('is not an http or https URL');
  if (url.search || url.hash || raw.includes('?') || raw.includes('#'))
    throw fail('has a query or fragment; give the base URL alone');
  if (/\/metrics(\/|$)/.test(url.pathname))
    throw fail(
      'already has a /metrics path; give the base URL: evalgate adds /metrics/job/<job>/<label>/<value> itself',
    );
  const secrets: string[] = [];
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    secrets.push(...[pass, url.password].filter((s) => s.length > 0), authorization);
    url.username = '';
    url.password = '';
  }
  const base = url.toString().replace(/\/+$/, '');
  const shown = authorization ? base.replace('://', '://***@') : base;
  return { base, shown, ...(authorization ? { authorization } : {}), secrets };
}

/** One grouping path segment pair; a value with `/` (or empty) goes base64url, as documented by the Pushgateway. */
function segment(name: string, value: string): string {
  if (value === '' || value.includes('/'))
    return `/${name}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  return `/${name}/${encodeURIComponent(value)}`;
}

/** `/metrics/job/<job>/<label>/<value>…`, labels in name order so a group's URL is stable. */
export function groupingPath(grouping: RunLabels): string {
  const names = Object.keys(grouping.labels).sort();
  return `/metrics${segment('job', grouping.job)}${names.map((n) => segment(n, grouping.labels[n]!)).join('')}`;
}

/** Why a push failed; the message names the URL masked and is safe to print. */
export class PushError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushError';
  }
}

async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
}

/**
 * Replaces the group's metrics with `text` (PUT: a run is a whole snapshot, so a slice or check
 * that is gone from this run must not linger from the last one). Throws PushError.
 */
export async function pushMetrics(
  target: PushTarget,
  text: string,
  grouping: RunLabels,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  const path = groupingPath(grouping);
  const where = `${target.shown}${path}`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? PUSH_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(`${target.base}${path}`, {
      method: 'PUT',
      headers: {
        // The Prometheus text format: the Pushgateway's parser reads our OpenMetrics text as it.
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        ...(target.authorization ? { authorization: target.authorization } : {}),
      },
      body: text,
      // A redirect would carry the credentials and the body somewhere else: refuse it.
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    const why = timeout.aborted
      ? `no answer within ${(options.timeoutMs ?? PUSH_TIMEOUT_MS) / 1000} s`
      : options.signal?.aborted
        ? 'cancelled'
        : causeOf(err);
    throw new PushError(`could not push the metrics to ${where}: ${why}`);
  }
  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => {});
    return;
  }
  const body = escapeTerminal(await readSome(res).catch(() => ''), 300);
  const redirect = res.status >= 300 && res.status < 400 ? ' (a redirect; give the final URL)' : '';
  throw new PushError(
    `the Pushgateway at ${where} answered ${res.status}${redirect}${body ? `: ${body}` : ''}`,
  );
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, …). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return escapeTerminal(code ?? errorMessage(cause ?? err), 200);
}
