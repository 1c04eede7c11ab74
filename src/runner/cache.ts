import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { MAX_LIST_ITEMS } from '../dataset/rag-fields.js';
import { MAX_TOOL_CALLS } from '../targets/tool-calls.js';
import type { CallResult, ToolCall } from '../types.js';
import { writeFileAtomicAsync } from '../util/atomic-write.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';
import { createRedactor, type Redact } from '../util/redact.js';

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
  /** The answer's tool calls (the tool keys are in the request body, so in the key). */
  tool_calls?: ToolCall[];
  /** The passages an http app returned at its `context` path, and their source ids. */
  context?: string[];
  sources?: string[];
}

// Headers and query parameters that carry credentials stay out of the key: a key must never
// reach the disk, not even folded into a file name, and rotating it must not empty the cache.
// By their exact names: a part of a name matched `keyword`, `max_tokens` and `author`, whose
// values decide the answer, and different requests shared one cached answer. A known secret
// anywhere else (a `?code=${FUNC_KEY}`) is replaced by a placeholder (see placeholders()).
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'ocp-apim-subscription-key',
  'x-auth-token',
  'cookie',
]);
const SECRET_PARAMS = new Set([
  'key',
  'apikey',
  'api_key',
  'api-key',
  'token',
  'access_token',
  'auth_token',
  'sig',
  'signature',
  'password',
  'secret',
  'client_secret',
  'subscription-key',
]);
const FORMAT = 'evalgate-cache-v1';

/** No call reads or writes a billion tokens; a count above that was not written by us. */
export const MAX_CACHED_TOKENS = 1_000_000_000;
/** A day: far beyond any timeout a call runs under. */
export const MAX_CACHED_MS = 86_400_000;

const tokens = z.number().int().min(0).max(MAX_CACHED_TOKENS);
const ms = z.number().min(0).max(MAX_CACHED_MS);

/**
 * An entry as we write it, checked field by field like a stored baseline: the folder is restored
 * from a CI cache or sits in a checkout, so whoever could write there could forge an answer. A
 * negative cost, a latency of 1e308 or a string where a number goes must be a miss, never an
 * answer (zod's number() refuses NaN and ±Infinity; int() only safe integers). Strict: a field we
 * do not write (a `cost_usd`, say) marks a file we did not write.
 */
const entrySchema = z.strictObject({
  format: z.literal(FORMAT),
  output: z.string(),
  input_tokens: tokens,
  output_tokens: tokens,
  latency_ms: ms,
  ttft_ms: ms.optional(),
  tpot_ms: ms.optional(),
  tool_calls: z
    .array(
      z.strictObject({
        name: z.string(),
        arguments: z.unknown(),
        id: z.string().optional(),
        invalid_arguments: z.string().optional(),
      }),
    )
    .max(MAX_TOOL_CALLS)
    .optional(),
  // Bounded as the http dialect bounds what it reads: a forged entry cannot hold more.
  context: z.array(z.string()).max(MAX_LIST_ITEMS).optional(),
  sources: z.array(z.string()).max(MAX_LIST_ITEMS).optional(),
});

type Entry = z.infer<typeof entrySchema>;

