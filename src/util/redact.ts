import { DROPPABLE, visibleText } from './control-chars.js';

/** Replaces every known secret in a text with `***`. */
export type Redact = (text: string) => string;

export const MASK = '***';

/**
 * Shorter values are left alone: masking "abc" or "v1" everywhere would mangle ordinary text
 * and protect nothing, since no real credential is that short.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Encoded forms shorter than this are not masked: the base64 core of a 4-character secret is
 * 3 to 5 characters, which turn up inside any long base64 text by chance.
 */
export const MIN_ENCODED_LENGTH = 8;

/** What every text cut for display ends with (`truncate`, the excerpts in error messages). */
export const CUT_MARK = '…';

/**
 * The base64 characters that encode `bytes` and nothing else, wherever they sit in a longer
 * blob (`Basic base64("user:" + key)`): one core per alignment of the secret's first byte in a
 * 3-byte group. A character that mixes the secret's bits with its neighbours' is left out of
 * the core, and so is the last one of a blob ending on the secret (padding decides it).
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(start, end);
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/**
 * The ways a secret travels in text an endpoint may send back: as itself, percent-encoded (a
 * query string, a form body), JSON-escaped, and base64 (a Basic auth header echoed back, a
 * token inside a JWT-like blob), standard and URL-safe.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const percent = [
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ];
  const encoded = [
    ...percent,
    // Percent-encoding's hex digits may come back in lower case (`%2f`), and JSON writers such
    // as PHP's escape `/` as `\/`: forms JSON.stringify and encodeURIComponent never write.
    ...percent.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
    json,
    json.replace(/\//g, '\\/'),
  ].filter((f) => f.length >= MIN_SECRET_LENGTH);
  const cores = base64Cores(Buffer.from(secret, 'utf8')).filter(
    (f) => f.length >= MIN_ENCODED_LENGTH,
  );
  return [...new Set([secret, ...encoded, ...cores])];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Start and end (exclusive) of a stretch to mask. */
export type Span = [number, number];

/**
 * Where a text cut for display (`…`) ends inside a secret: the start of the longest prefix of
 * a form, at least MIN_SECRET_LENGTH long, right before the mark, or -1. A cut made before the
 * masking would otherwise show all of a key but its tail: every cut should mask first, and this
 * is the net under the ones that cannot.
 */
function cutPrefixStart(text: string, mark: number, forms: readonly string[]): number {
  let best = -1;
  for (const f of forms) {
    // Only a start before the best found so far would show a longer prefix.
    const last = best === -1 ? mark - MIN_SECRET_LENGTH : best - 1;
    for (let p = Math.max(0, mark - f.length + 1); p <= last; p++) {
      if (text.charCodeAt(p) === f.charCodeAt(0) && f.startsWith(text.slice(p, mark))) {
        best = p;
        break;
      }
    }
  }
  return best;
}

/** Every occurrence of every form, overlapping ones included, plus cut-off prefixes. */
function spansOf(text: string, forms: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const f of forms) {
    for (let i = text.indexOf(f); i !== -1; i = text.indexOf(f, i + 1))
      spans.push([i, i + f.length]);
  }
  for (let m = text.indexOf(CUT_MARK); m !== -1; m = text.indexOf(CUT_MARK, m + 1)) {
    const start = cutPrefixStart(text, m, forms);
    if (start !== -1) spans.push([start, m]);
  }
  return spans;
}

/** The text with the union of `spans` masked: overlapping secrets leave no piece of either. */
function maskSpans(text: string, spans: Span[]): string {
  return replaceSpans(text, spans, MASK);
}

/**
 * `text` with each run of spans that touch or overlap replaced by one `mark`. Spans, not one
 * secret after another: cutting one first could break up another that overlaps it and leave
 * that one's other end in the text.
 */
export function replaceSpans(text: string, spans: Span[], mark: string): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let [start, end] = spans[0]!;
  for (const [s, e] of spans) {
    if (s <= end) {
      if (e > end) end = e;
      continue;
    }
    out += text.slice(at, start) + mark;
    at = end;
    [start, end] = [s, e];
  }
  return out + text.slice(at, start) + mark + text.slice(end);
}

/**
 * One function for every secret and each of its encoded forms (see `secretForms`). It runs on
 * every string of every report, so the common case, a text holding no secret, costs one regular
 * expression test (V8 scans the alternatives of literals in one pass) and one search for `…`.
 */
