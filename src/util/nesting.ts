/**
 * How deeply a config or a golden case may nest arrays and objects. Real ones stay within ten or
 * so; the bound keeps far below the depth at which recursive code (JSON.stringify, deep equality,
 * structured clone) overflows the stack, which a case nested 5,000 levels did after every call
 * had been paid for.
 */
export const MAX_NESTING = 64;

/**
 * The path to the first array or object nested deeper than `max` levels in `value` (the value
 * itself is level 1), or undefined when it nests no deeper. Called on every golden case, so the
 * common answer (not too deep) comes from a walk that allocates nothing; only a value that is too
 * deep is walked again to name where.
 */
export function tooDeep(
  value: unknown,
  max: number = MAX_NESTING,
): (string | number)[] | undefined {
  return deeperThan(value, 1, max) ? pathTooDeep(value, max) : undefined;
}

/**
 * Recursive, yet safe on the very input it guards against: it never descends past `max` levels,
 * so the stack holds at most `max` frames however deep the value goes.
 */
function deeperThan(v: unknown, depth: number, max: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (depth > max) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (deeperThan(v[i], depth + 1, max)) return true;
    return false;
  }
  for (const key in v) {
    if (Object.hasOwn(v, key) && deeperThan((v as Record<string, unknown>)[key], depth + 1, max))
      return true;
  }
  return false;
}

/** Where the first too-deep value is; iterative, as the value may nest 100,000 levels. */
function pathTooDeep(value: unknown, max: number): (string | number)[] | undefined {
  interface Frame {
    v: unknown;
    depth: number;
    key?: string | number;
    parent?: Frame;
  }
  const stack: Frame[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { v, depth } = frame;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) {
      const at: (string | number)[] = [];
      for (let f: Frame | undefined = frame; f?.parent; f = f.parent) at.unshift(f.key!);
      return at;
    }
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (child !== null && typeof child === 'object')
        stack.push({ v: child, depth: depth + 1, key, parent: frame });
    }
  }
  return undefined;
}
