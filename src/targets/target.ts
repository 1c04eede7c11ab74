import { notFoundHint } from '../config/base-url.js';
import type { CallError, CallResult, GoldenCase } from '../types.js';
import { type Excerpt, maskingExcerpt } from '../util/quoted-error.js';
import { BadResponseError, type Dialect, type OutgoingRequest, StreamError } from './dialect.js';
import { backoffMs, isRetryable, kindForStatus, retryAfterMs } from './retry.js';
import { StreamReader } from './stream-reader.js';
import { boundInvalidArguments } from './tool-calls.js';
import { type HttpResponse, type Transport, TransportError } from './transport.js';

export interface Price {
  input_per_mtok: number;
  output_per_mtok: number;
}

/** How a target is called: the run's settings, some of which a target may override. */
export interface CallLimits {
  concurrency: number;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  /** run.max_response_bytes (the transport's default, the schema's, when absent). */
  maxResponseBytes?: number;
  /** run.stream_idle_timeout_ms (the transport's default, the schema's, when absent). */
  streamIdleTimeoutMs?: number;
}

/** A ready-to-call endpoint: dialect, limits and pricing resolved from the config. */
export interface Target extends CallLimits {
  /** `baseline`, `candidate` or `judge`: used in messages a user can act on. */
  role: string;
  /** What the user calls it: the model name or the app URL's host. */
  label: string;
  /**
   * The host its calls go to. Two targets on one host are taken to share an endpoint and its
   * queue (two models on one inference box, an A/A run), which decides how closely the runner
   * keeps their calls together (runner/dispatch-order.ts).
   */
  host?: string;
  dialect: Dialect;
  price?: Price;
  transport: Transport;
  /**
   * Masks the run's secrets in error text. An endpoint may quote what it was sent ("Incorrect
   * API key provided: sk-…"), and the error goes on to the report, summary and PR comment.
   */
  redact?: (text: string) => string;
  /**
   * Model calls per case of an agent loop (a case with `tool_results`; see agent-loop.ts). Set on
   * the chat targets under test; 1, or absent, means one call per case.
   */
  maxSteps?: number;
}

