import type { Role } from '../pipeline/phaseId';
import type { LedgerRecord } from './ledgerRecord';
import { addUsage, zeroUsage, type Usage } from './usage';

/** Totals of a set of calls: tokens (provider-reported) and USD, with local (Ollama) and cloud apart. */
export interface LedgerTotals {
  usage: Usage;
  usd: number;
  calls: number;
  localUsage: Usage;
  cloudUsage: Usage;
  cloudUsd: number;
}

/** Sums records. */
export function totalsOf(records: readonly LedgerRecord[]): LedgerTotals {
  const t: LedgerTotals = { usage: zeroUsage(), usd: 0, calls: 0, localUsage: zeroUsage(), cloudUsage: zeroUsage(), cloudUsd: 0 };
  for (const r of records) {
    t.usage = addUsage(t.usage, r.usage);
    t.usd += r.usd;
    t.calls += 1;
    if (r.provider === 'ollama') t.localUsage = addUsage(t.localUsage, r.usage);
    else {
      t.cloudUsage = addUsage(t.cloudUsage, r.usage);
      t.cloudUsd += r.usd;
    }
  }
  return t;
}

/** Totals per role (phase or validation), in first-seen order. */
export function totalsByPhase(records: readonly LedgerRecord[]): Map<Role, LedgerTotals> {
  const groups = new Map<Role, LedgerRecord[]>();
  for (const r of records) groups.set(r.phase, [...(groups.get(r.phase) ?? []), r]);
  return new Map([...groups].map(([phase, rs]) => [phase, totalsOf(rs)]));
}

/** Formats USD for people: 4 decimals under a dollar, 2 above. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}
