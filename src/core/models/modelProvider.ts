import type { ModelSpec } from '../config/shipwrightConfig';
import type { Effort, ModelCapabilities } from '../config/modelCapabilities';
import type { Usage } from './usage';

/** Which API a model is reached through. */
export type ProviderKind = 'ollama' | 'anthropic' | 'openai';

/** One message of a conversation. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * One structured call. The deliverable's JSON schema goes to Ollama as `format`, and to Anthropic as
 * `output_config.format` (structured outputs) or, on a model whose capabilities say `forcedTool`, as the
 * `input_schema` of a single forced tool named `schema.name`.
 */
export interface ChatRequest {
  /** The provider's own model id (e.g. `qwen2.5-coder:7b`, `claude-haiku-5-5`). */
  model: string;
  /**
   * The stable prefix: role instructions. Anthropic marks it with `cache_control: {type:'ephemeral'}`
   * so repeats within 5 minutes are cache reads.
   */
  system: string;
  messages: ChatMessage[];
  schema: { name: string; description: string; jsonSchema: Record<string, unknown> };
  /** Upper bound on generated tokens, thinking included. */
  maxOutputTokens: number;
  /** What the model accepts (decides the request shape); default: `capabilitiesOf` the provider and model id. */
  capabilities?: ModelCapabilities;
  /** Effort to send (`output_config.effort`), already clamped to the model's levels; none: the API's default. */
  effort?: Effort;
  /** Whole-call timeout in ms (connection + stream); a silent stream past it is a `timeout` ProviderError. */
  timeoutMs: number;
  /** Aborting rejects with a `cancelled` ProviderError. */
  signal?: AbortSignal;
  /**
   * Prompt-cache placement (providers with explicit caching; others ignore it). `stablePrefixChars`: the first
   * message's first characters stay the same in later calls of this role (retries, validators of later attempts):
   * Anthropic marks a breakpoint there. `none`: no later call can read a cache entry of this one, so none is
   * written (a write costs 1.25× input and pays only when read). Default: the system block is the only breakpoint.
   * `ttl: '1h'`: the breakpoints live an hour instead of 5 minutes (a write then costs 2× input), for a reader
   * that comes after a measured gap longer than 5 minutes (see cacheLifetime).
   */
  cache?: { stablePrefixChars: number; ttl?: '1h' } | 'none';
  /**
   * The config entry of the model, for providers that need more than its id: the OpenAI-compatible provider
   * reads its base URL, preset and capabilities from it. Absent in calls made outside a routed session.
   */
  spec?: ModelSpec;
  /**
   * Receives each piece of output text as it streams (answer, thinking and tool JSON alike), for progress. Called
   * synchronously from the stream loop: it must be cheap and must not throw.
   */
  onOutput?: (text: string) => void;
}

/** What a call returned. */
export interface ChatResult {
  /**
   * The deliverable as JSON text: Ollama's `message.content` (a JSON string when `format` is a schema) or
   * `JSON.stringify` of the Anthropic tool_use block's `input`. Not yet validated: the pipeline zod-parses it,
   * and a parse failure is an objection like any other.
   */
  content: string;
  /** The provider's own usage fields, mapped (see {@link Usage}). */
  usage: Usage;
  /** Wall time of the call in ms, retries included. */
  latencyMs: number;
  /** The provider's stop/done reason (`stop`, `length`, `end_turn`, `tool_use`, `max_tokens`…). */
  stopReason?: string;
  /** More about the stop, when the provider gave it: the refusal category (`cyber`, `general_harms`…). */
  stopDetail?: string;
}

/**
 * A model API. Implementations: `OllamaProvider` (ollama-js), `AnthropicProvider` (@anthropic-ai/sdk).
 * Errors are always {@link ProviderError}s, tagged with a reason.
 */
export interface ModelProvider {
  readonly kind: ProviderKind;
  /** Runs one streamed, structured call. @throws ProviderError */
  chat(req: ChatRequest): Promise<ChatResult>;
  /** Estimated prompt tokens of a request (before the call), for budget checks. */
  estimateInputTokens(req: ChatRequest): Promise<number>;
}
