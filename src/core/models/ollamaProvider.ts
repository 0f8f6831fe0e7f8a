import { Ollama } from 'ollama';
import { defaultRetryPolicy, retryAfterMs, withBoundedRetry, type RetryPolicy } from './boundedRetry';
import { CallDeadline } from './callDeadline';
import { estimateTokens } from './estimateTokens';
import type { ChatRequest, ChatResult, ModelProvider } from './modelProvider';
import { ProviderError } from './providerError';

/** Where Ollama listens when neither the options nor `OLLAMA_HOST` say (Ollama's documented default). */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/** Context assumed when `/api/show` reports no `<arch>.context_length` (Ollama's own default num_ctx). */
const FALLBACK_CONTEXT = 4096;

/** Smallest `num_ctx` sent: below it a reload for a bigger prompt is likely on the next phase anyway. */
const MIN_NUM_CTX = 2048;

export interface OllamaProviderOptions {
  /** Base URL; default env `OLLAMA_HOST`, else {@link DEFAULT_OLLAMA_HOST}. ollama-js ignores `OLLAMA_HOST` itself. */
  host?: string;
  /** Bounded retry of 429/503/5xx (config `retry`); default {@link defaultRetryPolicy}. */
  retry?: RetryPolicy;
  /** Context lengths (tokens) per model id that override `/api/show` (config `models.*.contextLength`). */
  contextLengths?: Record<string, number>;
}

/**
 * Ollama through the real `ollama` client (0.6.x): one streamed `/api/chat` per call with the deliverable's JSON
 * schema as `format`, and `options.num_ctx` sized from `/api/show` so Ollama never silently drops messages.
 * ollama-js has no timeout and can only abort a stream once its headers arrived, so every request goes through a
 * `fetch` wrapper carrying the call's {@link CallDeadline} signal; the wrapper also keeps the `retry-after`
 * header that ollama-js's `ResponseError` does not expose.
 */
export class OllamaProvider implements ModelProvider {
  readonly kind = 'ollama';
  readonly host: string;
  private readonly retry: RetryPolicy;
  private readonly contextLengths = new Map<string, Promise<number>>();

  constructor(private readonly options: OllamaProviderOptions = {}) {
    this.host = options.host ?? process.env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST;
    this.retry = options.retry ?? defaultRetryPolicy;
  }

