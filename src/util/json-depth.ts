/**
 * True when parsed JSON nests arrays or objects more than `max` levels deep. Iterative, so a
 * value nested 100,000 levels is measured without a stack overflow (JSON.parse builds such a
 * value happily; JSON.stringify and every recursive walker after it overflow).
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
