import { CLAUDE_TOKENIZER_RATIO } from '../models/claudeTokenizerRatio';
import type { ModelCapabilities } from './modelCapabilities';

const ALL_EFFORTS: ModelCapabilities['effortLevels'] = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * Capabilities of the model ids Shipwright knows, as documented (late 2026). A model id not listed gets its
 * provider's defaults ({@link providerDefaultCapabilities}); a config entry's `capabilities` overrides both.
 *
 * Sources:
 * - Forced tools refused (400 `tool_choice: type "tool" and "any" are not supported for this model.`) on Opus 5.5,
 *   Sonnet 5.5, Fable 5.1, Mythos 5.1: https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5#forced-tool-use-is-not-supported ,
 *   https://platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5#forced-tool-use-is-not-supported ,
 *   https://platform.claude.com/docs/en/models/fable-5-1/whats-new-fable-5-1
 * - Structured outputs (`output_config.format`) on those models: https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 * - Thinking always on (Opus 5.5, Fable/Mythos 5.1) / on by default (Sonnet, Haiku 5.5), default efforts
 *   (Opus medium, Sonnet high, Haiku medium, Fable high), max output 128K: https://platform.claude.com/docs/en/models/haiku-5-5/overview
 *   ("How it compares"), https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide#thinking-runs-by-default
 * - Minimum cacheable prompt 512 tokens on the 5.5 models and Fable/Mythos 5.1:
 *   https://platform.claude.com/docs/en/build-with-claude/prompt-caching#cache-limitations
 * - Tokens per o200k token: {@link CLAUDE_TOKENIZER_RATIO} (its sources) on Opus 4.7 and later, the 5.x models.
 *
 * Haiku 5.5 keeps the forced tool: it accepts one (https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#configure-thinking),
 * while structured outputs on Haiku 5.5 are implied by its migration guide but missing from the stored support list
 * (see ../shared/docs/model-apis-2026-11.md §A, "not confirmed"). A forced tool also makes Haiku skip thinking,
 * which suits its only default role, validation (cheap, short verdicts). Switch it with
 * `"capabilities": {"structuredOutput": "jsonSchema"}` once one live call confirms it.
 */
export const knownModelCapabilities: Record<string, Partial<ModelCapabilities>> = {
  'claude-opus-5-5': { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'always', effortLevels: ALL_EFFORTS, defaultEffort: 'medium', maxOutputTokens: 128_000, minCacheablePromptTokens: 512, tokensPerO200k: CLAUDE_TOKENIZER_RATIO },
  'claude-sonnet-5-5': { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'default', effortLevels: ALL_EFFORTS, defaultEffort: 'high', maxOutputTokens: 128_000, minCacheablePromptTokens: 512, tokensPerO200k: CLAUDE_TOKENIZER_RATIO },
  'claude-haiku-5-5': { structuredOutput: 'forcedTool', forcedTool: true, thinking: 'default', effortLevels: ALL_EFFORTS, defaultEffort: 'medium', maxOutputTokens: 128_000, minCacheablePromptTokens: 512, tokensPerO200k: CLAUDE_TOKENIZER_RATIO },
  'claude-fable-5-1': { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'always', effortLevels: ALL_EFFORTS, defaultEffort: 'high', maxOutputTokens: 128_000, minCacheablePromptTokens: 512, tokensPerO200k: CLAUDE_TOKENIZER_RATIO },
  'claude-mythos-5-1': { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'always', effortLevels: ALL_EFFORTS, defaultEffort: 'high', maxOutputTokens: 128_000, minCacheablePromptTokens: 512, tokensPerO200k: CLAUDE_TOKENIZER_RATIO },
  // Earlier Claude models count as Haiku 4.5 does, which o200k stands in for (the token-counting docs above).
  'claude-opus-4-6': { tokensPerO200k: 1 },
  'claude-sonnet-4-6': { tokensPerO200k: 1 },
  'claude-opus-4-5': { tokensPerO200k: 1 },
  'claude-sonnet-4-5': { tokensPerO200k: 1 },
  'claude-haiku-4-5': { tokensPerO200k: 1 },
  // The default local models do not think (Ollama `/api/show` capabilities: completion, tools); a thinking local
  // model is recognised at run time from `/api/show`'s `thinking` capability.
  'qwen2.5-coder:7b': { thinking: 'off', maxOutputTokens: 32_768 },
  'qwen3-coder:30b': { thinking: 'off', maxOutputTokens: 65_536 },
};

/**
 * What a model of a provider is assumed to accept when its id is not in {@link knownModelCapabilities}.
 * - anthropic: structured outputs without a forced tool (every current Claude model takes `output_config.format`,
 *   and the newest refuse forced tools), thinking on by default, no effort sent (older models reject it),
 *   8,192 output tokens, a 1,024-token cache minimum (the most common one below the 5.x line), the newer
 *   tokenizer's count (an unknown id is more likely a new model; a forecast that errs high is the safer side).
 * - ollama / others: JSON-schema output (`format`), no thinking (a thinking model is detected from `/api/show`),
 *   no effort, no prompt cache.
 */
export function providerDefaultCapabilities(provider: string): ModelCapabilities {
  if (provider === 'anthropic') {
    return { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'default', effortLevels: [], maxOutputTokens: 8_192, minCacheablePromptTokens: 1_024, tokensPerO200k: CLAUDE_TOKENIZER_RATIO };
  }
  return { structuredOutput: 'jsonSchema', forcedTool: false, thinking: 'off', effortLevels: [], maxOutputTokens: 16_384, minCacheablePromptTokens: 0, tokensPerO200k: 1 };
}
