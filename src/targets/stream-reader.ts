import type http from 'node:http';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../config/schema.js';
import type { ParsedReply, StreamDecoder } from './dialect.js';
import { SseParser } from './sse.js';
import type { BodySink } from './transport.js';

/** Streaming timings of one call, in ms; each is absent when it cannot be measured. */
export interface StreamTimings {
  /** Request sent to the arrival of the chunk that held the first non-empty answer text. */
  ttft_ms?: number;
  /** (latency − ttft) / (output tokens − 1): the pace after the first token. */
  tpot_ms?: number;
}

/**
 * One attempt's streamed reply: picks the body apart as it arrives (SSE → dialect events) and
 * notes when the first answer text came. An endpoint that ignores `stream: true` and answers
 * with one JSON document is read as a whole reply instead (no first-token time, but a valid
 * answer): proxies and some compatible servers do that, and their answers are still answers.
 */
export class StreamReader {
  private readonly sse: SseParser;
  /** When the chunk being parsed arrived: the first token is timed at its byte, not its parse. */
  private chunkAt = 0;
  private firstTokenAt: number | undefined;
  /** True once a 2xx event stream was handed to this reader. */
  used = false;

  /** `maxBytes` is run.max_response_bytes, which also bounds any one line or event. */
  constructor(
    private readonly decoder: StreamDecoder,
    maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    this.sse = new SseParser((type, data) => {
      if (this.decoder.event(type, data) && this.firstTokenAt === undefined)
        this.firstTokenAt = this.chunkAt;
    }, maxBytes);
  }

  /** For the transport: take the body of a 2xx reply unless it is plain JSON. */
  readonly consume = (status: number, headers: http.IncomingHttpHeaders): BodySink | undefined => {
    if (status < 200 || status >= 300 || /json/i.test(headers['content-type'] ?? '')) return;
    this.used = true;
    return (chunk, at) => {
      this.chunkAt = at;
      this.sse.push(chunk);
    };
  };

  /** After the body ended: the reply, or StreamError `stream_cut` without the terminator. */
  finish(): ParsedReply {
    this.sse.end();
    return this.decoder.finish();
  }

  /** `started` (when the request was sent) and `latencyMs` on the transport's clock. */
  timings(started: number, latencyMs: number, outputTokens: number): StreamTimings {
    if (this.firstTokenAt === undefined) return {};
    // Both ends come from one monotonic clock, so ttft <= latency holds by construction.
    const ttft = Math.min(this.firstTokenAt - started, latencyMs);
    if (outputTokens <= 1) return { ttft_ms: ttft };
    return { ttft_ms: ttft, tpot_ms: (latencyMs - ttft) / (outputTokens - 1) };
  }
}
