// Argument checks shared by the statistics functions. Invalid arguments are caller bugs, so they
// throw (RangeError / TypeError) rather than returning NaN that would leak into a verdict.

/**
 * Throws unless `values` holds at least `min` numbers.
 *
 * @throws {RangeError} when `values.length < min`.
 * @example
 * assertSampleSize([1, 2], 2, 'pairedMeanBounds'); // ok
 */
export function assertSampleSize(values: ArrayLike<number>, min: number, fn: string): void {
  if (values.length < min) {
    throw new RangeError(
      min === 1
        ? `${fn}: the sample is empty`
        : `${fn}: needs at least ${min} values, got ${values.length}`,
    );
  }
}

/**
 * Throws unless `value` is a finite number in [lo, hi] (or (lo, hi) when `open`).
 *
 * @throws {RangeError} when out of range or not a number.
 * @example
 * assertInRange(0.95, 0, 1, 'confidence', 'clopperPearsonLower', true); // ok
 */
export function assertInRange(
  value: number,
  lo: number,
  hi: number,
  name: string,
  fn: string,
  open = false,
): void {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (open ? value > lo && value < hi : value >= lo && value <= hi);
  if (!ok) {
    const range = open ? `(${lo}, ${hi})` : `[${lo}, ${hi}]`;
    throw new RangeError(`${fn}: ${name} must be in ${range}, got ${String(value)}`);
  }
}

/**
 * Throws unless `value` is an integer that is at least `min`.
 *
 * @throws {RangeError} when not an integer or below `min`.
 * @example
 * assertInteger(2000, 1, 'resamples', 'pairedBootstrap'); // ok
 */
export function assertInteger(value: number, min: number, name: string, fn: string): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * Throws unless `value` is a finite number.
 *
 * @throws {RangeError} when `value` is NaN or infinite.
 * @example
 * assertFinite(0.2, 'threshold', 'pValueBelow'); // ok
 */
export function assertFinite(value: number, name: string, fn: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${name} must be a finite number, got ${String(value)}`);
  }
}
