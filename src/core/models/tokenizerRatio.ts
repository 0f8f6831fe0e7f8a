/**
 * Claude tokens per token of Shipwright's local count (o200k_base). "Claude Opus 4.7 and later Opus models, Claude
 * Fable 5, Claude Mythos 5, Claude Mythos Preview, and Claude Sonnet 5 use a newer tokenizer. The same input text
 * produces approximately 30 percent more tokens than on earlier models"
 * (https://platform.claude.com/docs/en/build-with-claude/token-counting); the 5.5 family too
 * (https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#recount-tokens; model-apis-2026-11.md
 * row 15). Applied to every Anthropic model: it errs high for the earlier ones, which only costs headroom.
 */
export const CLAUDE_TOKENIZER_RATIO = 1.3;

/**
 * Tokens a provider's models give per o200k_base token of the same text, for local counts that stand in for the
 * provider's own: {@link CLAUDE_TOKENIZER_RATIO} for `anthropic`, 1 for every other provider (Ollama's and
 * OpenAI-compatible models are counted as o200k; `estimateTokens`' margin covers their difference).
 */
export function tokenizerRatio(provider: string): number {
  return provider === 'anthropic' ? CLAUDE_TOKENIZER_RATIO : 1;
}
