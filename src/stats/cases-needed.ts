import { assertInRange } from './assert.js';
import { normalQuantile } from './normal-quantile.js';
import { tQuantile } from './t-quantile.js';

/**
 * How many cases a paired comparison needs so that a change of `effect` is detected with
 * probability `power` by a one-sided test at level 1 − confidence: the smallest n with
 * (t_{confidence, n−1} + t_{power, n−1}) · sd / √n ≤ effect. Starts from the normal answer
 * ((z_confidence + z_power) · sd / effect)² and steps up to honour the t quantiles.
 *
 * For clustered data pass the effective sd, se · √n, which carries the design effect.
 *
 * When the spread differs between where the test's bound sits and where the true change lies
 * (yes/no outcomes: the variance follows the share of flipped cases), pass the latter as
 * `sdAlt`: the condition becomes (t_{confidence} · sd + t_{power} · sdAlt) / √n ≤ effect.
 *
 * @param sd standard deviation of one paired difference, >= 0.
 * @param effect the change to detect, > 0.
 * @param confidence one-sided confidence level, in (0, 1).
 * @param power in (0, 1) (default 0.8).
 * @param sdAlt the spread at the true change (default sd).
 * @returns an integer >= 2 (2 when sd is 0); the normal answer beyond 1e9 (Infinity past the
 *   double range).
 * @throws {RangeError} when sd is negative, effect is not positive, or a level is outside (0, 1).
 * @example
 * casesNeeded(0.5, 0.02, 0.95); // 3866
 */
export function casesNeeded(
  sd: number,
  effect: number,
  confidence: number,
  power = 0.8,
  sdAlt = sd,
): number {
  if (!(sd >= 0) || !Number.isFinite(sd)) {
    throw new RangeError(`casesNeeded: sd must be a finite number >= 0, got ${sd}`);
  }
  if (!(effect > 0) || !Number.isFinite(effect)) {
    throw new RangeError(`casesNeeded: effect must be a positive number, got ${effect}`);
  }
  assertInRange(confidence, 0, 1, 'confidence', 'casesNeeded', true);
  assertInRange(power, 0, 1, 'power', 'casesNeeded', true);
  if (!(sdAlt >= 0) || !Number.isFinite(sdAlt)) {
    throw new RangeError(`casesNeeded: sdAlt must be a finite number >= 0, got ${sdAlt}`);
  }
  if (sd === 0 && sdAlt === 0) return 2;
  const z = normalQuantile(confidence) * sd + normalQuantile(power) * sdAlt;
  const n = Math.max(2, Math.ceil((z / effect) ** 2));
  // Past a billion cases the t and normal quantiles differ by far less than one case, and near
  // 2^53 whole numbers can no longer be stepped (the search below would never end).
  if (!(n <= 1e9)) return n;
  const fits = (m: number) =>
    (tQuantile(confidence, m - 1) * sd + tQuantile(power, m - 1) * sdAlt) / Math.sqrt(m) <= effect;
  // t quantiles exceed normal ones, so the normal answer is a lower bound: gallop up from it
  // (the gap is a few cases, except at tiny n), then bisect; `fits` is monotone in m.
  if (fits(n)) return n;
  let lo = n;
  let step = 1;
  let hi = n + 1;
  while (!fits(hi)) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
