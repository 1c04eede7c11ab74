import type { ErrorKind } from '../types.js';

/** Exponential backoff with full jitter, so many workers hitting one limit do not retry in lockstep. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  rng: () => number = Math.random,
  capMs = 30_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (rng() * ceiling) / 2);
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A redirect (3xx) counts as `http_4xx`: it is never followed (the key would go wherever it
 * points), so, like a wrong path, only a fix to the config makes it answer.
 */
export function kindForStatus(status: number): ErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'http_5xx';
  return 'http_4xx';
}

/**
 * 400/401/403/404 and the like are the caller's fault and will not heal by asking again; nor will
 * a reply past run.max_response_bytes (the next one would be as long, and paid for again).
 */
export function isRetryable(kind: ErrorKind, status?: number): boolean {
  if (kind === 'http_4xx') return status === 408 || status === 409 || status === 425;
  return kind !== 'aborted' && kind !== 'scorer' && kind !== 'too_large';
}
