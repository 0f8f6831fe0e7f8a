import type { Usage } from './usage';

/** More tokens than any model's context and output together (2026: 1M context + 128k output, with room to spare). */
const MAX_TOKENS_PER_CALL = 10_000_000;

/**
 * Provider usage checked before it is billed, for every provider in one place (ModelSession calls it before the
 * ledger record): each count must be a non-negative integer no larger than any real call. A count that is not
 * (negative, fractional, NaN, a string that slipped through a provider, absurdly large) is replaced by 0 and
 * named in `problems`, so a hostile or broken server can neither lower the bill nor make the run state
 * unreadable. `thinkingTokens` may not exceed `outputTokens` (it is part of them).
 */
export function validUsage(u: Usage): { usage: Usage; problems: string[] } {
  const problems: string[] = [];
  const check = (name: string, v: unknown): number => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS_PER_CALL) return v;
    problems.push(`${name} = ${JSON.stringify(v) ?? String(v)}`);
    return 0;
  };
  const usage: Usage = {
    inputTokens: check('inputTokens', u.inputTokens),
    outputTokens: check('outputTokens', u.outputTokens),
    cacheWriteTokens: check('cacheWriteTokens', u.cacheWriteTokens),
    cacheReadTokens: check('cacheReadTokens', u.cacheReadTokens),
  };
  if (u.thinkingTokens !== undefined) {
    const thinking = check('thinkingTokens', u.thinkingTokens);
    if (thinking > usage.outputTokens) problems.push(`thinkingTokens ${thinking} > outputTokens ${usage.outputTokens}`);
    else if (thinking > 0) usage.thinkingTokens = thinking;
  }
  if (u.cacheWrite1hTokens !== undefined) {
    const w1h = check('cacheWrite1hTokens', u.cacheWrite1hTokens);
    if (w1h > usage.cacheWriteTokens) problems.push(`cacheWrite1hTokens ${w1h} > cacheWriteTokens ${usage.cacheWriteTokens}`);
    else if (w1h > 0) usage.cacheWrite1hTokens = w1h;
  }
  return { usage, problems };
}
