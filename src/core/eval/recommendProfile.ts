import type { ProfileSummary, Recommendation } from './evalReport';

/** Default pass-rate margin of `--recommend`: five percentage points. */
export const DEFAULT_RECOMMEND_MARGIN = 0.05;

/**
 * The cheapest profile whose pass rate is within `margin` (0..1, absolute) of the best pass rate: cheapest by USD
 * per resolved instance, then by total USD, then the higher pass rate. Profiles that resolved nothing are never
 * recommended.
 * @returns undefined when no profile resolved anything
 */
export function recommendProfile(profiles: readonly ProfileSummary[], margin = DEFAULT_RECOMMEND_MARGIN): Recommendation | undefined {
  const scored = profiles.filter((p) => p.resolved > 0 && p.usdPerResolved !== null);
  if (scored.length === 0) return undefined;
  const best = scored.reduce((a, b) => (b.passRate > a.passRate || (b.passRate === a.passRate && cost(b) < cost(a)) ? b : a));
  const holding = scored.filter((p) => p.passRate >= best.passRate - margin - 1e-12);
  const pick = holding.reduce((a, b) => (cost(b) < cost(a) || (cost(b) === cost(a) && (b.usd < a.usd || (b.usd === a.usd && b.passRate > a.passRate))) ? b : a));
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const usd = (x: number) => `$${x.toFixed(4)}`;
  const others = scored.filter((p) => p.name !== pick.name).map((p) => `${p.name} ${pct(p.passRate)} at ${usd(cost(p))}`);
  const reason = pick.name === best.name
    ? `${pick.name} has the best pass rate (${pct(pick.passRate)}) at the lowest cost per resolved instance (${usd(cost(pick))}) of the profiles within ${pct(margin)} of it${others.length ? `; the others: ${others.join(', ')}` : ''}`
    : `${pick.name} resolves ${pct(pick.passRate)}, within ${pct(margin)} of the best (${best.name}, ${pct(best.passRate)}), at ${usd(cost(pick))} per resolved instance against ${usd(cost(best))} (${pct(1 - cost(pick) / cost(best))} less)`;
  return { profile: pick.name, margin, best: best.name, reason };
}

function cost(p: ProfileSummary): number {
  return p.usdPerResolved ?? Number.POSITIVE_INFINITY;
}
