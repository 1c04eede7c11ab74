const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** The last number in a text ("The answer is 1,234.5" → 1234.5): models tend to conclude with it. */
export function lastNumber(text: string): number | undefined {
  let found: number | undefined;
  for (const m of text.matchAll(NUMBER)) {
    if (!m[0] || !/\d/.test(m[0])) continue;
    const n = Number(m[0].replace(/,/g, ''));
    if (Number.isFinite(n)) found = n;
  }
  return found;
}

/** 1 when the number in the output is within `tolerance` (absolute) of the expected one. */
export function numericMatch(output: string, expected: unknown, tolerance = 0): number {
  const want = typeof expected === 'number' ? expected : lastNumber(String(expected));
  const got = lastNumber(output);
  if (want === undefined || got === undefined) return 0;
  return Math.abs(got - want) <= tolerance + 1e-12 * Math.max(1, Math.abs(want)) ? 1 : 0;
}
