// Token numbering for the similarity scorers. The texts of one comparison are copied, as UTF-16
// code units, into one typed array (the arena); a tokenizer scans it, hashing each token as it
// goes, and asks the table for the token's id the moment the token ends: no substring is ever
// allocated, no Map hashes a fresh string, and no list of spans is written and read back. Equal
// ids mean equal tokens exactly: on a hash match the code units themselves are compared.
// On 2 KB answers tokenizing is over half the cost of ROUGE-L and BLEU, which the 10,000-case
// benchmark (bench/scorers.mjs) measures. On V8 a typed-array read costs half a `charCodeAt`,
// and numbering each token where it ends, rather than in a second pass over a list of spans,
// saved a fifth of the tokenizing time.

/** FNV-1a, fed one UTF-16 unit at a time by the tokenizers as they scan. */
export const HASH_START = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;
/** One step of the hash; hot loops write it out as `Math.imul(h ^ unit, prime)` (faster). */
export const hashStep = (h: number, unit: number) => Math.imul(h ^ unit, HASH_PRIME);

// `Buffer.write(…, 'utf16le')` copies a string's code units verbatim (lone surrogates included)
// at memcpy speed, but as little-endian bytes: a Uint16Array view reads them back only on a
// little-endian machine, which is every platform Node ships for; elsewhere we copy by hand.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// 1,024 slots (16 KB, in L1) hold a 2 KB answer's words.
const MIN_SLOTS = 1024;

/**
 * Numbers distinct tokens densely from 0, across the texts loaded since `reset`. Open
 * addressing on one typed array, at most half full, cleared in O(1) by a generation stamp. Not
 * reentrant: scoring is synchronous, so callers share one instance per scorer family.
 */
export class TokenTable {
  /** The code units of every text loaded since `reset`, end to end. */
  units = new Uint16Array(8192);
  private bytes = Buffer.from(this.units.buffer);
  /** How many units of `units` are in use. */
  end = 0;
  /** How many distinct tokens have ids. */
  size = 0;
  private gen = 1;
  // A slot is four ints side by side (generation stamp, hash, length, id), so a probe reads
  // one cache line; the table grows when half full, so probes stay short.
  private slots = MIN_SLOTS;
  private mask = MIN_SLOTS - 1;
  private table = new Int32Array(MIN_SLOTS * 4);
  // Where each id's first occurrence starts in `units` (what a hash match is compared with),
  // and its length.
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);

  /** Forgets every id and text. */
  reset(): void {
    // A table grown for a long text would spread a short one's few entries over more memory
    // than the cache holds: start small again once a text has used little of it.
    if (this.slots > MIN_SLOTS && this.size * 8 < this.slots) {
      this.slots = MIN_SLOTS;
      this.mask = MIN_SLOTS - 1;
      this.table = new Int32Array(MIN_SLOTS * 4);
      this.gen = 0;
    }
    // Stamps are compared as int32: wrap before the sign bit.
    if (++this.gen === 0x7fffffff) {
      this.table.fill(0);
      this.gen = 1;
    }
    this.end = 0;
    this.size = 0;
  }

  /** Appends `text`'s code units to the arena; returns where they start. */
  load(text: string): number {
    const start = this.end;
    const end = start + text.length;
    if (end > this.units.length) {
      let length = this.units.length * 2;
      while (length < end) length *= 2;
      const bigger = new Uint16Array(length);
      bigger.set(this.units.subarray(0, start));
      this.units = bigger;
      this.bytes = Buffer.from(bigger.buffer);
    }
    if (LITTLE_ENDIAN) this.bytes.write(text, start * 2, 'utf16le');
    else for (let i = 0; i < text.length; i++) this.units[start + i] = text.charCodeAt(i);
    this.end = end;
    return start;
  }

  /**
   * The id of the token `units[start, start + len)` whose hash is `hash`. With `add`, an unseen
   * token gets a new id; without, −1 (a hypothesis token absent from every reference can never
   * match). Small enough for V8 to inline into the tokenizers' loops.
   */
  idOf(start: number, len: number, hash: number, add: boolean): number {
    const { table, units, gen, mask } = this;
    let slot = hash & mask;
    while (table[4 * slot] === gen) {
      if (table[4 * slot + 1] === hash && table[4 * slot + 2] === len) {
        const id = table[4 * slot + 3]!;
        const s = this.starts[id]!;
        let i = 0;
        while (i < len && units[s + i] === units[start + i]) i++;
        if (i === len) return id;
      }
      slot = (slot + 1) & mask;
    }
    return add ? this.add(slot, start, len, hash) : -1;
  }

  /** Where in `units` the first token numbered `id` starts. */
  startOf(id: number): number {
    return this.starts[id]!;
  }

  /** The length of the token numbered `id`. */
  lengthOf(id: number): number {
    return this.lengths[id]!;
  }

  private add(slot: number, start: number, len: number, hash: number): number {
    const id = this.size++;
    if (id === this.starts.length) {
      const starts = new Int32Array(id * 2);
      const lengths = new Int32Array(id * 2);
      starts.set(this.starts);
      lengths.set(this.lengths);
      this.starts = starts;
      this.lengths = lengths;
    }
    this.starts[id] = start;
    this.lengths[id] = len;
    const { table, gen } = this;
    table[4 * slot] = gen;
    table[4 * slot + 1] = hash;
    table[4 * slot + 2] = len;
    table[4 * slot + 3] = id;
    if (this.size * 2 > this.slots) this.grow();
    return id;
  }

  /** Doubles the table and re-inserts every entry (ids and texts are kept). */
  private grow(): void {
    const { table: old, gen } = this;
    const slots = this.slots * 2;
    const mask = slots - 1;
    const table = new Int32Array(slots * 4);
    for (let s = 0; s < this.slots; s++) {
      if (old[4 * s] !== gen) continue;
      let slot = old[4 * s + 1]! & mask;
      while (table[4 * slot] === gen) slot = (slot + 1) & mask;
      table.set(old.subarray(4 * s, 4 * s + 4), 4 * slot);
    }
    this.slots = slots;
    this.mask = mask;
    this.table = table;
  }
}

/**
 * A tokenizer: numbers the tokens of `table.units[from, to)` (see `idOf` for `add`), writes
 * their ids in order to `ids` (at least `to − from` long), and returns how many there are.
 */
export type Scanner = (
  table: TokenTable,
  from: number,
  to: number,
  add: boolean,
  ids: Int32Array,
) => number;

/**
 * The tokens a tokenizer finds in `text`, as strings (tests, and callers that want the tokens):
 * the same scan that scoring uses, each id turned back into the text it stands for.
 */
export function tokenStrings(text: string, scan: Scanner): string[] {
  const table = new TokenTable();
  const base = table.load(text);
  const ids = new Int32Array(text.length);
  const count = scan(table, base, table.end, true, ids);
  const byId: string[] = [];
  const out = new Array<string>(count);
  for (let k = 0; k < count; k++) {
    const id = ids[k]!;
    if (byId[id] === undefined) {
      const start = table.startOf(id) - base;
      byId[id] = text.slice(start, start + table.lengthOf(id));
    }
    out[k] = byId[id]!;
  }
  return out;
}
