/** Replaces every known secret in a text with `***`. */
export type Redact = (text: string) => string;

export const MASK = '***';

/**
 * Shorter values are left alone: masking "abc" or "v1" everywhere would mangle ordinary text
 * and protect nothing, since no real credential is that short.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * One function for every secret: the longest first, so a secret that contains another is masked
 * whole rather than leaving its tail behind.
 */
export function createRedactor(secrets: readonly string[]): Redact {
  const list = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
}

/**
 * The secrets of one run, which become known one at a time while the config is read. `redact`
 * always masks every secret added so far, so it can be handed out before the last one is read.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private current: Redact = (text) => text;
  readonly redact: Redact = (text) => this.current(text);

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

// Hashes cannot carry a secret, but a short one could match inside them by chance.
const SKIP_KEYS = new Set(['fingerprints']);

/**
 * Masks secrets in every string of a JSON-like tree, in place: the last line of defence for a
 * report, whose outputs and reasons are text an endpoint chose (it may echo what it was sent).
 */
export function redactTree<T>(value: T, redact: Redact): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      value[i] = typeof v === 'string' ? redact(v) : redactTree(v, redact);
    }
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (SKIP_KEYS.has(k)) continue;
      if (typeof v === 'string') obj[k] = redact(v);
      else if (v !== null && typeof v === 'object') redactTree(v, redact);
    }
  }
  return value;
}
