/**
 * The Wilson score interval of a binomial proportion: `successes` out of `trials`, at the confidence whose
 * two-sided normal quantile is `z` (1.96 for 95 %). Unlike the normal ("Wald") interval it stays inside [0, 1]
 * and is usable for the handful of instances an evaluation has (Wilson 1927, JASA 22:209–212; formula as in
 * https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval).
 * @returns `{ low, high }` in 0..1; `{ low: 0, high: 1 }` when there were no trials
 * @throws RangeError when successes is not within 0..trials
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  if (successes < 0 || successes > trials) throw new RangeError(`successes ${successes} is not within 0..${trials}`);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