/** Why an entry was refused, for the warning: the first field at fault and what is wrong. */
function entryProblem(value: unknown): string | undefined {
  const parsed = entrySchema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.map(String).join('.') || 'the entry'}: ${issue.message}`;
}

/**
 * An on-disk cache of successful answers, keyed by a SHA-256 of the request as sent (method, URL,
 * headers and body) minus its credentials, plus the repeat number, so `run.repeats: k` keeps k
 * distinct answers. One small JSON file per answer under `dir/ab/abcdef….json`: restored and
 * saved whole by actions/cache, and safe to delete at any time.
 *
 * What it trusts: nothing it reads. An entry is validated field by field and a bad one is a
 * miss (the call is made, and its answer replaces the entry). The folder, its subfolders and its
 * entries must be real folders and files: a symbolic link, which a pull request can commit or a
 * restored cache can hold, could send a write outside the workspace or a read to any file, so a
 * linked cache folder turns the cache off and a linked entry is a miss. Entries are written to an
 * unguessable temp name (O_EXCL) and renamed, so a link planted at any name is never written
 * through. And it never stores a secret: an answer that quotes one is not cached.
 *
 * Reads are synchronous (one small file, before the call would have been sent); writes go in
 * the background and `flush()` waits for them. A cache that cannot be read or written is a
 * warning, never a failed run.
 */
export class ResponseCache {
  private readonly pending = new Set<Promise<void>>();
  /** Subfolders checked to be real folders (made by us or found so). */
  private readonly real = new Set<string>();
  private readonly warned = new Set<'unusable' | 'invalid' | 'secret' | 'write'>();
  private invalid = 0;
  private disabled = false;
  private dirChecked = false;
  private readonly containsSecret: (text: string) => boolean;

  /**
   * @param secrets values that must not take part in a key wherever they appear (the API keys
   *   read from the environment), in case one sits in a URL or body rather than a header.
   * @param redact masks every secret of the run (keys, `${VAR}` values, the github-token, their
   *   encoded forms): an answer it would change is not stored.
   */
  constructor(
    readonly dir: string,
    private readonly secrets: readonly string[] = [],
    private readonly onWarning: (message: string) => void = () => {},
    redact: Redact = createRedactor(secrets),
  ) {
    this.containsSecret = (text) => redact(text) !== text;
  }

  /** `salt` separates what the request alone does not say (how the reply is read). */
  key(req: CacheableRequest, repeat: number, salt = ''): string {
    const url = new URL(req.url);
    for (const name of [...url.searchParams.keys()])
      if (SECRET_PARAMS.has(name.toLowerCase())) url.searchParams.delete(name);
    const headers = Object.keys(req.headers)
      .filter((name) => !SECRET_HEADERS.has(name.toLowerCase()))
      .map((name) => [name.toLowerCase(), this.placeholders(req.headers[name]!)])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    const hash = createHash('sha256');
    hash.update(FORMAT);
    hash.update('\0');
    hash.update(req.method.toUpperCase());
    hash.update('\0');
    hash.update(this.placeholders(url.toString()));
    hash.update('\0');
    hash.update(JSON.stringify(headers));
    hash.update('\0');
    hash.update(this.placeholders(req.body ?? ''));
    hash.update(`\0${repeat}\0${salt}`);
    return hash.digest('hex');
  }

  get(key: string): CachedReply | undefined {
    if (!this.usable(false)) return undefined;
    const file = this.file(key);
    const sub = path.dirname(file);
    if (!this.real.has(sub)) {
      const kind = this.kindOf(sub);
      if (kind === 'missing') return undefined;
      if (kind !== 'folder') {
        this.refuse(sub, `it is ${kind}, not a folder`);
        return undefined;
      }
      this.real.add(sub);
    }
    let text: string;
    try {
      text = readBoundedText(file, FILE_LIMITS.cacheEntry, { noFollow: true });
    } catch (err) {
      if (err instanceof FileReadError && err.reason === 'missing') return undefined;
      this.refuse(file, err instanceof FileReadError ? err.message : String(err));
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A torn or foreign file; the next success overwrites it.
      this.refuse(file, 'it is not JSON');
      return undefined;
    }
    const problem = entryProblem(value);
    if (problem) {
      this.refuse(file, problem);
      return undefined;
    }
    const { format: _, ...reply } = value as Entry;
    return reply;
  }

  /** Stores a successful call; anything else, or an answer quoting a secret, is never cached. */
  put(key: string, call: CallResult): void {
    if (call.error !== null || call.output === null) return;
    const calls = call.tool_calls?.length ? call.tool_calls : undefined;
    const extras = [calls, call.context, call.sources].filter((x) => x !== undefined);
    if (
      this.containsSecret(call.output) ||
      (extras.length > 0 && this.containsSecret(JSON.stringify(extras)))
    ) {
      this.warnOnce(
        'secret',
        'an answer quoted a secret (an API key or a value read from the environment), so it was not cached: the response cache never stores one',
      );
      return;
    }
    const entry: Entry = {
      format: FORMAT,
      output: call.output,
      input_tokens: call.input_tokens,
      output_tokens: call.output_tokens,
      latency_ms: call.latency_ms,
    };
    if (call.ttft_ms !== undefined) entry.ttft_ms = call.ttft_ms;
    if (call.tpot_ms !== undefined) entry.tpot_ms = call.tpot_ms;
    if (calls !== undefined) entry.tool_calls = calls;
    if (call.context !== undefined) entry.context = call.context;
    if (call.sources !== undefined) entry.sources = call.sources;
    // What we would refuse to read back (a fractional token count from a lax endpoint) is not
    // worth writing.
    if (entryProblem(entry)) return;
    const file = this.file(key);
    if (!this.usable(true) || !this.madeFolder(path.dirname(file))) return;
    // One entry that cannot be written (a folder in its place, another run's rename in the way)
    // is that entry's trouble, not the cache's: reads and other writes go on.
    const write = writeFileAtomicAsync(file, JSON.stringify(entry), { durable: false })
      .catch((err) =>
        this.warnOnce(
          'write',
          `a response cache entry could not be written (${(err as Error).message}); its answer is used, and fetched again next time`,
        ),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for every write started so far. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.invalid > 1) {
      this.onWarning(
        `${this.invalid} response cache entries in ${this.dir} were invalid and ignored; their calls were made`,
      );
      this.invalid = 0;
    }
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  private kindOf(p: string): 'missing' | 'folder' | 'a symbolic link' | 'a file' {
    try {
      const st = lstatSync(p);
      return st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'folder' : 'a file';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  }

  /**
   * Whether the cache folder is a real folder: checked once, and made (with its parents) on the
   * first write when it is missing. A link or a file there turns the cache off.
   */
  private usable(create: boolean): boolean {
    if (this.disabled) return false;
    if (this.dirChecked) return true;
    try {
      let kind = this.kindOf(this.dir);
      if (kind === 'missing') {
        if (!create) return false;
        mkdirSync(this.dir, { recursive: true });
        kind = this.kindOf(this.dir);
      }
      if (kind !== 'folder') {
        this.unusable(new Error(`it is ${kind}, not a folder`));
        return false;
      }
      this.dirChecked = true;
      return true;
    } catch (err) {
      this.unusable(err);
      return false;
    }
  }

  /** Makes a subfolder, or checks the one found is a real folder. */
  private madeFolder(sub: string): boolean {
    if (this.real.has(sub)) return true;
    try {
      let kind = this.kindOf(sub);
      if (kind === 'missing') {
        try {
          mkdirSync(sub);
        } catch (err) {
          // Another run sharing the folder made it first: look again at what is there.
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        kind = this.kindOf(sub);
      }
      if (kind !== 'folder') {
        this.refuse(sub, `it is ${kind}, not a folder`);
        return false;
      }
      this.real.add(sub);
      return true;
    } catch (err) {
      this.unusable(err);
      return false;
    }
  }

  private placeholders(text: string): string {
    for (const s of this.secrets)
      if (s && text.includes(s)) text = text.split(s).join('\0secret\0');
    return text;
  }

  private warnOnce(what: 'unusable' | 'invalid' | 'secret' | 'write', message: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.onWarning(message);
  }

  private unusable(err: unknown): void {
    this.disabled = true;
    this.warnOnce(
      'unusable',
      `the response cache in ${this.dir} is not usable (${(err as Error).message}); the run goes on without it`,
    );
  }

  /** An entry (or its folder) that cannot be trusted: a miss, and a warning for the first. */
  private refuse(where: string, why: string): void {
    this.invalid++;
    this.warnOnce(
      'invalid',
      `response cache entry ${where} is ignored (${why}); its call is made again`,
    );
  }
}
