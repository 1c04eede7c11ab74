import { StringDecoder } from 'node:string_decoder';
import { tooLarge } from './transport.js';

/** One server-sent event: `type` is the `event:` field (`message` when absent), `data` its lines. */
export type SseHandler = (type: string, data: string) => void;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/**
 * An incremental parser for `text/event-stream` (the WHATWG event-stream grammar), fed raw
 * socket chunks as they arrive. Built for the cases real providers and proxies produce: a chunk
 * that ends inside a line or inside a UTF-8 character, CRLF or bare CR line endings (also a CRLF
 * split across two chunks), `: ping` comments, and events whose data spans several lines.
 *
 * Each byte is decoded once and scanned once (only new text is searched: `pending` holds no line
 * end); the only copy kept is the unfinished last line.
 *
 * The unfinished line and an event's data are each held to `maxChars` (run.max_response_bytes):
 * a line that never ends, or an event that never closes, fails as `too_large` long before a
 * string outgrows what V8 can hold.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  /** The current line so far: never contains a line terminator. */
  private pending = '';
  /** The previous chunk ended in CR: a LF that starts the next chunk belongs to it. */
  private afterCr = false;
  private type = '';
  private data = '';
  private hasData = false;

  constructor(
    private readonly onEvent: SseHandler,
    private readonly maxChars = Number.POSITIVE_INFINITY,
  ) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    if (text.length === 0) return; // only part of a multibyte character so far
    let pos = 0;
    if (this.afterCr) {
      this.afterCr = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // Native indexOf rather than a loop over characters. The next LF and the next CR are each
    // searched for only once passed, so a chunk is scanned in one sweep whatever its line ends.
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    while (pos < text.length) {
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      let end = lf === -1 || (cr !== -1 && cr < lf) ? cr : lf;
      if (end === -1) break;
      const piece = text.slice(pos, end);
      if (this.pending.length) {
        this.line(this.pending + piece);
        this.pending = '';
      } else this.line(piece);
      if (text.charCodeAt(end) === CR) {
        if (end + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(end + 1) === LF) end++;
      }
      pos = end + 1;
    }
    if (pos < text.length) {
      const rest = pos === 0 ? text : text.slice(pos);
      this.pending = this.pending.length ? this.pending + rest : rest;
      if (this.pending.length > this.maxChars) throw tooLarge(this.maxChars);
    }
  }

  /**
   * The body ended. A line without its terminator is dropped (a cut mid-line is not an event),
   * but an event whose lines all arrived is delivered even without the closing blank line, which
   * some servers omit after their last event.
   */
  end(): void {
    this.decoder.end();
    this.pending = '';
    this.dispatch();
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === COLON) return; // a comment, e.g. a keep-alive `: ping`
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    if (field === 'data') {
      this.data = this.hasData ? `${this.data}\n${value}` : value;
      this.hasData = true;
      if (this.data.length > this.maxChars) throw tooLarge(this.maxChars);
    } else if (field === 'event') this.type = value;
    // `id` and `retry` only matter to a client that reconnects; a gate never resumes a stream.
  }

  private dispatch(): void {
    const type = this.type || 'message';
    const { data, hasData } = this;
    this.type = '';
    this.data = '';
    this.hasData = false;
    if (hasData) this.onEvent(type, data);
  }
}
