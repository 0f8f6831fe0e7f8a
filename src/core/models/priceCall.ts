import type { Price } from '../config/shipwrightConfig';
import { promptTokens, type Usage } from './usage';

/**
 * The USD cost of one call: each usage field (tokens) times its price (USD per million tokens).
 * When the price has a `longContext` tier and the whole prompt (input + cache write + cache read) is above
 * its threshold, the whole call is billed at that tier (Anthropic's rule for Haiku 5.5, pricing page 2026-10).
 * Cache writes with the 1-hour lifetime (`cacheWrite1hTokens`, part of `cacheWriteTokens`) are billed at
 * `cacheWrite1h`, by default 2× the input price ("1-hour cache write tokens are 2 times the base input tokens
 * price", https://platform.claude.com/docs/en/about-claude/pricing; model-apis-2026-11.md row 13).
 */
export function priceCall(price: Price, usage: Usage): number {
  const tier = price.longContext && promptTokens(usage) > price.longContext.aboveTokens ? price.longContext : price;
  const micro =
    usage.inputTokens * tier.input +
    usage.outputTokens * tier.output +
    (usage.cacheWriteTokens - (usage.cacheWrite1hTokens ?? 0)) * tier.cacheWrite +
    (usage.cacheWrite1hTokens ?? 0) * cacheWrite1hPrice(tier) +
    usage.cacheReadTokens * tier.cacheRead;
  return micro / 1_000_000;
}

/** USD per million tokens of a 1-hour cache write: the price's own figure, else 2× its input price (see priceCall). */
export function cacheWrite1hPrice(tier: { input: number; cacheWrite1h?: number }): number {
  return tier.cacheWrite1h ?? 2 * tier.input;
}
