import type { Role } from '../pipeline/phaseId';
import type { LedgerRecord } from './ledgerRecord';
import { isLocalCall } from './isLocalCall';
import { addUsage, zeroUsage, type Usage } from './usage';

/** Totals of a set of calls: tokens (provider-reported) and USD, with local (on this machine, see runsLocally) and cloud apart. */
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
    if (isLocalCall(r)) t.localUsage = addUsage(t.localUsage, r.usage);
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

/**
 * Formats USD for people, the one formatter of every surface (CLI, panel, status bar, reasons): cents from $1
 * up ("$1.25"); below a dollar two significant digits with at least two decimals ("$0.50", "$0.012",
 * "$0.0049"); "< $0.0001" for a non-zero amount below that; "$0.00" for nothing.
 */
export function formatUsd(usd: number): string {
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd <= 0) return '$0.00';
  if (usd < 0.0001) return '< $0.0001';
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(usd)));
  return `$${usd.toFixed(decimals).replace(/(\.\d{2,}?)0+$/, '$1')}`;
}