  /**
   * Runs one structured call. Refuses with `contextOverflow`, before sending, a prompt whose estimate plus
   * `maxOutputTokens` exceeds the model's context. Usage is `prompt_eval_count`/`eval_count` (missing = 0).
   * @throws ProviderError (unreachable, timeout, cancelled, modelNotFound, rateLimited, overloaded, serverError,
   *   badRequest, contextOverflow)
   */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const who = { provider: this.kind, model: req.model };
    const deadline = new CallDeadline(req.timeoutMs, req.signal, who);
    const seen: { retryAfterMs?: number } = {};
    const client = this.client(deadline.signal, seen);
    const toProviderError = (e: unknown) => deadline.abortError(e) ?? toOllamaError(e, req.model);
    try {
      deadline.throwIfAborted();
      const contextLength = await this.contextLengthWith(client, req.model).catch((e: unknown) => {
        throw toProviderError(e);
      });
      const numCtx = this.numCtxFor(req, contextLength, await this.estimateInputTokens(req));
      return await withBoundedRetry({
        attempt: () => this.once(client, req, numCtx, deadline, started),
        policy: this.retry,
        deadline,
        who,
        toProviderError,
        waitHintMs: () => seen.retryAfterMs,
      });
    } finally {
      deadline.dispose();
    }
  }

  /** Estimated prompt tokens (system + messages) with {@link estimateTokens}' margin; no network. */
  async estimateInputTokens(req: ChatRequest): Promise<number> {
    return [req.system, ...req.messages.map((m) => m.content)].reduce((n, t) => n + estimateTokens(t), 0);
  }

  /**
   * The model's context window in tokens: the options' override, else `/api/show`'s
   * `model_info["<general.architecture>.context_length"]` (cached per model; a failure is not cached).
   * @throws ProviderError (modelNotFound, unreachable…)
   */
  async contextLength(model: string, timeoutMs = 30_000): Promise<number> {
    const deadline = new CallDeadline(timeoutMs, undefined, { provider: this.kind, model });
    try {
      return await this.contextLengthWith(this.client(deadline.signal, {}), model);
    } catch (e) {
      throw deadline.abortError(e) ?? toOllamaError(e, model);
    } finally {
      deadline.dispose();
    }
  }

  /** Names of the models the server has pulled (`/api/tags`). @throws ProviderError (unreachable…) */
  async listModels(timeoutMs = 30_000): Promise<string[]> {
    const deadline = new CallDeadline(timeoutMs, undefined, { provider: this.kind, model: '' });
    try {
      const { models } = await this.client(deadline.signal, {}).list();
      return models.map((m) => m.name);
    } catch (e) {
      throw deadline.abortError(e) ?? toOllamaError(e, '');
    } finally {
      deadline.dispose();
    }
  }

  private async once(client: Ollama, req: ChatRequest, numCtx: number, deadline: CallDeadline, started: number): Promise<ChatResult> {
    const stream = await client.chat({
      model: req.model,
      stream: true,
      format: req.schema.jsonSchema,
      messages: [...(req.system ? [{ role: 'system', content: req.system }] : []), ...req.messages],
      options: { num_ctx: numCtx, num_predict: req.maxOutputTokens },
    });
    let content = '';
    let usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    let stopReason: string | undefined;
    for await (const part of stream) {
      content += part.message?.content ?? '';
      if (part.done) {
        // Ollama omits zero counts (omitempty): a missing count is 0.
        usage = { ...usage, inputTokens: part.prompt_eval_count ?? 0, outputTokens: part.eval_count ?? 0 };
        stopReason = part.done_reason;
      }
    }
    deadline.throwIfAborted();
    return { content, usage, latencyMs: Date.now() - started, stopReason };
  }

  /**
   * `num_ctx` for a call: prompt estimate + output bound, rounded up to a power of two (≥ 2,048) and capped at
   * the model's context. Ollama reloads the model whenever `num_ctx` changes, so coarse steps keep reloads rare.
   * @throws ProviderError contextOverflow
   */
  private numCtxFor(req: ChatRequest, contextLength: number, promptTokens: number): number {
    const need = promptTokens + req.maxOutputTokens;
    if (need > contextLength) {
      throw new ProviderError(
        'contextOverflow',
        `prompt ~${promptTokens} tokens + ${req.maxOutputTokens} output tokens exceed ${req.model}'s context of ${contextLength} tokens`,
        { provider: this.kind, model: req.model },
      );
    }
    return Math.min(contextLength, Math.max(MIN_NUM_CTX, 2 ** Math.ceil(Math.log2(need))));
  }

  private contextLengthWith(client: Ollama, model: string): Promise<number> {
    const override = this.options.contextLengths?.[model];
    if (override !== undefined) return Promise.resolve(override);
    let known = this.contextLengths.get(model);
    if (!known) {
      known = client.show({ model }).then((show) => contextLengthIn(show.model_info));
      known.catch(() => this.contextLengths.delete(model));
      this.contextLengths.set(model, known);
    }
    return known;
  }

  /** An ollama-js client whose every request is bound to `signal` and records `retry-after` into `seen`. */
  private client(signal: AbortSignal, seen: { retryAfterMs?: number }): Ollama {
    const boundFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      seen.retryAfterMs = response.ok ? undefined : retryAfterMs(response.headers);
      return response;
    };
    return new Ollama({ host: this.host, fetch: boundFetch });
  }
}

/**
 * Reads `<general.architecture>.context_length` (any `*.context_length` as a fallback) from `/api/show`'s
 * `model_info`, which ollama-js types as a Map but is a plain JSON object on the wire.
 */
function contextLengthIn(modelInfo: unknown): number {
  if (typeof modelInfo !== 'object' || modelInfo === null) return FALLBACK_CONTEXT;
  const info = Object.entries(modelInfo);
  const arch = info.find(([k]) => k === 'general.architecture')?.[1];
  const value = info.find(([k]) => k === `${String(arch)}.context_length`)?.[1] ?? info.find(([k]) => k.endsWith('.context_length'))?.[1];
  return typeof value === 'number' && value > 0 ? value : FALLBACK_CONTEXT;
}

/**
 * Maps what ollama-js throws to a ProviderError: `ResponseError` (not exported; recognised by `name` and
 * `status_code`) by status; `TypeError: fetch failed` (undici, `cause.code` ECONNREFUSED etc.) → unreachable;
 * a plain Error (an `{"error"}` line mid-stream, a stream without `done`) → serverError without status.
 */
export function toOllamaError(e: unknown, model: string): ProviderError {
  const who = { provider: 'ollama', model, cause: e };
  const message = e instanceof Error ? e.message : String(e);
  const status = e instanceof Error && e.name === 'ResponseError' && 'status_code' in e && typeof e.status_code === 'number' ? e.status_code : undefined;
  if (status !== undefined) {
    const withStatus = { ...who, status };
    if (status === 404) return new ProviderError('modelNotFound', message, withStatus);
    if (status === 429) return new ProviderError('rateLimited', message, withStatus);
    if (status === 503) return new ProviderError('overloaded', message, withStatus);
    if (status === 401 || status === 403) return new ProviderError('auth', message, withStatus);
    if (status >= 500) return new ProviderError('serverError', message, withStatus);
    return new ProviderError('badRequest', message, withStatus);
  }
  if (e instanceof TypeError && message === 'fetch failed') return new ProviderError('unreachable', `cannot reach Ollama: ${causeText(e)}`, who);
  return new ProviderError('serverError', message, who);
}

function causeText(e: Error): string {
  const cause: unknown = e.cause;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return e.message;
}
