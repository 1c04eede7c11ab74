import type { GoldenCase } from '../types.js';

/** What a dialect needs to know about its target, with prompt files already read. */
export interface ResolvedTemplates {
  prompt?: string;
  system?: string;
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
}

/** A reply with a 2xx status whose body is not what the dialect promises. Retried: proxies flake. */
export class BadResponseError extends Error {}

/** One endpoint dialect: how to ask, and how to read the answer. Pure; the runner does the I/O. */
export interface Dialect {
  buildRequest(c: GoldenCase): OutgoingRequest;
  parseReply(body: string): ParsedReply;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    const excerpt = body.slice(0, 80).replace(/\s+/g, ' ');
    throw new BadResponseError(`the reply is not JSON (starts with "${excerpt}")`);
  }
}

export function tokenCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