export function costUsd(
  price: Price | undefined,
  inputTokens: number,
  outputTokens: number,
): number {
  if (!price) return 0;
  return (inputTokens * price.input_per_mtok + outputTokens * price.output_per_mtok) / 1e6;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The longest Retry-After a retry waits for. Past it the case fails at once: a job held for the
 * hour a server asks for is worse than one case given up.
 */
export const MAX_RETRY_WAIT_MS = 120_000;

function waitTooLong(waitMs: number): string {
  const s = Math.ceil(waitMs / 1000);
  return (
    `the server asked to wait ${Number.isFinite(s) ? `${s} s` : 'indefinitely'} before retrying, ` +
    `past evalgate's ${MAX_RETRY_WAIT_MS / 1000} s cap, so the case was given up`
  );
}

/** `excerpt` masks the body's secrets before it cuts: a key across the cut must not show. */
function httpErrorMessage(role: string, res: HttpResponse, excerpt: Excerpt, url: URL): string {
  const { status, body } = res;
  if (status === 401 || status === 403) {
    return `the key for target ${role} was rejected (${status}); check the variable named by api_key_env`;
  }
  if (status === 404) return `target ${role} answered 404: ${notFoundHint(url)}`;
  if (status >= 300 && status < 400)
    return redirectMessage(role, status, res.headers.location, excerpt);
  // `[^<>]`, not `[^>]`: a body of 4 MB of `<` would make the latter quadratic.
  const detail = excerpt(body.replace(/<[^<>]*>/g, ' '), 160);
  return `target ${role} answered ${status}${detail ? `: ${detail}` : ''}`;
}

/**
 * A redirect is never followed: the request carries the key, which would go wherever the
 * Location header says. Where it points is quoted (masked, cut) so the config can be fixed.
 */
function redirectMessage(
  role: string,
  status: number,
  location: string | undefined,
  excerpt: Excerpt,
): string {
  const to = location ? excerpt(location, 200) : '';
  return (
    `target ${role} answered ${status}, a redirect ${to ? `to ${to}` : 'with no Location header'}: ` +
    "set base_url (an http target's url) to where it points; evalgate does not follow redirects " +
    'so that a key is never sent elsewhere'
  );
}

/**
 * One case against one target, with retries. Never throws: every outcome, including giving up,
 * is a CallResult, so a case is never lost.
 */
export async function callTarget(
  t: Target,
  c: GoldenCase,
  signal?: AbortSignal,
  /** The request, when the caller already built it (the runner does, for its cache key). */
  prebuilt?: OutgoingRequest,
): Promise<CallResult> {
  let attempt = 0;
  // Set by every failed attempt; read only after one, so an answered call never builds it.
  let lastError: CallError | undefined;
  let lastLatency = 0;
  const req = prebuilt ?? t.dialect.buildRequest(c);
  // Only failures quote the reply: made on the first one, not on every call.
  let masking: Excerpt | undefined;
  const excerpt: Excerpt = (text, max) => {
    masking ??= maskingExcerpt(t.redact ?? ((s) => s));
    return masking(text, max);
  };
  while (attempt <= t.retries) {
    if (signal?.aborted) {
      lastError = { kind: 'aborted', message: 'the run was cancelled' };
      break;
    }
    let waitMs: number | undefined;
    let status: number | undefined;
    // Fresh per attempt: a retried stream starts from nothing.
    const stream = t.dialect.openStream
      ? new StreamReader(t.dialect.openStream(), t.maxResponseBytes)
      : undefined;
    // The endpoint's time runs from the request leaving on a connected socket to the last byte,
    // both stamped by the transport: a rate-limit wait, connection set-up and this function's
    // own work (awaiting, parsing) are the client's time, not the endpoint's.
    const started = performance.now();
    try {
      // Written out, not spread: an object literal with a spread is built field by field at
      // run time, on every call.
      const res = await t.transport.send({
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: req.body,
        timeoutMs: t.timeoutMs,
        maxBytes: t.maxResponseBytes,
        idleTimeoutMs: t.streamIdleTimeoutMs,
        signal,
        consume: stream?.consume,
      });
      const sent = res.sentAt ?? started;
      lastLatency = (res.doneAt ?? performance.now()) - sent;
      status = res.status;
      if (status >= 200 && status < 300) {
        const reply = stream?.used ? stream.finish() : t.dialect.parseReply(res.body);
        const result: CallResult = {
          output: reply.output,
          latency_ms: lastLatency,
          input_tokens: reply.input_tokens,
          output_tokens: reply.output_tokens,
          cost_usd: costUsd(t.price, reply.input_tokens, reply.output_tokens),
          error: null,
          attempts: attempt + 1,
        };
        // Set only when present, as the report shows them: no object spread per call.
        if (stream) {
          const timings = stream.timings(sent, lastLatency, reply.output_tokens);
          if (timings.ttft_ms !== undefined) result.ttft_ms = timings.ttft_ms;
          if (timings.tpot_ms !== undefined) result.tpot_ms = timings.tpot_ms;
        }
        if (reply.tool_calls) result.tool_calls = boundInvalidArguments(reply.tool_calls, t.redact);
        if (reply.context) result.context = reply.context;
        if (reply.sources) result.sources = reply.sources;
        return result;
      }
      lastError = {
        kind: kindForStatus(status),
        message: httpErrorMessage(t.role, res, excerpt, req.url),
      };
      waitMs = retryAfterMs(res.headers['retry-after']);
    } catch (err) {
      lastLatency = performance.now() - started;
      if (err instanceof TransportError)
        lastError = { kind: err.kind, message: `target ${t.role}: ${err.message}` };
      else if (err instanceof BadResponseError) {
        lastError = { kind: 'bad_response', message: `target ${t.role}: ${err.describe(excerpt)}` };
      } else if (err instanceof StreamError) {
        lastError = { kind: err.kind, message: `target ${t.role}: ${err.describe(excerpt)}` };
      } else throw err;
    }
    if (!isRetryable(lastError.kind, status) || attempt === t.retries) break;
    // A server may ask for an hour; a CI gate would rather give up on the case than hang the job.
    if (waitMs !== undefined && waitMs > MAX_RETRY_WAIT_MS) {
      lastError = { ...lastError, message: `${lastError.message}; ${waitTooLong(waitMs)}` };
      break;
    }
    await sleep(waitMs ?? backoffMs(attempt, t.backoffBaseMs), signal);
    attempt++;
  }
  const error = lastError ?? { kind: 'network', message: 'no attempt was made' };
  return {
    output: null,
    latency_ms: lastLatency,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    error: t.redact ? { ...error, message: t.redact(error.message) } : error,
    attempts: attempt + 1,
  };
}
