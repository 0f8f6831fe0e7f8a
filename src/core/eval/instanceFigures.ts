import type { LedgerRecord } from '../models/ledgerRecord';
import type { Role } from '../pipeline/phaseId';
import type { RunState } from '../pipeline/runState';
import type { PhaseFigures, Tokens } from './evalReport';
import { addTokens, zeroTokens } from './summarizeProfiles';

/** A ledger record's usage in the report's token names. */
export function tokensOf(r: Pick<LedgerRecord, 'usage'>): Tokens {
  return { input: r.usage.inputTokens, output: r.usage.outputTokens, cacheWrite: r.usage.cacheWriteTokens, cacheRead: r.usage.cacheReadTokens };
}

/**
 * Cost, tokens and calls of a run from its ledger (the providers' usage × configured prices), and per phase the
 * attempts and escalations from its phase records; the validator's calls appear as the `validation` role.
 */
export function instanceFigures(state: Pick<RunState, 'ledger' | 'phases'>): { usd: number; tokens: Tokens; calls: number; phases: PhaseFigures[] } {
  const by = new Map<Role, PhaseFigures>();
  const slot = (phase: Role) => {
    const s = by.get(phase) ?? { phase, calls: 0, attempts: 0, escalations: 0, tokens: zeroTokens(), usd: 0 };
    by.set(phase, s);
    return s;
  };
  for (const p of state.phases) {
    if (p.attempts.length === 0) continue;
    const s = slot(p.phase);
    s.attempts = p.attempts.length;
    s.escalations = p.attempts.filter((a) => a.escalated).length;
  }
  let tokens = zeroTokens();
  let usd = 0;
  for (const r of state.ledger) {
    const s = slot(r.phase);
    s.calls += 1;
    s.tokens = addTokens(s.tokens, tokensOf(r));
    s.usd += r.usd;
    tokens = addTokens(tokens, tokensOf(r));
    usd += r.usd;
  }
  return { usd, tokens, calls: state.ledger.length, phases: [...by.values()] };
}
