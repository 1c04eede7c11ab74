/** Code units per escaped slice of a long string: small enough that escaping it (×6 at worst) is cheap. */
export const STRING_PIECE = 1 << 20;

interface Frame {
  value: object;
  array: boolean;
  /** Keys (undefined in an array) and values still to write, holes and skipped values resolved. */
  items: [string | undefined, unknown][];
  i: number;
  depth: string;
  /** Items to write natively in the next batch (arrays only; see {@link batchOf}). */
  batch: number;
}

/**
 * `JSON.stringify(value, null, indent)` (indent ≥ 1) in pieces, byte for byte the same text, so
 * that no single string has to hold the whole document: a report with three 200 MB answers is
 * longer than the longest string V8 can make ("Invalid string length"), yet it must still be
 * written.
 *
 * Follows JSON.stringify's rules: toJSON, undefined, functions and symbols skipped in objects and
 * `null` in arrays, non-finite numbers as `null`, a circular structure a TypeError. A string
 * longer than `piece` code units is escaped in slices cut between code points. An explicit stack
 * rather than recursion: a deeply nested `expected` cannot overflow the call stack.
 */
export function* jsonChunks(value: unknown, indent = 2, piece = STRING_PIECE): Generator<string> {
  const pad = ' '.repeat(Math.max(1, indent));
  const stack: Frame[] = [];
  const open = new Set<object>();
  let tryNative = true;
  let tryBatch = true;
  let next: { key: string; value: unknown; depth: string } | undefined = {
    key: '',
    value,
    depth: '',
  };
  for (;;) {
    if (next) {
      const v = toJson(next.key, next.value);
      const depth = next.depth;
      next = undefined;
      if (typeof v === 'string') yield* stringChunks(v, piece);
      else if (v === null || typeof v !== 'object') yield JSON.stringify(v) ?? 'null';
      else if (
        tryNative &&
        stack.length >= NATIVE_FROM_DEPTH &&
        (yield* native(v, indent, depth))
      ) {
        // written whole by JSON.stringify
      } else {
        // One failure is enough: retrying on every level of a deep value would be quadratic.
        if (tryNative && stack.length >= NATIVE_FROM_DEPTH) tryNative = false;
        if (open.has(v)) throw new TypeError('Converting circular structure to JSON');
        const array = Array.isArray(v);
        const items: Frame['items'] = array
          ? Array.from(v as unknown[], (x) => [undefined, skipped(x) ? null : x])
          : Object.entries(v).filter(([, x]) => !skipped(x));
        if (items.length === 0) yield array ? '[]' : '{}';
        else {
          open.add(v);
          stack.push({ value: v, array, items, i: 0, depth, batch: 1 });
        }
      }
    }
    const top = stack.at(-1);
    if (!top) return;
    if (top.i < top.items.length) {
      const inner = top.depth + pad;
      const lead = top.i === 0 ? (top.array ? '[' : '{') : ',';
      if (top.array && tryNative && tryBatch && stack.length >= NATIVE_FROM_DEPTH) {
        const written = batchOf(top, inner, pad, indent, piece);
        if (written === undefined) tryBatch = false;
        else if (written) {
          // Apart: a long string built by `+` is many times slower to write than a flat one.
          yield `${lead}\n${inner}`;
          yield written;
          continue;
        }
      }
      const [key, item] = top.items[top.i]!;
      yield `${lead}\n${inner}${key === undefined ? '' : `${JSON.stringify(key)}: `}`;
      next = { key: key ?? String(top.i), value: item, depth: inner };
      top.i++;
    } else {
      stack.pop();
      open.delete(top.value);
      yield `\n${top.depth}${top.array ? ']' : '}'}`;
    }
  }
}

/**
 * From this depth down (a case, a check, a target's figures) each value is first tried with the
 * native JSON.stringify, many times faster than walking it here. A value too large for one
 * string, or nested too deep for the native recursion, throws RangeError and is walked instead.
 * Not higher up: trying the whole report or its case list natively would build up to V8's
 * longest string before failing, exactly in the case this writer exists for.
 */
const NATIVE_FROM_DEPTH = 2;

