import { z } from 'zod';
import type { ProfileSummary, Regression } from './evalReport';

/** Defaults of the regression check: cost per resolved instance may grow up to 2×, pass rate drop up to 5 points. */
export const DEFAULT_COST_FACTOR = 2;
export const DEFAULT_PASS_RATE_DROP = 0.05;

/** What a baseline must hold: the `profiles` of an earlier `shipwright eval --json` (other fields are ignored). */
export const BaselineFile = z.looseObject({
  profiles: z.array(z.looseObject({ name: z.string(), passRate: z.number().min(0).max(1), usdPerResolved: z.number().nonnegative().nullable() })).min(1),
});
export type BaselineFile = z.infer<typeof BaselineFile>;

/**
 * Compares each profile with the baseline's profile of the same name. A regression is: USD per resolved instance
 * above `costFactor` × the baseline's (or nothing resolved now where something was), or a pass rate more than
 * `maxDrop` (0..1, absolute) below the baseline's. Profiles absent from the baseline are not compared.
 */
export function compareBaseline(
  current: readonly ProfileSummary[],
  baseline: BaselineFile,
  opts: { costFactor?: number; maxDrop?: number } = {},
): { regressions: Regression[]; compared: string[] } {
  const factor = opts.costFactor ?? DEFAULT_COST_FACTOR;
  const drop = opts.maxDrop ?? DEFAULT_PASS_RATE_DROP;
  const regressions: Regression[] = [];
  const compared: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  for (const p of current) {
    const b = baseline.profiles.find((x) => x.name === p.name);
    if (!b) continue;
    compared.push(p.name);
    if (b.usdPerResolved !== null) {
      if (p.usdPerResolved === null) {
        regressions.push({ profile: p.name, kind: 'cost', message: `${p.name}: nothing resolved, so no cost per resolved instance (baseline $${b.usdPerResolved.toFixed(4)})` });
      } else if (p.usdPerResolved >= b.usdPerResolved * factor * (1 - 1e-9) && p.usdPerResolved > b.usdPerResolved) {
        const ratio = b.usdPerResolved > 0 ? `${(p.usdPerResolved / b.usdPerResolved).toFixed(2)}×` : 'up from $0';
        regressions.push({ profile: p.name, kind: 'cost', message: `${p.name}: $${p.usdPerResolved.toFixed(4)} per resolved instance, ${ratio} the baseline's $${b.usdPerResolved.toFixed(4)} (limit ${factor}×)` });
      }
    }
    if (p.passRate < b.passRate - drop - 1e-12) {
      regressions.push({ profile: p.name, kind: 'passRate', message: `${p.name}: pass rate ${pct(p.passRate)}, down from ${pct(b.passRate)} (limit: ${pct(drop)} lower)` });
    }
  }
  return { regressions, compared };
}
