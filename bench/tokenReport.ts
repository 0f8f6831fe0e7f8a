import type { ShipwrightConfig } from '../src/core/config/shipwrightConfig';
import { inputSplitByPhase, type InputParts } from '../src/core/models/inputParts';
import { priceCall } from '../src/core/models/priceCall';
import { promptTokens } from '../src/core/models/usage';
import type { RunState } from '../src/core/pipeline/runState';

/** Input tokens and cache figures of one run, from its ledger (the providers' own usage). */
export interface TokenReport {
  calls: number;
  /** Prompt tokens in all (uncached input + cache writes + cache reads). */
  input: number;
  largest: number;
  output: number;
  /** Prompt tokens by ledger phase (validation calls are billed to `validation`). */
  perPhase: Record<string, number>;
  /** Cache reads and writes as a share of cloud (Anthropic) prompt tokens, %. */
  cacheReadPct: number;
  cacheWritePct: number;
  usd: number;
  /** The same calls priced as if nothing were cached (every prompt token at the input price). */
  usdNoCache: number;
  /** (usdNoCache − usd) / usdNoCache, %: positive when caching saves money. */
  cacheSavingPct: number;
  /** Estimated input split over all calls (absent when the engine records none). */
  parts?: InputParts;
  /** Each call: role, attempt, prompt tokens, cache read and write, estimated split. */
  perCall: { phase: string; attempt: number; prompt: number; read: number; write: number; parts?: InputParts }[];
}

/** Sums a run's ledger into a {@link TokenReport}. */
export function tokenReport(state: RunState, config: ShipwrightConfig): TokenReport {
  const perPhase: Record<string, number> = {};
  let input = 0, output = 0, largest = 0, usd = 0, usdNoCache = 0, cloud = 0, read = 0, write = 0;
  for (const r of state.ledger) {
    const p = promptTokens(r.usage);
    input += p;
    output += r.usage.outputTokens;
    largest = Math.max(largest, p);
    perPhase[r.phase] = (perPhase[r.phase] ?? 0) + p;
    usd += r.usd;
    usdNoCache += priceCall(config.models[r.modelKey].price, { inputTokens: p, outputTokens: r.usage.outputTokens, cacheWriteTokens: 0, cacheReadTokens: 0 });
    if (r.provider === 'anthropic') {
      cloud += p;
      read += r.usage.cacheReadTokens;
      write += r.usage.cacheWriteTokens;
    }
  }
  const pct = (n: number) => (cloud === 0 ? 0 : (n / cloud) * 100);
  return {
    calls: state.ledger.length, input, largest, output, perPhase,
    cacheReadPct: pct(read), cacheWritePct: pct(write),
    usd, usdNoCache, cacheSavingPct: usdNoCache === 0 ? 0 : ((usdNoCache - usd) / usdNoCache) * 100,
    parts: inputSplitByPhase(state.ledger).get('total'),
    perCall: state.ledger.map((r) => ({ phase: r.phase, attempt: r.attempt, prompt: promptTokens(r.usage), read: r.usage.cacheReadTokens, write: r.usage.cacheWriteTokens, parts: r.inputParts })),
  };
}
