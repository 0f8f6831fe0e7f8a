/**
 * Token usage of one model call, in tokens, as the provider itself reported it.
 * - Ollama: `prompt_eval_count` → inputTokens, `eval_count` → outputTokens; no cache fields (always 0).
 *   A missing count means 0 (Ollama omits zero values).
 * - Anthropic: `usage.input_tokens` (uncached input only), `output_tokens`, `cache_creation_input_tokens`,
 *   `cache_read_input_tokens`. The whole prompt is input + cacheWrite + cacheRead.
 * - thinkingTokens: the part of outputTokens the model spent thinking (Anthropic
 *   `usage.output_tokens_details.thinking_tokens`), present only when the provider reported it. Already inside
 *   outputTokens and billed with it (thinking is billed as output); shown, never added again.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  thinkingTokens?: number;
  /**
   * The part of cacheWriteTokens written with the 1-hour lifetime (Anthropic `usage.cache_creation.
   * ephemeral_1h_input_tokens`), billed at the 1-hour write price; present only when non-zero.
   */
  cacheWrite1hTokens?: number;
}

/** A usage of all zeros. */
export const zeroUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });

/** Total prompt tokens (uncached input + cache writes + cache reads). */
export const promptTokens = (u: Usage): number => u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens;

/** Field-wise sum. */
export function addUsage(a: Usage, b: Usage): Usage {
  const thinking = (a.thinkingTokens ?? 0) + (b.thinkingTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    ...(thinking > 0 ? { thinkingTokens: thinking } : {}),
    ...((a.cacheWrite1hTokens ?? 0) + (b.cacheWrite1hTokens ?? 0) > 0 ? { cacheWrite1hTokens: (a.cacheWrite1hTokens ?? 0) + (b.cacheWrite1hTokens ?? 0) } : {}),
  };
}
