/**
 * Reads `a.b.0.c` from parsed JSON; undefined when any step is missing. Only own properties count:
 * `toString` or `constructor` would otherwise reach a function on the prototype, not the reply.
 */
export function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const step of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, step)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}
