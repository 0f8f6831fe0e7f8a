import type { Price } from '../config/shipwrightConfig';
import { promptTokens, type Usage } from './usage';

/**
 * The USD cost of one call: each usage field (tokens) times its price (USD per million tokens).
 * When the price has a `longContext` tier and the whole prompt (input + cache write + cache read) is above
 * its threshold, the whole call is billed at that tier (Anthropic's rule for Haiku 5.5, pricing page 2026-10).
 */
export function priceCall(price: Price, usage: Usage): number {
  const tier = price.longContext && promptTokens(usage) > price.longContext.aboveTokens ? price.longContext : price;
  const micro =
    usage.inputTokens * tier.input +
    usage.outputTokens * tier.output +
    usage.cacheWriteTokens * tier.cacheWrite +
    usage.cacheReadTokens * tier.cacheRead;
  return micro / 1_000_000;
}
