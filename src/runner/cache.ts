import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallResult } from '../types.js';

/** What the request looked like on the wire: enough to know two calls would ask the same thing. */
export interface CacheableRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** An answer as stored: what the endpoint said and how long it took, never what was sent. */
export interface CachedReply {
  output: string;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  ttft_ms?: number;
  tpot_ms?: number;
}

// Headers and query parameters that carry credentials stay out of the key: a key must never
// reach the disk, not even folded into a file name, and rotating it must not empty the cache.
const SECRET_HEADER =
  /authorization|api[-_]?key|token|secret|cookie|password|signature|credential/i;
const SECRET_PARAM = /key|token|secret|sig|auth|password|credential/i;
const FORMAT = 'evalgate-cache-v1';

/**
 * An on-disk cache of successful answers, keyed by a SHA-256 of the request as sent (method, URL,
 * headers and body) minus its credentials, plus the repeat number, so `run.repeats: k` keeps k
 * distinct answers. One small JSON file per answer under `dir/ab/abcdef….json`: restored and
 * saved whole by actions/cache, and safe to delete at any time.
 *
 * Reads are synchronous (one small file, before the call would have been sent); writes go in
 * the background and `flush()` waits for them. A cache that cannot be read or written is a
 * warning, never a failed run.
 */
export class ResponseCache {
  private readonly pending = new Set<Promise<void>>();
  private readonly made = new Set<string>();
  private warned = false;
  private seq = 0;

  /**
   * @param secrets values that must not take part in a key wherever they appear (the API keys
   *   read from the environment), in case one sits in a URL or body rather than a header.
   */
  constructor(
    readonly dir: string,
    private readonly secrets: readonly string[] = [],
    private readonly onWarning: (message: string) => void = () => {},
  ) {}

  /** `salt` separates what the request alone does not say (how the reply is read). */
  key(req: CacheableRequest, repeat: number, salt = ''): string {
    const url = new URL(req.url);
    for (const name of [...url.searchParams.keys()])
      if (SECRET_PARAM.test(name)) url.searchParams.delete(name);
    const headers = Object.keys(req.headers)
      .filter((name) => !SECRET_HEADER.test(name))
      .map((name) => [name.toLowerCase(), this.redact(req.headers[name]!)])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    const hash = createHash('sha256');
    hash.update(FORMAT);
    hash.update('\0');
    hash.update(req.method.toUpperCase());
    hash.update('\0');
    hash.update(this.redact(url.toString()));
    hash.update('\0');
    hash.update(JSON.stringify(headers));
    hash.update('\0');
    hash.update(this.redact(req.body ?? ''));
    hash.update(`\0${repeat}\0${salt}`);
    return hash.digest('hex');
  }

  get(key: string): CachedReply | undefined {
    let text: string;
    try {
      text = readFileSync(this.file(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(err);
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Partial<CachedReply> & { format?: string };
      if (
        v.format !== FORMAT ||
        typeof v.output !== 'string' ||
        typeof v.input_tokens !== 'number' ||
        typeof v.output_tokens !== 'number' ||
        typeof v.latency_ms !== 'number'
      )
        return undefined;
      const reply: CachedReply = {
        output: v.output,
        input_tokens: v.input_tokens,
        output_tokens: v.output_tokens,
        latency_ms: v.latency_ms,
      };
      if (typeof v.ttft_ms === 'number') reply.ttft_ms = v.ttft_ms;
      if (typeof v.tpot_ms === 'number') reply.tpot_ms = v.tpot_ms;
      return reply;
    } catch {
      return undefined; // a torn or foreign file is a miss; the next success overwrites it
    }
  }

  /** Stores a successful call; anything else is never cached. */
  put(key: string, call: CallResult): void {
    if (call.error !== null || call.output === null) return;
    const entry: CachedReply & { format: string } = {
      format: FORMAT,
      output: call.output,
      input_tokens: call.input_tokens,
      output_tokens: call.output_tokens,
      latency_ms: call.latency_ms,
    };
    if (call.ttft_ms !== undefined) entry.ttft_ms = call.ttft_ms;
    if (call.tpot_ms !== undefined) entry.tpot_ms = call.tpot_ms;
    const file = this.file(key);
    const sub = path.dirname(file);
    try {
      if (!this.made.has(sub)) {
        mkdirSync(sub, { recursive: true });
        this.made.add(sub);
      }
    } catch (err) {
      this.warn(err);
      return;
    }
    // Written beside, then renamed: a reader never sees half a file, even across processes.
    const tmp = `${file}.${process.pid}-${this.seq++}.tmp`;
    const write = writeFile(tmp, JSON.stringify(entry))
      .then(() => rename(tmp, file))
      .catch((err) => this.warn(err))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for every write started so far. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  private redact(text: string): string {
    for (const s of this.secrets)
      if (s && text.includes(s)) text = text.split(s).join('\0secret\0');
    return text;
  }

  private warn(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning(
      `the response cache in ${this.dir} is not usable (${(err as Error).message}); the run goes on without it`,
    );
  }
}
