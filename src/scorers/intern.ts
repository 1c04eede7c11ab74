// Token numbering for the similarity scorers. A tokenizer yields spans ([start, end) pairs into
// the text) with a hash of each computed as it scans, so no substring is ever allocated and no
// Map has to hash a fresh string. On 2 KB answers this is most of the cost of ROUGE-L and
// BLEU, and the 10,000-case benchmark (bench/scorers.mjs) depends on it.

/** FNV-1a, fed one UTF-16 unit at a time by the tokenizers as they scan. */
export const HASH_START = 0x811c9dc5 | 0;
export const hashStep = (h: number, unit: number) => Math.imul(h ^ unit, 0x01000193);

/** A growable list of [start, end) spans with the hash of each span's content. */
export class Spans {
  data = new Int32Array(768);
  count = 0;

  clear(): this {
    this.count = 0;
    return this;
  }

  push(start: number, end: number, hash: number): void {
    if (this.count * 3 + 3 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const at = this.count * 3;
    this.data[at] = start;
    this.data[at + 1] = end;
    this.data[at + 2] = hash;
    this.count++;
  }

  /** The spans as strings (for tests and the string-returning tokenizers). */
  strings(text: string): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++)
      out[i] = text.slice(this.data[3 * i]!, this.data[3 * i + 1]!);
    return out;
  }
}

/**
 * Numbers distinct span contents densely from 0, across the texts interned since `reset`.
 * Open addressing on typed arrays, cleared in O(1) by a generation stamp. Not reentrant: scoring
 * is synchronous, so callers share one instance per scorer family.
 */
export class SpanInterner {
  private slots = 0;
  private mask = 0;
  private gen = 0;
  private stamp = new Uint32Array(0);
  private hashes = new Int32Array(0);
  private ids = new Int32Array(0);
  private textOf = new Int32Array(0);
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private texts: string[] = [];
  size = 0;

  /** Forgets every id; `capacity` is how many distinct spans may follow. */
  reset(capacity: number): void {
    if (capacity * 2 > this.slots) {
      let slots = 1024;
      while (slots < capacity * 2) slots *= 2;
      this.slots = slots;
      this.mask = slots - 1;
      this.stamp = new Uint32Array(slots);
      this.hashes = new Int32Array(slots);
      this.ids = new Int32Array(slots);
      this.textOf = new Int32Array(slots);
      this.starts = new Int32Array(slots);
      this.ends = new Int32Array(slots);
      this.gen = 0;
    }
    if (++this.gen === 0xffffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    this.texts = [];
    this.size = 0;
  }

  /**
   * The id of each span of `text`, written to `out`. With `add`, unseen contents get new ids;
   * without, they get -1 (a hypothesis token absent from every reference can never match).
   */
  intern(text: string, spans: Spans, add: boolean, out: Int32Array): void {
    const t = this.texts.length;
    this.texts.push(text);
    const { data, count } = spans;
    // The table's arrays in locals: V8 cannot keep `this.x` loads out of the loop.
    const { stamp, hashes, ids, textOf, starts, ends, texts, mask, gen } = this;
    let size = this.size;
    for (let k = 0; k < count; k++) {
      const start = data[3 * k]!;
      const end = data[3 * k + 1]!;
      const h = data[3 * k + 2]!;
      const len = end - start;
      let slot = h & mask;
      let id = -1;
      while (stamp[slot] === gen) {
        if (hashes[slot] === h && ends[slot]! - starts[slot]! === len) {
          // Same hash and length: compare the characters, so equal ids mean equal tokens.
          const other = texts[textOf[slot]!]!;
          const s = starts[slot]!;
          let i = 0;
          while (i < len && other.charCodeAt(s + i) === text.charCodeAt(start + i)) i++;
          if (i === len) {
            id = ids[slot]!;
            break;
          }
        }
        slot = (slot + 1) & mask;
      }
      if (id === -1 && add) {
        id = size++;
        stamp[slot] = gen;
        hashes[slot] = h;
        ids[slot] = id;
        textOf[slot] = t;
        starts[slot] = start;
        ends[slot] = end;
      }
      out[k] = id;
    }
    this.size = size;
  }
}
