import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type { MessageCreateParamsStreaming, RawMessageStreamEvent, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import { capabilitiesOf } from '../config/modelCapabilities';
import { defaultRetryPolicy, retryAfterMs, withBoundedRetry, type RetryPolicy } from './boundedRetry';
import { CallDeadline } from './callDeadline';
import { estimateTokens } from './estimateTokens';
import { CLAUDE_TOKENIZER_RATIO } from './claudeTokenizerRatio';
import type { ChatRequest, ChatResult, ModelProvider } from './modelProvider';
import { ProviderError } from './providerError';
import type { Usage } from './usage';

export interface AnthropicProviderOptions {
  /** API key; default env `ANTHROPIC_API_KEY`. Without one every call fails with `auth`, sending nothing. */
  apiKey?: string;
  /** Base URL without `/v1`; default env `ANTHROPIC_BASE_URL`, else the SDK's `https://api.anthropic.com`. */
  baseURL?: string;
  /** Bounded retry of 429/529/5xx (config `retry`); default {@link defaultRetryPolicy}. */
  retry?: RetryPolicy;
  /** Timeout of a `count_tokens` request in {@link AnthropicProvider.estimateInputTokens}, ms (default 10,000). */
  countTokensTimeoutMs?: number;
}

/**
 * Anthropic Messages through the real `@anthropic-ai/sdk` 1.x: one streamed call whose shape the model's
 * capabilities decide — structured outputs (`output_config.format`, the schema run through the SDK's own
 * `transformJSONSchema` so it meets the strict subset; no `tools`, no `tool_choice`; the answer is the text block
 * after any thinking blocks), or on a model that accepts one (Haiku 5.5) a single forced tool — with
 * `output_config.effort` when the model takes effort, and the system prompt as a text block marked
 * `cache_control: {type:'ephemeral'}` so a repeat within 5 minutes is a cache read. The SDK's own retry is off
 * (`maxRetries: 0`: it honours `retry-after` without an upper bound); {@link withBoundedRetry} does it with a cap.
 * No `temperature`/`top_p`/`top_k` are sent: API version 2026-10-21 (SDK 1.x) answers them with 400.
 */
export class AnthropicProvider implements ModelProvider {
  readonly kind = 'anthropic';
  private readonly apiKey: string | undefined;
  private readonly retry: RetryPolicy;
  private sdk: Anthropic | undefined;

  constructor(private readonly options: AnthropicProviderOptions = {}) {
    this.apiKey = options.apiKey || process.env.ANTHROPIC_API_KEY || undefined;
    this.retry = options.retry ?? defaultRetryPolicy;
  }

  /**
   * Runs one structured call. `content` is the text blocks' text (structured outputs), or the forced tool's input
   * JSON exactly as streamed; thinking blocks are not part of it; usage is the final `message_delta` usage (cumulative).
   * @throws ProviderError (auth, billing, unreachable, timeout, cancelled, modelNotFound, rateLimited, overloaded,
   *   serverError, badRequest)
   */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const who = { provider: this.kind, model: req.model };
    const client = this.client(req.model);
    const deadline = new CallDeadline(req.timeoutMs, req.signal, who);
    try {
      deadline.throwIfAborted();
      return await withBoundedRetry({
        attempt: () => this.once(client, req, deadline, started),
        policy: this.retry,
        deadline,
        who,
        toProviderError: (e) => toAnthropicError(e, req.model),
        waitHintMs: (e) => (e instanceof APIError ? retryAfterMs(e.headers) : undefined),
      });
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Prompt tokens of `req` from `POST /v1/messages/count_tokens` when the API answers, else the local
   * {@link estimateTokens} of system, messages and schema × {@link CLAUDE_TOKENIZER_RATIO}: o200k × 1.2 (+4 per text)
   * × 1.3 ≈ 1.56 × o200k, for the newer Claude tokenizer's ~30 % more tokens (without it a budget check on those
   * models would err low; on earlier models it errs high). Never throws; no network without an API key.
   */
  async estimateInputTokens(req: ChatRequest): Promise<number> {
    if (this.apiKey) {
      try {
        // No tool_choice: count_tokens applies the same forced-tool check as messages (model-apis-2026-11.md row 1).
        const { system, messages, tools, output_config } = paramsOf(req);
        const counted = await this.client(req.model).messages.countTokens(
          { model: req.model, system, messages, tools, output_config },
          { timeout: this.options.countTokensTimeoutMs ?? 10_000, maxRetries: 0, signal: req.signal },
        );
        return counted.input_tokens;
      } catch {
        // An estimate must not fail a run: the local count below errs high.
      }
    }
    const local = [req.system, ...req.messages.map((m) => m.content), JSON.stringify(req.schema.jsonSchema)].reduce((n, t) => n + estimateTokens(t), 0);
    return Math.ceil(local * CLAUDE_TOKENIZER_RATIO);
  }

  private async once(client: Anthropic, req: ChatRequest, deadline: CallDeadline, started: number): Promise<ChatResult> {
    const stream = await client.messages.create(
      { ...paramsOf(req), model: req.model, max_tokens: req.maxOutputTokens, stream: true },
      // The SDK wants a positive integer; its timer covers the wait for headers, the deadline the whole call.
      { signal: deadline.signal, timeout: Math.max(1, Math.ceil(req.timeoutMs)), maxRetries: 0 },
    );
    const reply = new StreamedReply();
    for await (const event of stream) {
      reply.take(event);
      if (req.onOutput && event.type === 'content_block_delta') req.onOutput(deltaText(event.delta));
    }
    // The SDK ends an aborted stream quietly instead of throwing: the deadline says why.
    deadline.throwIfAborted();
    if (!reply.stopped) throw new ProviderError('serverError', 'the stream ended before message_stop', { provider: this.kind, model: req.model });
    return { content: reply.content(), usage: reply.usage, latencyMs: Date.now() - started, stopReason: reply.stopReason, stopDetail: reply.stopDetail };
  }

  private client(model: string): Anthropic {
    if (!this.apiKey) throw new ProviderError('auth', 'no Anthropic API key (set ANTHROPIC_API_KEY, or in VS Code run Shipwright: Set Anthropic API Key)', { provider: this.kind, model });
    this.sdk ??= new Anthropic({ apiKey: this.apiKey, baseURL: this.options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? null, maxRetries: 0 });
    return this.sdk;
  }
}

/**
 * System block (cache breakpoint), messages, and the structured-output part of a request, shared by create and
 * count: `output_config.format` (json_schema) by default, a forced tool only where the capabilities allow one.
 * No `thinking` field: adaptive thinking is the default of every thinking model, and `disabled` is a 400 on
 * Opus/Sonnet 5.5 (https://platform.claude.com/docs/en/models/opus-5-5/whats-new-opus-5-5).
 * @throws ProviderError badRequest when the schema cannot be made strict (the SDK transform needs a `type`)
 */
export function paramsOf(req: ChatRequest): Pick<MessageCreateParamsStreaming, 'system' | 'messages' | 'tools' | 'tool_choice' | 'output_config'> {
  const caps = req.capabilities ?? capabilitiesOf({ provider: 'anthropic', model: req.model });
  const effort = req.effort ? { effort: req.effort } : {};
  const common = {
    // The API rejects an empty text block: no system prompt means no system field.
    ...(req.system ? { system: [{ type: 'text' as const, text: req.system, ...(req.cache === 'none' ? {} : { cache_control: breakpoint(req.cache) }) }] } : {}),
    messages: req.messages.map((m, i) => ({ role: m.role, content: i === 0 ? firstMessageContent(m.content, req.cache) : m.content })),
  };
  if (caps.structuredOutput === 'forcedTool' && caps.forcedTool) {
    // `$schema` is metadata of the zod export, not part of the tool's input shape.
    const { $schema: _unused, ...shape } = req.schema.jsonSchema;
    const tool: Tool = { name: req.schema.name, description: req.schema.description, input_schema: { ...shape, type: 'object' } };
    return { ...common, tools: [tool], tool_choice: { type: 'tool', name: req.schema.name }, ...(req.effort ? { output_config: effort } : {}) };
  }
  let schema: Record<string, unknown>;
  try {
    // The strict subset refuses minLength, pattern, oneOf, maxItems… and needs additionalProperties:false on every
    // object (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, "JSON Schema limitations");
    // the SDK's transform rewrites them (constraints move into descriptions). zod stays the real check.
    schema = transformJSONSchema(req.schema.jsonSchema);
  } catch (e) {
    throw new ProviderError('badRequest', `the ${req.schema.name} schema cannot be sent as structured output: ${(e as Error).message}`, { provider: 'anthropic', model: req.model });
  }
  return { ...common, output_config: { format: { type: 'json_schema', schema }, ...effort } };
}

/**
 * The first message, split at its stable prefix with a cache breakpoint after it, so a retry or a later validator
 * call with the same start reads it (the prefix cache covers tools, system and messages in order, up to a
 * breakpoint: https://platform.claude.com/docs/en/build-with-claude/prompt-caching). A plain string otherwise.
 */
function firstMessageContent(text: string, cache: ChatRequest['cache']): string | TextBlockParam[] {
  if (cache === undefined || cache === 'none' || cache.stablePrefixChars <= 0 || cache.stablePrefixChars >= text.length) return text;
  return [
    { type: 'text', text: text.slice(0, cache.stablePrefixChars), cache_control: breakpoint(cache) },
    { type: 'text', text: text.slice(cache.stablePrefixChars) },
  ];
}

/**
 * A breakpoint's `cache_control`: 5 minutes by default, `ttl: '1h'` when asked. Every breakpoint of a call gets the
 * same lifetime, so the API's rule that 1-hour breakpoints come before 5-minute ones always holds
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching, "Mixing different TTLs").
 */
function breakpoint(cache: ChatRequest['cache']): { type: 'ephemeral'; ttl?: '1h' } {
  return typeof cache === 'object' && cache.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

/** The output text a content-block delta carries: answer text, tool input JSON or thinking ('' for signatures, citations). */
function deltaText(delta: Extract<RawMessageStreamEvent, { type: 'content_block_delta' }>['delta']): string {
  switch (delta.type) {
    case 'text_delta':
      return delta.text;
    case 'input_json_delta':
      return delta.partial_json;
    case 'thinking_delta':
      return delta.thinking;
    default:
      return '';
  }
}

/** Accumulates a Messages stream: tool input JSON and text per block index, usage, stop reason. */
class StreamedReply {
  usage: Usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
  stopReason: string | undefined;
  /** The refusal category of `stop_details`, when the model declined. */
  stopDetail: string | undefined;
  stopped = false;
  private readonly toolJson = new Map<number, string>();
  private text = '';

  take(event: RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.addUsage(event.message.usage);
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') this.toolJson.set(event.index, '');
        break;
      case 'content_block_delta':
        if (event.delta.type === 'input_json_delta') this.toolJson.set(event.index, (this.toolJson.get(event.index) ?? '') + event.delta.partial_json);
        else if (event.delta.type === 'text_delta') this.text += event.delta.text;
        break;
      case 'message_delta':
        this.addUsage(event.usage);
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        this.stopDetail = event.delta.stop_details?.category ?? this.stopDetail;
        break;
      case 'message_stop':
        this.stopped = true;
        break;
      case 'content_block_stop':
        break;
    }
  }

  /** The first tool_use block's input JSON (`{}` when it streamed none), else the text blocks' text. */
  content(): string {
    const [first] = [...this.toolJson.entries()].sort(([a], [b]) => a - b);
    if (first) return first[1] === '' ? '{}' : first[1];
    return this.text;
  }

  /**
   * `message_delta` usage is cumulative; a null field keeps the earlier value. `output_tokens_details.thinking_tokens`
   * is the thinking inside `output_tokens` (SDK `OutputTokensDetails`).
   */
  private addUsage(u: {
    input_tokens: number | null; output_tokens: number | null; cache_creation_input_tokens: number | null; cache_read_input_tokens: number | null;
    output_tokens_details?: { thinking_tokens: number } | null;
    /** Writes by lifetime: in `message_start` only (SDK `Usage.cache_creation`; `MessageDeltaUsage` has none). */
    cache_creation?: { ephemeral_1h_input_tokens: number } | null;
  }): void {
    const thinking = u.output_tokens_details?.thinking_tokens ?? this.usage.thinkingTokens;
    const write1h = u.cache_creation?.ephemeral_1h_input_tokens ?? this.usage.cacheWrite1hTokens;
    this.usage = {
      inputTokens: u.input_tokens ?? this.usage.inputTokens,
      outputTokens: u.output_tokens ?? this.usage.outputTokens,
      cacheWriteTokens: u.cache_creation_input_tokens ?? this.usage.cacheWriteTokens,
      cacheReadTokens: u.cache_read_input_tokens ?? this.usage.cacheReadTokens,
      ...(thinking ? { thinkingTokens: thinking } : {}),
      ...(write1h ? { cacheWrite1hTokens: write1h } : {}),
    };
  }
}

/**
 * Maps what the SDK throws to a ProviderError: `APIConnectionTimeoutError` → timeout, an unreadable stream line
 * (SyntaxError) → unreadable, `APIConnectionError` → unreachable; a spend cap / billing error → billing; by HTTP status 401/403 → auth, 404 → modelNotFound, 429 → rateLimited, 529/503 → overloaded,
 * other 5xx → serverError, 400/413 and other 4xx → badRequest; an `event: error` mid-stream (an APIError
 * without status) → serverError without status, so it is not retried.
 */
export function toAnthropicError(e: unknown, model: string): ProviderError {
  const who = { provider: 'anthropic', model, cause: e };
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof APIConnectionTimeoutError) return new ProviderError('timeout', message, who);
  // The SDK's SSE reader throws the JSON.parse SyntaxError of a `data:` line it cannot read (core/streaming.ts):
  // the answer would be incomplete, so it is a provider error that moves the chain on, like Ollama's.
  if (e instanceof SyntaxError) return new ProviderError('unreadable', `a line of the Anthropic stream is not JSON: ${message}`, who);
  if (e instanceof APIConnectionError) return new ProviderError('unreachable', `cannot reach the Anthropic API: ${message}`, who);
  if (!(e instanceof APIError) || e.status === undefined) return new ProviderError('serverError', message, who);
  const status = e.status;
  const withStatus = { ...who, status, ...(e.errorCode ? { code: e.errorCode } : {}) };
  // A spend cap (429 without retry-after, `enforced_spend_limit_reached`), a billing problem (402 billing_error) or
  // an organisation spend limit (a 400 saying so) "keeps failing until access resumes": no retry, no other model of
  // the provider (https://platform.claude.com/docs/en/api/errors ; https://platform.claude.com/docs/en/api/rate-limits).
  if (e.errorCode === 'enforced_spend_limit_reached' || status === 402 || e.type === 'billing_error' || (status === 400 && /spend limit|credit balance/i.test(message))) {
    return new ProviderError('billing', message, withStatus);
  }
  if (status === 401 || status === 403) return new ProviderError('auth', message, withStatus);
  if (status === 404) return new ProviderError('modelNotFound', message, withStatus);
  if (status === 429) return new ProviderError('rateLimited', message, withStatus);
  if (status === 529 || status === 503) return new ProviderError('overloaded', message, withStatus);
  if (status >= 500) return new ProviderError('serverError', message, withStatus);
  return new ProviderError('badRequest', message, withStatus);
}
