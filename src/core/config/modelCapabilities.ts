import { z } from 'zod';
import { knownModelCapabilities, providerDefaultCapabilities } from './knownModelCapabilities';

/** Effort levels of the Anthropic `output_config.effort` parameter (SDK `OutputConfig.effort`), lowest first. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export const Effort = z.enum(EFFORT_LEVELS);
export type Effort = z.infer<typeof Effort>;

/**
 * What a model accepts, so the request shape is data, not code (a new or custom model is a config entry).
 * Provider-agnostic: each provider reads the fields that mean something for its API.
 * - structuredOutput: how a structured answer is asked for. `jsonSchema`: the API's own JSON-schema output
 *   (Anthropic `output_config.format`, Ollama `format`, OpenAI `response_format`); `forcedTool`: one tool the
 *   model must call (`tool_choice: {type:'tool'}`), allowed only when `forcedTool` is true.
 * - forcedTool: whether the API accepts a forced tool (`tool_choice` `tool`/`any`) for this model.
 * - thinking: `always` (cannot be turned off; a disable is a 400), `default` (on unless turned off), `off`
 *   (the model does not think). Thinking counts against the output cap and is billed as output.
 * - effortLevels: the `effort` values the model accepts (empty: send none); defaultEffort: the API's default.
 * - maxOutputTokens: the model's own ceiling on output tokens per call (thinking included), tokens.
 * - minCacheablePromptTokens: a cached prefix shorter than this is silently not cached (0: no prompt caching).
 * - tokensPerO200k: the model's tokens per o200k_base token of the same text (its tokenizer against Shipwright's
 *   local count), for sizes counted locally that the provider will bill in its own tokens (the dry-run forecast, the
 *   expected output of the budget check); 1 where o200k stands in well enough.
 */
const CapabilityFields = z.object({
  structuredOutput: z.enum(['jsonSchema', 'forcedTool']),
  forcedTool: z.boolean(),
  thinking: z.enum(['always', 'default', 'off']),
  effortLevels: z.array(Effort),
  defaultEffort: Effort.optional(),
  maxOutputTokens: z.number().int().positive(),
  minCacheablePromptTokens: z.number().int().nonnegative(),
  tokensPerO200k: z.number().positive(),
});
export const ModelCapabilities = CapabilityFields.refine((c) => c.structuredOutput !== 'forcedTool' || c.forcedTool, {
  message: 'structuredOutput "forcedTool" needs forcedTool: true (the API would answer 400)',
  path: ['structuredOutput'],
});
export type ModelCapabilities = z.infer<typeof ModelCapabilities>;

/** A config entry's partial override of the capabilities: the rest comes from the known table. */
export const ModelCapabilitiesOverride = CapabilityFields.partial();
export type ModelCapabilitiesOverride = z.infer<typeof ModelCapabilitiesOverride>;

/**
 * The capabilities of a model: the provider's defaults, then the built-in entry for its model id
 * ({@link knownModelCapabilities}), then the config's own `capabilities` override.
 * @throws Error when the merged result is inconsistent (e.g. `forcedTool` structured output on a model that
 *   refuses forced tools) — the config check calls this for every model, so a run never starts with one.
 */
export function capabilitiesOf(spec: { provider: string; model: string; capabilities?: ModelCapabilitiesOverride }): ModelCapabilities {
  // A dated id (`claude-haiku-4-5-20251001`) is the model of its undated alias.
  const known = knownModelCapabilities[spec.model] ?? knownModelCapabilities[spec.model.replace(/-\d{8}$/, '')];
  const merged = { ...providerDefaultCapabilities(spec.provider), ...known, ...spec.capabilities };
  const r = ModelCapabilities.safeParse(merged);
  if (!r.success) throw new Error(`capabilities of ${spec.model}: ${z.prettifyError(r.error)}`);
  return r.data;
}

/**
 * The effort to send for a wanted level on a model: the wanted level when the model accepts it, else the highest
 * accepted level below it, else the lowest accepted; undefined when the model takes no effort parameter.
 */
export function effortFor(capabilities: ModelCapabilities, wanted: Effort | undefined): Effort | undefined {
  if (!wanted || capabilities.effortLevels.length === 0) return undefined;
  if (capabilities.effortLevels.includes(wanted)) return wanted;
  const rank = (e: Effort) => EFFORT_LEVELS.indexOf(e);
  const below = capabilities.effortLevels.filter((e) => rank(e) < rank(wanted)).sort((a, b) => rank(b) - rank(a));
  return below[0] ?? [...capabilities.effortLevels].sort((a, b) => rank(a) - rank(b))[0];
}
