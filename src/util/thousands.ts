/**
 * A count as en-US writes it (12,345), without ICU: the process's first `toLocaleString` loads
 * number-formatting data, about 10 ms of a run's start-up for one comma. Non-integers keep
 * `toLocaleString`'s rounding.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${digits}` : digits;
}
