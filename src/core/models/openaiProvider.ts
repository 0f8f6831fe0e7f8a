import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { defaultRetryPolicy, retryAfterMs, withBoundedRetry, type RetryPolicy } from './boundedRetry';
import { CallDeadline } from './callDeadline';
import { estimateTokens } from './estimateTokens';
import type { ChatRequest, ChatResult, ModelProvider } from './modelProvider';
import { toOpenAiError } from './openaiErrors';
import { DEFAULT_OPENAI_BASE_URL, DEFAULT_OPENAI_CAPABILITIES, OPENAI_PRESETS, type OpenAiCapabilities, type OpenAiPreset } from './openaiPresets';
import { dropStrictNulls, toOpenAiStrictSchema } from './openaiStrictSchema';
import { isLoopbackUrl } from './runsLocally';
import { ProviderError } from './providerError';
import type { Usage } from './usage';
import { APIError } from 'openai';

/** The OpenAI API's own base URL, the `openai` client's default (kept here for the modules that import it from here). */
export { DEFAULT_OPENAI_BASE_URL } from './openaiPresets';

export interface OpenAiProviderOptions {
  /**
   * The key for servers without a key variable of their own (OpenAI itself, or a custom `baseUrl`): VS Code's
   * SecretStorage, else `OPENAI_API_KEY`. A preset with its own variable (OpenRouter: `OPENROUTER_API_KEY`) never
   * gets this key, so an OpenAI key is not sent to another company.
   */
  apiKey?: string;
  /** Environment read for `OPENAI_BASE_URL` and preset key variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Bounded retry of 429/5xx (config `retry`); default {@link defaultRetryPolicy}. */
  retry?: RetryPolicy;
}

/** Where one call goes and what that server supports. */
interface Endpoint {
  baseURL: string;
  apiKey: string | undefined;
  capabilities: OpenAiCapabilities;
}

/**
 * Any OpenAI-compatible Chat Completions server (OpenAI, OpenRouter, LM Studio, llama.cpp `llama-server`, vLLM)
 * through the official `openai` client: one streamed call with `response_format: {type:'json_schema'}` — strict,
 * with the schema made strict, where the model's capabilities say so — and `stream_options.include_usage` so the
 * last chunk carries the usage. The client's own retry is off (`maxRetries: 0`); {@link withBoundedRetry} retries
 * 429/5xx with a capped `retry-after`. Base URL and capabilities come from the call's model entry (`spec`).
 * No `temperature` is sent: reasoning models refuse it, and the deliverables need none.
 */
export class OpenAiProvider implements ModelProvider {
  readonly kind = 'openai';
  private readonly retry: RetryPolicy;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clients = new Map<string, OpenAI>();

  constructor(private readonly options: OpenAiProviderOptions = {}) {
    this.retry = options.retry ?? defaultRetryPolicy;
    this.env = options.env ?? process.env;
  }

