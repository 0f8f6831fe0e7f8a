import type { ShipwrightConfigInput } from './shipwrightConfig';

/** Where the Anthropic prices below were read. */
const ANTHROPIC_PRICE_SOURCE = 'platform.claude.com/docs/en/about-claude/pricing (stored copy)';
const ANTHROPIC_PRICE_DATE = '2026-10';
const LOCAL = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, source: 'local model: no per-token price', date: '2026-11' };

/**
 * The built-in configuration: local Ollama models first for everyday phases, the strongest cloud model first for
 * design (techSpec) and planning, the cheapest model for validation. Prices are USD per million tokens.
 * Context lengths of the local models come from Ollama's `/api/show` at run time.
 */
export const defaultConfig = {
  models: {
    'local-small': { provider: 'ollama', model: 'qwen2.5-coder:7b', price: LOCAL },
    'local-large': { provider: 'ollama', model: 'qwen3-coder:30b', price: LOCAL },
    haiku: {
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      contextLength: 1_000_000,
      price: {
        input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01, cacheWrite1h: 0.2,
        source: ANTHROPIC_PRICE_SOURCE, date: ANTHROPIC_PRICE_DATE,
        longContext: { aboveTokens: 100_000, input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05, cacheWrite1h: 1 },
      },
    },
    sonnet: {
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      contextLength: 1_000_000,
      price: { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1, cacheWrite1h: 4, source: ANTHROPIC_PRICE_SOURCE, date: ANTHROPIC_PRICE_DATE },
    },
    opus: {
      provider: 'anthropic',
      model: 'claude-opus-5-5',
      contextLength: 1_000_000,
      price: { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2, cacheWrite1h: 8, source: ANTHROPIC_PRICE_SOURCE, date: ANTHROPIC_PRICE_DATE },
    },
  },
  chains: {
    discovery: ['local-large', 'sonnet'],
    techSpec: ['opus', 'sonnet', 'local-large'],
    planning: ['opus', 'sonnet', 'local-large'],
    implementation: ['local-large', 'sonnet'],
    review: ['local-large', 'sonnet'],
    diagnosis: ['local-large', 'sonnet'],
    split: ['local-large', 'sonnet'],
    ciFix: ['local-large', 'sonnet'],
    validation: ['local-small', 'haiku'],
  },
} satisfies ShipwrightConfigInput;