/**
 * Native JSON text (compact with indent 0), or undefined where V8 gives up (too long for one
 * string, too deep).
 */
export function stringifyOrNone(v: unknown, indent: number): string | undefined {
  try {
    return JSON.stringify(v, null, indent);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

function* native(v: object, indent: number, depth: string): Generator<string, boolean> {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const text = stringifyOrNone(v, indent);
  if (text === undefined) return false;
  // JSON text holds no raw line break (strings escape theirs), so every one is an indent point.
  yield depth ? text.replaceAll('\n', `\n${depth}`) : text;
  return true;
}

/**
 * Items per batch at most, and the text length a batch aims at: a batch's successor is halved
 * past twice this and doubled below it. Strings past about 128 KB go to V8's large-object space,
 * which only a full collection frees: batches of 200 KB made writing a report three times slower.
 */
const MAX_BATCH = 256;
const BATCH_UNITS = 1 << 14;

/**
 * The array's next items written by one native JSON.stringify, already indented for where they
 * sit ("item,\n<indent>item"), with `top.i` moved past them; '' when the next item is not one to
 * batch (it has a toJSON, which must see its own index, or is a long string), undefined when the
 * native call failed (too long for one string, too deep): the caller then writes item by item.
 *
 * A case written alone costs a native call, a wrapper and a re-indenting pass over its text; a
 * hundred thousand of them took most of the writer's time. Wrapped in as many arrays as the
 * items are deep, the native output is indented where they will stand, so it is sliced out
 * whole. The batch grows while its text stays short, so that an array of huge answers is still
 * written about one item at a time and never held all at once.
 */
function batchOf(
  top: Frame,
  inner: string,
  pad: string,
  indent: number,
  piece: number,
): string | undefined {
  const end = Math.min(top.items.length, top.i + top.batch);
  const slice: unknown[] = [];
  for (let j = top.i; j < end; j++) {
    const item = top.items[j]![1];
    // A long string is escaped in pieces, as it would be alone.
    if (typeof item === 'string' ? item.length > piece : hasToJson(item)) break;
    slice.push(item);
  }
  if (slice.length === 0) return '';
  // JSON.stringify indents by ten spaces at most; deeper pads are written item by item.
  if (pad.length !== indent) return undefined;
  const levels = inner.length / pad.length;
  let wrapped: unknown = slice;
  for (let l = 1; l < levels; l++) wrapped = [wrapped];
  const text = stringifyOrNone(wrapped, indent);
  if (text === undefined) return undefined;
  // "[\n<pad>[\n<pad><pad>…" down to the items, and the closing brackets after them.
  let head = 0;
  let tail = 0;
  for (let l = 1; l <= levels; l++) {
    head += 2 + l * pad.length;
    tail += 2 + (l - 1) * pad.length;
  }
  top.i += slice.length;
  if (text.length > 2 * BATCH_UNITS) top.batch = Math.max(1, top.batch >> 1);
  else if (text.length < BATCH_UNITS) top.batch = Math.min(MAX_BATCH, top.batch * 2);
  return text.slice(head, text.length - tail);
}

function hasToJson(v: unknown): boolean {
  return (
    v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
  );
}

function toJson(key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object') {
    const fn = (v as { toJSON?: unknown }).toJSON;
    if (typeof fn === 'function') return fn.call(v, key);
  }
  return v;
}

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** What JSON.stringify would escape (any surrogate, to be safe: a lone one is escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function* stringChunks(s: string, piece: number): Generator<string> {
  if (s.length <= piece) {
    yield JSON.stringify(s);
    return;
  }
  yield '"';
  for (let at = 0; at < s.length; ) {
    let end = Math.min(at + piece, s.length);
    // A pair cut in two would be escaped as two lone surrogates (`\ud83d\ude00`), not kept whole.
    const last = s.charCodeAt(end - 1);
    if (end < s.length && end - 1 > at && last >= 0xd800 && last <= 0xdbff) end--;
    const slice = s.slice(at, end);
    yield NEEDS_ESCAPE.test(slice) ? JSON.stringify(slice).slice(1, -1) : slice;
    at = end;
  }
  yield '"';
}
