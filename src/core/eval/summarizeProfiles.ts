import type { Role } from '../pipeline/phaseId';
import type { InstanceResult, PhaseFigures, ProfileSummary, Tokens } from './evalReport';
import { wilsonInterval } from './wilsonInterval';

/** Tokens of all zeros. */
export const zeroTokens = (): Tokens => ({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 });

/** Field-wise sum of tokens. */
export function addTokens(a: Tokens, b: Tokens): Tokens {
  return { input: a.input + b.input, output: a.output + b.output, cacheWrite: a.cacheWrite + b.cacheWrite, cacheRead: a.cacheRead + b.cacheRead };
}

/** Phase figures summed by phase, first-seen order kept. */
export function sumPhases(lists: readonly (readonly PhaseFigures[])[]): PhaseFigures[] {
  const by = new Map<Role, PhaseFigures>();
  for (const list of lists) {
    for (const p of list) {
      const s = by.get(p.phase) ?? { phase: p.phase, calls: 0, attempts: 0, escalations: 0, tokens: zeroTokens(), usd: 0 };
      by.set(p.phase, { phase: p.phase, calls: s.calls + p.calls, attempts: s.attempts + p.attempts, escalations: s.escalations + p.escalations, tokens: addTokens(s.tokens, p.tokens), usd: s.usd + p.usd });
    }
  }
  return [...by.values()];
}

/**
 * Per profile (in `profileOrder`), over its instance results: pass rate with its 95 % Wilson interval, USD in
 * all and per resolved instance (null when none was resolved), tokens in all and per phase, calls, wall time.
 */
export function summarizeProfiles(profileOrder: readonly string[], results: readonly InstanceResult[]): ProfileSummary[] {
  return profileOrder.map((name) => {
    const rs = results.filter((r) => r.profile === name);
    const resolved = rs.filter((r) => r.resolved).length;
    const usd = rs.reduce((n, r) => n + r.usd, 0);
    const ci = wilsonInterval(resolved, rs.length);
    return {
      name,
      instances: rs.length,
      resolved,
      passRate: rs.length ? resolved / rs.length : 0,
      passRateLow: ci.low,
      passRateHigh: ci.high,
      usd,
      usdPerResolved: resolved ? usd / resolved : null,
      tokens: rs.reduce((t, r) => addTokens(t, r.tokens), zeroTokens()),
      phases: sumPhases(rs.map((r) => r.phases)),
      calls: rs.reduce((n, r) => n + r.calls, 0),
      wallMs: rs.reduce((n, r) => n + r.wallMs, 0),
    };
  });
}
