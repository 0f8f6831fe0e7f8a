import type { RunState } from '../core/pipeline/runState';
import { isLocalCall } from '../core/models/isLocalCall';
import type { SpendView } from '../shared/viewState';

/** One billed call as persisted with a run. */
type LedgerEntry = RunState['ledger'][number];

/**
 * Sums ledger records into tokens (the providers' own counts), USD (the ledger's prices), calls, and calls that
 * read the prompt cache (`cacheReadTokens > 0`: Anthropic's `cache_read_input_tokens`).
 */
export function spendOf(records: readonly LedgerEntry[]): SpendView {
  const s: SpendView = { tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }, usd: 0, calls: 0, cacheHits: 0 };
  for (const r of records) {
    s.tokens.input += r.usage.inputTokens;
    s.tokens.output += r.usage.outputTokens;
    s.tokens.cacheWrite += r.usage.cacheWriteTokens;
    s.tokens.cacheRead += r.usage.cacheReadTokens;
    s.usd += r.usd;
    s.calls += 1;
    if (r.usage.cacheReadTokens > 0) s.cacheHits += 1;
  }
  return s;
}

/** Spend of some records on this machine (local) and elsewhere (cloud), apart: see runsLocally. */
export function spendByProvider(records: readonly LedgerEntry[]): { local: SpendView; cloud: SpendView } {
  return { local: spendOf(records.filter((r) => isLocalCall(r))), cloud: spendOf(records.filter((r) => !isLocalCall(r))) };
}

/** USD of every run's calls made on `now`'s local calendar day. */
export function todayUsd(runs: readonly RunState[], now: Date): number {
  const day = now.toDateString();
  let usd = 0;
  for (const run of runs) for (const r of run.ledger) if (new Date(r.at).toDateString() === day) usd += r.usd;
  return usd;
}

/** A ticket's total USD (sum of its ledger). */
export function runUsd(run: RunState): number {
  return run.ledger.reduce((sum, r) => sum + r.usd, 0);
}