export function createRedactor(secrets: readonly string[]): Redact {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return NOTHING;
  // One scan for the common case, a text holding neither a secret nor a character a renderer
  // would drop.
  const any = new RegExp([DROPPABLE.source, ...forms.map(escapeRegExp)].join('|'));
  return (text) => {
    if (!any.test(text) && !text.includes(CUT_MARK)) return text;
    const visible = visibleText(text);
    if (visible === undefined) return maskSpans(text, spansOf(text, forms));
    // A key with a NUL, an escape sequence or a bidi mark inside is whole again on a page or a
    // terminal, which drop them: masked as it will be seen, the characters between included.
    const spans = spansOf(text, forms);
    for (const [start, end] of spansOf(visible.text, forms))
      spans.push([visible.from(start), visible.from(end - 1) + 1]);
    return maskSpans(text, spans);
  };
}

/** The redactor of no secret at all. */
const NOTHING: Redact = (text) => text;

/** Redactors known to mask nothing right now: a whole-tree pass with one is skipped. */
const idle = new WeakMap<Redact, () => boolean>([[NOTHING, () => true]]);

/** Whether `redact` masks nothing (no secret known): a report need not be walked for it. */
export function masksNothing(redact: Redact): boolean {
  return idle.get(redact)?.() ?? false;
}

/**
 * The secrets of one run, which become known one at a time while the config is read. `redact`
 * always masks every secret added so far, so it can be handed out before the last one is read.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private current: Redact = NOTHING;
  readonly redact: Redact = (text) => this.current(text);

  constructor() {
    idle.set(this.redact, () => this.current === NOTHING);
  }

  /** Adds a secret; true when it is new and long enough to be masked. */
  add(value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) return false;
    this.values.add(value);
    this.current = createRedactor([...this.values]);
    return true;
  }

  get size(): number {
    return this.values.size;
  }
}

/** Keys remembered by one pass of redactTree: the report's own, and a bounded few others. */
const MAX_REMEMBERED_KEYS = 4096;

// Hashes cannot carry a secret, but a short one could match inside them by chance.
const SKIP_KEYS = new Set(['fingerprints']);

/**
 * Masks secrets in every string of a JSON-like tree, in place: the last line of defence for a
 * report, whose outputs and reasons are text an endpoint chose (it may echo what it was sent).
 * Iterative, with an explicit stack: an endpoint's JSON nested 10,000 levels deep must not
 * overflow the call stack, and a container met twice (or a cycle) is visited once.
 */
export function redactTree<T>(value: T, redact: Redact): T {
  if (value === null || typeof value !== 'object' || masksNothing(redact)) return value;
  // A container is marked as it is pushed, so it is looked up once, not again when popped. A
  // Set, not a WeakSet: it lives for this pass only, and over a 100,000-case report the weak
  // table cost a third of the pass.
  const seen = new Set<object>([value]);
  // A report repeats a few dozen keys a million times: each is masked once per pass.
  const keys = new Map<string, string>();
  const maskKey = (k: string) => {
    let masked = keys.get(k);
    if (masked === undefined) {
      masked = redact(k);
      if (keys.size < MAX_REMEMBERED_KEYS) keys.set(k, masked);
    }
    return masked;
  };
  const stack: object[] = [value];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') {
          const masked = redact(v);
          if (masked !== v) node[i] = masked;
        } else if (v !== null && typeof v === 'object' && !seen.has(v)) {
          seen.add(v);
          stack.push(v);
        }
      }
    } else {
      const obj = node as Record<string, unknown>;
      for (let k of Object.keys(obj)) {
        if (SKIP_KEYS.has(k)) continue;
        // Keys too: an endpoint picks the keys of the objects it sends (a tool call's arguments).
        const maskedKey = maskKey(k);
        if (maskedKey !== k) k = renameKey(obj, k, maskedKey);
        const v = obj[k];
        if (typeof v === 'string') {
          const masked = redact(v);
          if (masked !== v) obj[k] = masked;
        } else if (v !== null && typeof v === 'object' && !seen.has(v)) {
          seen.add(v);
          stack.push(v);
        }
      }
    }
  }
  return value;
}

/**
 * Moves `obj[from]` to a key not yet in `obj`: `to`, or `to` with a number after it when two
 * keys mask to the same text. Returns the key it now has.
 */
function renameKey(obj: Record<string, unknown>, from: string, to: string): string {
  let key = to;
  for (let n = 2; Object.hasOwn(obj, key); n++) key = `${to} (${n})`;
  Object.defineProperty(obj, key, {
    value: obj[from],
    enumerable: true,
    writable: true,
    configurable: true,
  });
  delete obj[from];
  return key;
}

/** `text` cut to at most `max` UTF-16 units, `…` included, without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}${CUT_MARK}`;
}

/**
 * Untrusted text shortened for a message: secrets masked in the whole text first, then runs of
 * whitespace made one space, then the text cut to `max` characters. Cutting first would let a
 * cut through a key show all of it but the tail.
 */
export function maskedExcerpt(text: string, max: number, redact: Redact): string {
  return cutText(redact(text).replace(/\s+/g, ' ').trim(), max);
}
