import type { ResponseFormat, ToolChoice, ToolDefinition } from '../config/tools-schema.js';
import type { ConversationTurn, ErrorKind, GoldenCase, ToolCall } from '../types.js';
import { type Composed, type Excerpt, QuotingError } from '../util/quoted-error.js';

/** What a dialect needs to know about its target, with prompt files already read. */
export interface ResolvedTemplates {
  prompt?: string;
  system?: string;
}

/** What the chat dialects (openai, anthropic) are built from, with prompt files already read. */
export interface ChatDialectOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  templates: ResolvedTemplates;
  stream?: boolean;
  /** The dialect's API version: a query parameter (Azure OpenAI) or a header (Anthropic). */
  apiVersion?: string;
  /** The header that carries the key; `authorization` sends `Bearer <key>`. */
  keyHeader?: string;
  /** The target's `tools`, `tool_choice` and `response_format`, validated by the config schema. */
  tools?: ToolOptions;
}

export interface ToolOptions {
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
}

export interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ParsedReply {
  output: string;
  input_tokens: number;
  output_tokens: number;
  /** Every tool call the reply made, in order. */
  tool_calls?: ToolCall[];
  /** RAG: passages the reply returned, and the ids of their sources when it named them. */
  context?: string[];
  sources?: string[];
}

/**
 * A reply with a 2xx status whose body is not what the dialect promises. Retried: proxies flake.
 * What it quotes of the reply is cut only once masked (see QuotingError).
 */
export class BadResponseError extends QuotingError {}

/**
 * A failure the endpoint reported inside a 2xx stream (an `error` event), or a stream that ended
 * without its terminator (`stream_cut`): never to be read as a short answer.
 */
export class StreamError extends QuotingError {
  constructor(
    readonly kind: ErrorKind,
    message: Composed,
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

/** Reads one streamed reply, event by event. One decoder per attempt: it holds that reply's state. */
export interface StreamDecoder {
  /**
   * Takes one server-sent event; true when it added answer text (the first such event is the
   * first token). Throws StreamError for an error event, BadResponseError for unreadable data.
   */
  event(type: string, data: string): boolean;
  /** After the body ended: the whole reply, or StreamError `stream_cut` if the terminator never came. */
  finish(): ParsedReply;
}

/** One endpoint dialect: how to ask, and how to read the answer. Pure; the runner does the I/O. */
export interface Dialect {
  /** `extra`: turns an agent loop added after the case's own (tool calls and their results). */
  buildRequest(c: GoldenCase, extra?: readonly ConversationTurn[]): OutgoingRequest;
  parseReply(body: string): ParsedReply;
  /** Present when the target streams (`stream: true`). */
  openStream?(): StreamDecoder;
  /**
   * False when buildRequest fills in no template from the case (a chat target without `prompt`
   * or `system`), so it cannot fail for one: the run then skips rendering every request up front
   * just to find none that fails. Absent means it may fail.
   */
  fillsTemplates?: false;
}

/**
 * The kind of an error a provider reports mid-stream, from its error type or code (OpenAI:
 * `server_error`, `rate_limit_exceeded`...; Anthropic: `overloaded_error`, `rate_limit_error`...).
 * Unknown types count as server errors: the request was accepted and then failed, so asking
 * again is the sensible default.
 */
export function streamErrorKind(type: string): ErrorKind {
  if (/rate.?limit|too.?many/i.test(type)) return 'rate_limit';
  if (/invalid_request|authentication|permission|not.?found|too.?large|billing|quota/i.test(type))
    return 'http_4xx';
  return 'http_5xx';
}

/** A StreamError from an `error` object as providers send it: `{type?, code?, message?}`. */
export function streamErrorFrom(error: unknown): StreamError {
  const e = (error ?? {}) as { type?: unknown; code?: unknown; message?: unknown };
  const type = [e.type, e.code].filter((x) => typeof x === 'string' && x).join('/') || 'error';
  const message = typeof e.message === 'string' ? e.message : '';
  return new StreamError(streamErrorKind(type), (excerpt) => {
    const quoted = excerpt(message, 160);
    return `the stream reported an error (${excerpt(type, 80)})${quoted ? `: ${quoted}` : ''}`;
  });
}

/** An `error` event: JSON `{error: {...}}` (both providers), a bare error object, or plain text. */
export function streamErrorEvent(data: string): StreamError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return streamErrorFrom({ message: data });
  }
  const wrapped = parsed as { error?: unknown } | null;
  return streamErrorFrom(
    wrapped && typeof wrapped === 'object' && wrapped.error !== undefined ? wrapped.error : parsed,
  );
}

export function parseJson(body: string, what = 'the reply'): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadResponseError(
      (excerpt) => `${what} is not JSON (starts with "${excerpt(body, 80)}")`,
    );
  }
}

/** A stream that ended early: the same message shape for every dialect. */
export function streamCut(terminator: string): StreamError {
  return new StreamError(
    'stream_cut',
    `the stream ended before ${terminator}: the answer is incomplete`,
  );
}

/**
 * Puts the key where the endpoint looks for it: `Authorization: Bearer <key>` by default, or the
 * bare key in a header of its own (Azure OpenAI's `api-key`, many gateways' `x-api-key`).
 */
export function setKeyHeader(
  headers: Record<string, string>,
  apiKey: string | undefined,
  keyHeader = 'authorization',
): void {
  if (!apiKey) return;
  const name = keyHeader.toLowerCase();
  headers[name] = name === 'authorization' ? `Bearer ${apiKey}` : apiKey;
}

/** More tokens than any model reads or writes in one call: a count past this is not a count. */
export const MAX_TOKENS_PER_CALL = 1e9;

/**
 * A token count from an endpoint's usage: absent (undefined or null) is 0, since many servers
 * report none. Anything else that is not a whole number in [0, 1e9] makes the reply a
 * bad_response: the counts become the cost, the cost budget and the cost comparison, and a count
 * read as 0 would hide a cost regression as surely as 1e308 would overflow it to NaN.
 */
export function tokenCount(v: unknown, field = 'a token count'): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS_PER_CALL) return v;
  throw new BadResponseError(
    (ex) =>
      `implausible usage: ${field} is ${shortValue(v, ex)}, not a whole number of tokens from 0 to 1e9`,
  );
}

// A string count is quoted through the excerpt: an endpoint may have put anything there.
function shortValue(v: unknown, ex: Excerpt): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(ex(v, 20))}`;
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
