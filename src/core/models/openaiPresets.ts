/**
 * What an OpenAI-compatible server supports, as far as Shipwright's calls go. One entry per preset; a model entry
 * may override any field under `openai` in the config.
 */
export interface OpenAiCapabilities {
  /**
   * `response_format: {type:'json_schema', json_schema:{strict:true}}` is honoured, and with it the strict
   * schema subset (every property required, `additionalProperties:false`, no `minLength`…), which the provider
   * then produces. When false the schema is sent as it is with `strict:false`: the local runtimes constrain
   * decoding by the full schema through their own grammar and ignore `strict`.
   */
  strict: boolean;
  /** `stream_options: {include_usage: true}` is accepted and answered with a final usage chunk. */
  includeUsage: boolean;
  /** The output-limit field: OpenAI deprecated `max_tokens` for `max_completion_tokens` (reasoning models refuse `max_tokens`). */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/** A named OpenAI-compatible runtime: where it listens by default, what it supports, where its key comes from. */
export interface OpenAiPreset extends OpenAiCapabilities {
  /** Base URL including `/v1` (the `openai` client appends `/chat/completions`). */
  baseUrl: string;
  /** Environment variable read for the key before `OPENAI_API_KEY`; undefined when the runtime needs none. */
  apiKeyEnv?: string;
  /** True when the server runs on the user's machine: no key is needed and tokens cost nothing by default. */
  local: boolean;
  /** Where these facts were read. */
  source: string;
}

/** Preset names a model entry may give as `"preset"`. */
export const OPENAI_PRESET_NAMES = ['openai', 'lmstudio', 'llamacpp', 'vllm', 'openrouter'] as const;
export type OpenAiPresetName = (typeof OPENAI_PRESET_NAMES)[number];

/** OpenAI's own API, the base URL when neither the entry, its preset nor `OPENAI_BASE_URL` names one. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * The presets. Facts as documented (late 2026):
 * - openai: `https://api.openai.com/v1`, strict Structured Outputs, `stream_options.include_usage`,
 *   `max_completion_tokens` (https://platform.openai.com/docs/guides/structured-outputs ;
 *   https://platform.openai.com/docs/api-reference/chat/create).
 * - lmstudio: `http://localhost:1234/v1`; `/v1/chat/completions` takes `response_format` json_schema "in the same
 *   format as OpenAI's Structured Output API" (https://lmstudio.ai/docs/api/structured-output ;
 *   https://lmstudio.ai/docs/developer/core/server). Grammar-constrained by the schema, so `strict` is not needed.
 * - llamacpp: `llama-server` listens on `127.0.0.1:8080` with OpenAI-compatible `/v1/chat/completions` and
 *   "schema-constrained JSON response format" (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md).
 * - vllm: `vllm serve` on `http://localhost:8000/v1`; structured outputs through `response_format` (xgrammar or
 *   guidance; `guided_json` removed in v0.12.0) (https://docs.vllm.ai/en/latest/serving/openai_compatible_server/ ;
 *   https://docs.vllm.ai/en/latest/features/structured_outputs/).
 * - openrouter: `https://openrouter.ai/api/v1`, `response_format` json_schema with `strict` on the models that
 *   support structured outputs (https://openrouter.ai/docs/structured-outputs); key `OPENROUTER_API_KEY`.
 */
export const OPENAI_PRESETS: Record<OpenAiPresetName, OpenAiPreset> = {
  openai: {
    baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', local: false,
    strict: true, includeUsage: true, maxTokensField: 'max_completion_tokens',
    source: 'https://platform.openai.com/docs/guides/structured-outputs',
  },
  lmstudio: {
    baseUrl: 'http://localhost:1234/v1', local: true,
    strict: false, includeUsage: true, maxTokensField: 'max_tokens',
    source: 'https://lmstudio.ai/docs/api/structured-output',
  },
  llamacpp: {
    baseUrl: 'http://localhost:8080/v1', local: true,
    strict: false, includeUsage: true, maxTokensField: 'max_tokens',
    source: 'https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md',
  },
  vllm: {
    baseUrl: 'http://localhost:8000/v1', local: true,
    strict: false, includeUsage: true, maxTokensField: 'max_tokens',
    source: 'https://docs.vllm.ai/en/latest/features/structured_outputs/',
  },
  openrouter: {
    baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY', local: false,
    strict: true, includeUsage: true, maxTokensField: 'max_tokens',
    source: 'https://openrouter.ai/docs/structured-outputs',
  },
};

/** Capabilities assumed for an `openai` model with neither preset nor overrides: the OpenAI API's own. */
export const DEFAULT_OPENAI_CAPABILITIES: OpenAiCapabilities = { strict: true, includeUsage: true, maxTokensField: 'max_completion_tokens' };

/** The zero price a local preset's model gets when its entry names none (tokens are still counted). */
const LOCAL_PRICE = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, source: 'local OpenAI-compatible server: no per-token price', date: '2026-11' };

/**
 * Fills, in the raw (not yet schema-checked) `models` of a config, what an `openai` entry's `preset` implies and
 * the entry left out: `baseUrl`, and a zero `price` for the local presets. Everything the entry states wins.
 * Entries without a known preset are returned unchanged (the schema then names what is missing).
 */
export function applyOpenAiPresets(models: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(models).map(([key, entry]) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [key, entry];
      const e = entry as Record<string, unknown>; // checked to be a plain object just above
      const preset = typeof e.preset === 'string' && e.preset in OPENAI_PRESETS ? OPENAI_PRESETS[e.preset as OpenAiPresetName] : undefined; // `in` checked
      if (e.provider !== 'openai' || !preset) return [key, entry];
      return [key, { ...(preset.local ? { price: LOCAL_PRICE } : {}), baseUrl: preset.baseUrl, ...e }];
    }),
  );
}