  /**
   * Runs one structured call. `content` is the streamed message text (with the `null`s that strictness forced
   * for optional fields removed again); usage is the final usage chunk: `prompt_tokens` less
   * `prompt_tokens_details.cached_tokens` as input, the cached tokens as cache reads, `completion_tokens`
   * (reasoning included) as output, reasoning also as `thinkingTokens`. A refusal (`delta.refusal`, or a
 * `content_filter` stop) comes back as `stopReason: 'refusal'` for the session to move on.
   * @throws ProviderError (auth, unreachable, timeout, cancelled, modelNotFound, rateLimited, overloaded,
   *   serverError, badRequest, contextOverflow)
   */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const who = { provider: this.kind, model: req.model };
    const endpoint = this.endpointOf(req);
    const deadline = new CallDeadline(req.timeoutMs, req.signal, who);
    try {
      deadline.throwIfAborted();
      if (req.spec?.contextLength !== undefined) {
        const need = (await this.estimateInputTokens(req)) + req.maxOutputTokens;
        if (need > req.spec.contextLength) {
          throw new ProviderError('contextOverflow', `prompt + ${req.maxOutputTokens} output tokens (~${need}) exceed ${req.model}'s context of ${req.spec.contextLength} tokens`, who);
        }
      }
      const client = this.client(endpoint, req.model);
      return await withBoundedRetry({
        attempt: () => this.once(client, endpoint, req, deadline, started),
        policy: this.retry,
        deadline,
        who,
        toProviderError: (e) => toOpenAiError(e, req.model),
        waitHintMs: (e) => (e instanceof APIError ? retryAfterMs(e.headers) : undefined),
      });
    } finally {
      deadline.dispose();
    }
  }

  /** Estimated prompt tokens (system, messages and the schema the server adds to the prompt); no network. */
  async estimateInputTokens(req: ChatRequest): Promise<number> {
    return [req.system, ...req.messages.map((m) => m.content), JSON.stringify(req.schema.jsonSchema)].reduce((n, t) => n + estimateTokens(t), 0);
  }

  private async once(client: OpenAI, endpoint: Endpoint, req: ChatRequest, deadline: CallDeadline, started: number): Promise<ChatResult> {
    const caps = endpoint.capabilities;
    const { $schema: _metadata, ...plain } = req.schema.jsonSchema;
    const params: ChatCompletionCreateParamsStreaming = {
      model: req.model,
      stream: true,
      messages: [...(req.system ? [{ role: 'system' as const, content: req.system }] : []), ...req.messages],
      response_format: {
        type: 'json_schema',
        json_schema: { name: req.schema.name, description: req.schema.description, schema: caps.strict ? toOpenAiStrictSchema(plain) : plain, strict: caps.strict },
      },
      ...(caps.includeUsage ? { stream_options: { include_usage: true } } : {}),
      // Only for a model whose capabilities list effort levels (reasoning models); others answer it with a 400.
      ...(req.effort ? { reasoning_effort: req.effort } : {}),
      ...(caps.maxTokensField === 'max_tokens' ? { max_tokens: req.maxOutputTokens } : { max_completion_tokens: req.maxOutputTokens }),
    };
    const stream = await client.chat.completions.create(params, { signal: deadline.signal, timeout: Math.max(1, Math.ceil(req.timeoutMs)), maxRetries: 0 });
    const reply = new StreamedCompletion();
    for await (const chunk of stream) {
      reply.take(chunk);
      const delta = chunk.choices.find((c) => c.index === 0)?.delta;
      if (req.onOutput && delta) req.onOutput((delta.content ?? '') + (delta.refusal ?? ''));
    }
    // An aborted stream can end quietly: the deadline says why.
    deadline.throwIfAborted();
    // A declined structured answer is `delta.refusal` text with no content, or a `content_filter` stop
    // (https://platform.openai.com/docs/guides/structured-outputs#refusals): a `refusal` outcome, so the session moves on.
    if ((reply.refusal && !reply.content) || reply.finishReason === 'content_filter') {
      return { content: reply.content, usage: reply.usage, latencyMs: Date.now() - started, stopReason: 'refusal', stopDetail: reply.finishReason === 'content_filter' ? 'content_filter' : reply.refusal.slice(0, 200) };
    }
    return { content: caps.strict ? undoStrictNulls(reply.content, plain) : reply.content, usage: reply.usage, latencyMs: Date.now() - started, stopReason: reply.finishReason };
  }

  /** Base URL, key and capabilities of the call's model entry: entry, then preset, then the environment. */
  private endpointOf(req: ChatRequest): Endpoint {
    const spec = req.spec;
    const preset: OpenAiPreset | undefined = spec?.preset ? OPENAI_PRESETS[spec.preset] : undefined;
    const baseURL = spec?.baseUrl ?? preset?.baseUrl ?? (this.env.OPENAI_BASE_URL || DEFAULT_OPENAI_BASE_URL);
    const keyEnv = spec?.openai?.apiKeyEnv ?? preset?.apiKeyEnv;
    const fromEnv = keyEnv && keyEnv !== 'OPENAI_API_KEY' ? this.env[keyEnv] || undefined : this.options.apiKey ?? (this.env.OPENAI_API_KEY || undefined);
    const local = preset?.local ?? isLoopbackUrl(baseURL);
    // Local servers take any key unless started with one; the client refuses to send none at all.
    const apiKey = fromEnv ?? (local ? 'not-needed' : undefined);
    const { apiKeyEnv: _key, ...overrides } = spec?.openai ?? {};
    return { baseURL, apiKey, capabilities: { ...DEFAULT_OPENAI_CAPABILITIES, ...(preset ?? {}), ...overrides } };
  }

  private client(endpoint: Endpoint, model: string): OpenAI {
    if (!endpoint.apiKey) {
      throw new ProviderError('auth', `no API key for ${endpoint.baseURL} (set OPENAI_API_KEY or the preset's key variable, or in VS Code run Shipwright: Set OpenAI API Key)`, { provider: this.kind, model });
    }
    const id = `${endpoint.baseURL}\n${endpoint.apiKey}`;
    let c = this.clients.get(id);
    if (!c) {
      c = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, maxRetries: 0 });
      this.clients.set(id, c);
    }
    return c;
  }
}


/** The answer without strictness' nulls; text that is not JSON is returned as it is, for the pipeline to object to. */
function undoStrictNulls(content: string, schema: Record<string, unknown>): string {
  try {
    return JSON.stringify(dropStrictNulls(JSON.parse(content), schema));
  } catch {
    return content;
  }
}

/** Accumulates a Chat Completions stream: content and refusal deltas of choice 0, finish reason, final usage. */
class StreamedCompletion {
  content = '';
  refusal = '';
  finishReason: string | undefined;
  usage: Usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };

  take(chunk: ChatCompletionChunk): void {
    const choice = chunk.choices.find((c) => c.index === 0);
    if (choice) {
      this.content += choice.delta?.content ?? '';
      this.refusal += choice.delta?.refusal ?? '';
      this.finishReason = choice.finish_reason ?? this.finishReason;
    }
    // With include_usage the last chunk has `choices: []` and the usage; other chunks carry `usage: null`.
    if (chunk.usage) {
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      const reasoning = chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0;
      this.usage = {
        inputTokens: Math.max(0, chunk.usage.prompt_tokens - cached),
        outputTokens: chunk.usage.completion_tokens,
        cacheWriteTokens: 0,
        cacheReadTokens: cached,
        // Reasoning is inside completion_tokens and billed with it; recorded apart, never added again.
        ...(reasoning > 0 ? { thinkingTokens: reasoning } : {}),
      };
    }
  }
}
