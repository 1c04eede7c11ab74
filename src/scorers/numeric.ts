// A sign only where a word or number does not end right before it: the hyphen of "10-20",
// "COVID-19" or "2024-05" joins, it does not negate (the range read as -20).
const NUMBER =
  /(?:(?<![\p{L}\p{N}_])[-+])?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?/gu;

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

/**
 * 1 when the number in the output is within tolerance of the expected one: |got − want| ≤
 * max(tolerance, relTolerance·|want|), the absolute and relative tolerances of Python's
 * math.isclose except that the relative one is taken from the expected value (the reference,
 * not whichever side is larger).
 */
export function numericMatch(
  output: string,
  expected: unknown,
  tolerance = 0,
  relTolerance = 0,
): number {
  const want = typeof expected === 'number' ? expected : lastNumber(String(expected));
  const got = lastNumber(output);
  if (want === undefined || got === undefined) return 0;
  // The 1e-12 slack absorbs binary rounding (0.1 + 0.2 vs "0.3"), not real differences.
  const allowed = Math.max(tolerance, relTolerance * Math.abs(want));
  return Math.abs(got - want) <= allowed + 1e-12 * Math.max(1, Math.abs(want)) ? 1 : 0;
}
