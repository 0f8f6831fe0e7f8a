import { capabilitiesOf, effortFor, type Effort, type ModelCapabilities, type ModelCapabilitiesOverride } from '../config/modelCapabilities';

/**
 * Thinking tokens per visible output token, by effort. Estimates, not measurements: the API documents only that
 * higher effort thinks more and that thinking is billed as output
 * (https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide#thinking-runs-by-default). Replace with
 * measured `output_tokens_details.thinking_tokens` ratios (the ledger records them) when a run has them.
 */
const THINKING_PER_OUTPUT_TOKEN: Record<Effort, number> = { low: 0.5, medium: 1.5, high: 3, xhigh: 5, max: 8 };

/**
 * Expected thinking tokens of one call, on top of `visibleOutputTokens` (the deliverable's own expected size),
 * for the pre-call budget estimate, the dry-run forecast and the output cap. 0 for a model that does not think
 * (`thinking: 'off'`) and for a forced-tool call (a forced tool skips thinking, e.g. Haiku 5.5:
 * https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#configure-thinking). `effort` is the level
 * sent; when none is sent, the model's default effort (else `high`) is assumed. Tokens, rounded up.
 */
export function thinkingAllowance(capabilities: ModelCapabilities, effort: Effort | undefined, visibleOutputTokens: number): number {
  if (capabilities.thinking === 'off' || capabilities.structuredOutput === 'forcedTool') return 0;
  const level = effort ?? capabilities.defaultEffort ?? 'high';
  return Math.ceil(visibleOutputTokens * THINKING_PER_OUTPUT_TOKEN[level]);
}

/** Output cap of a call when the config names none: 8,192 tokens without thinking, 32,000 with (tokens). */
const DEFAULT_CAP = { plain: 8_192, thinking: 32_000 };

/**
 * The output cap (`max_tokens` / `num_predict`) of one call, tokens: the config's `maxOutputTokens` when set,
 * else room for the answer and its thinking (32,000 on a thinking model, 8,192 otherwise — the API's advice is
 * to "leave room in max_tokens for the thinking", https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5),
 * never above the model's own ceiling. `thinks` overrides the table (Ollama reports thinking in `/api/show`).
 */
export function outputCapFor(spec: { maxOutputTokens?: number }, capabilities: ModelCapabilities, thinks?: boolean): number {
  const thinking = thinks ?? (capabilities.thinking !== 'off' && capabilities.structuredOutput !== 'forcedTool');
  const wanted = spec.maxOutputTokens ?? (thinking ? DEFAULT_CAP.thinking : DEFAULT_CAP.plain);
  return Math.min(wanted, capabilities.maxOutputTokens);
}

/**
 * Expected output tokens of one call on a model: the deliverable's own `visibleOutputTokens` plus the
 * {@link thinkingAllowance} for the model's capabilities and the effort that would be sent for `wantedEffort`
 * (the config's effort of the role, clamped to the model's levels). For the pre-call estimate and the forecast.
 */
export function expectedOutputWithThinking(
  spec: { provider: string; model: string; capabilities?: ModelCapabilitiesOverride },
  wantedEffort: Effort | undefined,
  visibleOutputTokens: number,
): number {
  const capabilities = capabilitiesOf(spec);
  return visibleOutputTokens + thinkingAllowance(capabilities, effortFor(capabilities, wantedEffort), visibleOutputTokens);
}
