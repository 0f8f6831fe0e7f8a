import type { LedgerRecord } from '../models/ledgerRecord';
import type { TicketKind } from '../ticket/ticket';
import { SpendLimitError } from './spendLimitError';
import type { SpendStore } from './spendStore';

/** Limits across all of the user's tickets (config `spendLimits`). USD; absent = no limit. */
export interface SpendLimits {
  dailyUsd?: number;
  monthlyUsd?: number;
  /** A ticket costing more than this multiple of the median of recent tickets of its kind gets a warning. */
  warnMultiple: number;
  /** How many recent tickets of the same kind make the median. */
  recentTickets: number;
  /** Fewest earlier tickets of the kind before any warning (a median of one or two tickets says little). */
  minTickets: number;
}

/** A ticket that costs far more than usual. */
export interface CostWarning {
  ticketId: string;
  kind: TicketKind;
  /** The ticket's spend so far, USD. */
  usd: number;
  /** Median USD of the `tickets` most recent stopped tickets of the same kind. */
  medianUsd: number;
  multiple: number;
  tickets: number;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The user's spend beyond one ticket: checks the daily and monthly limits before every call (re-reading the
 * store, so spend by other processes counts), records every billed call and every stopped ticket, and says when
 * a ticket passes `warnMultiple` × the median of the user's recent tickets of its kind (once per ticket and run).
 * Days and months are the local calendar's.
 */
export class SpendGuard {
  private readonly warned = new Set<string>();

  constructor(
    private readonly store: SpendStore,
    private readonly limits: SpendLimits,
    private readonly repo: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** @throws SpendLimitError when spent today (this month) + `estimateUsd` would pass the daily (monthly) limit */
  async beforeCall(estimateUsd: number): Promise<void> {
    const { dailyUsd, monthlyUsd } = this.limits;
    if (dailyUsd === undefined && monthlyUsd === undefined) return;
    const now = this.now();
    if (dailyUsd !== undefined) {
      const today = await this.store.spentSince(new Date(now.getFullYear(), now.getMonth(), now.getDate()));
      if (today + estimateUsd > dailyUsd) throw new SpendLimitError(today, estimateUsd, dailyUsd, 'day');
    }
    if (monthlyUsd !== undefined) {
      const month = await this.store.spentSince(new Date(now.getFullYear(), now.getMonth(), 1));
      if (month + estimateUsd > monthlyUsd) throw new SpendLimitError(month, estimateUsd, monthlyUsd, 'month');
    }
  }

  /** Records a billed call; returns a warning when the ticket's spend just passed the usual (see class doc). */
  async afterCall(rec: LedgerRecord, ticket: { kind: TicketKind; usd: number }): Promise<CostWarning | undefined> {
    await this.store.append({ t: 'call', at: rec.at, usd: rec.usd, ticketId: rec.ticketId, repo: this.repo });
    if (this.warned.has(rec.ticketId) || ticket.usd <= 0) return undefined;
    const recent = await this.store.recentTickets(ticket.kind, this.limits.recentTickets, { repo: this.repo, ticketId: rec.ticketId });
    if (recent.length < this.limits.minTickets) return undefined;
    const med = median(recent);
    if (med <= 0 || ticket.usd <= this.limits.warnMultiple * med) return undefined;
    this.warned.add(rec.ticketId);
    return { ticketId: rec.ticketId, kind: ticket.kind, usd: ticket.usd, medianUsd: med, multiple: this.limits.warnMultiple, tickets: recent.length };
  }

  /** Records a stopped ticket's total, for the medians of later tickets. */
  async ticketStopped(ticket: { ticketId: string; kind: TicketKind; usd: number }): Promise<void> {
    await this.store.append({ t: 'ticket', at: this.now().toISOString(), usd: ticket.usd, ticketId: ticket.ticketId, kind: ticket.kind, repo: this.repo });
  }
}

/** The warning in words, for the CLI line, the run log and the VS Code notification. */
export function costWarningText(w: Pick<CostWarning, 'ticketId' | 'kind' | 'usd' | 'medianUsd' | 'multiple' | 'tickets'>): string {
  return `ticket ${w.ticketId} has cost $${w.usd.toFixed(4)}, over ${w.multiple}× the median ($${w.medianUsd.toFixed(4)}) of your last ${w.tickets} ${w.kind} tickets`;
}
