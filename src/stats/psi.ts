/**
 * The population stability index between two histograms over the same bins:
 * PSI = Σ (q_i − p_i) · ln(q_i / p_i), where p and q are the baseline's and the candidate's bin
 * shares. It is the symmetric (Jeffreys) divergence, so it equals
 * `scipy.stats.entropy(q, p) + scipy.stats.entropy(p, q)` on the smoothed shares. Each bin gets
 * `pseudoCount` extra observations on both sides (Jeffreys' 1/2 by default) so an empty bin
 * neither divides by zero nor dominates: p_i = (base_i + a) / (Σ base + k·a). Conventional
 * reading: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one.
 *
 * @param base the baseline's count (or total weight) per bin, non-negative.
 * @param candidate the candidate's count per bin, same length.
 * @param pseudoCount added to every bin of both sides, > 0 (default 0.5).
 * @throws {RangeError} when the lengths differ, there are no bins, a count is negative or not
 *   finite, or pseudoCount is not positive.
 * @example
 * populationStabilityIndex([50, 30, 20], [30, 30, 40]); // ≈ 0.23352
 */
export function populationStabilityIndex(
  base: ArrayLike<number>,
  candidate: ArrayLike<number>,
  pseudoCount = 0.5,
): number {
  const k = base.length;
  if (k === 0) throw new RangeError('populationStabilityIndex: there are no bins');
  if (candidate.length !== k) {
    throw new RangeError(
      `populationStabilityIndex: ${k} baseline bins but ${candidate.length} candidate bins`,
    );
  }
  if (!(pseudoCount > 0) || !Number.isFinite(pseudoCount)) {
    throw new RangeError(
      `populationStabilityIndex: pseudoCount must be positive, got ${pseudoCount}`,
    );
  }
  let totalB = 0;
  let totalC = 0;
  for (let i = 0; i < k; i++) {
    const b = base[i]!;
    const c = candidate[i]!;
    if (!(b >= 0 && c >= 0 && Number.isFinite(b) && Number.isFinite(c))) {
      throw new RangeError(`populationStabilityIndex: bin ${i} has a negative or non-finite count`);
    }
    totalB += b;
    totalC += c;
  }
  const denB = totalB + k * pseudoCount;
  const denC = totalC + k * pseudoCount;
  let psi = 0;
  for (let i = 0; i < k; i++) {
    const p = (base[i]! + pseudoCount) / denB;
    const q = (candidate[i]! + pseudoCount) / denC;
    psi += (q - p) * Math.log(q / p);
  }
  return Math.max(0, psi);
}
