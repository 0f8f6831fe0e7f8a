import { Ollama } from 'ollama';
import { defaultRetryPolicy, retryAfterMs, withBoundedRetry, type RetryPolicy } from './boundedRetry';
import { CallDeadline } from './callDeadline';
import { checkedNdjsonFetch } from './checkedNdjsonFetch';
import { estimateTokens } from './estimateTokens';
import type { ChatRequest, ChatResult, ModelProvider } from './modelProvider';
import { connectableOllamaHost } from './ollamaHost';
import { ProviderError } from './providerError';

/** Where Ollama listens when neither the options nor `OLLAMA_HOST` say (Ollama's documented default). */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/** Context assumed when `/api/show` reports no `<arch>.context_length` (Ollama's own default num_ctx). */
const FALLBACK_CONTEXT = 4096;

/** Smallest `num_ctx` sent: below it a reload for a bigger prompt is likely on the next phase anyway. */
const MIN_NUM_CTX = 2048;

/**
 * Largest `num_ctx` sent when neither the options nor `OLLAMA_CONTEXT_LENGTH` say: a size a 30B model's KV cache
 * fits on a 24 GB GPU. Above the model's own trained context only the VRAM limits it, and a load that does not fit
 * fails with a 500 (model-apis-2026-11.md row 7; Ollama's own default is VRAM-based since v0.15.5).
 */
export const DEFAULT_NUM_CTX_CEILING = 32_768;

/** How long Ollama keeps a model loaded after a call: long enough for a ticket's phases and test runs (Ollama's default is 5m, FAQ). */
export const DEFAULT_KEEP_ALIVE = '30m';

/** What `/api/show` says about a model, as the provider uses it. */
interface ModelFacts {
  /** Trained context, tokens. */
  contextLength: number;
  /** The `thinking` capability: the model thinks by default and its thinking counts in `eval_count`. */
  thinks: boolean;
  /** Proxied to ollama.com (`remote_host`, or a `-cloud`/`:cloud` name): no `num_ctx`, no free tokens. */
  cloud: boolean;
}

export interface OllamaProviderOptions {
  /**
   * Base URL in any `OLLAMA_HOST` form (`0.0.0.0`, `::`, no scheme, no port: see {@link connectableOllamaHost});
   * default env `OLLAMA_HOST`, else {@link DEFAULT_OLLAMA_HOST}. ollama-js ignores `OLLAMA_HOST` itself.
   */
  host?: string;
  /** Largest `num_ctx` sent (config `ollama.numCtxCeiling`); default env `OLLAMA_CONTEXT_LENGTH`, else {@link DEFAULT_NUM_CTX_CEILING}. */
  numCtxCeiling?: number;
  /** `keep_alive` sent with every call (config `ollama.keepAlive`); default {@link DEFAULT_KEEP_ALIVE}. */
  keepAlive?: string;
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
  /** Largest `num_ctx` this provider sends, tokens. */
  readonly numCtxCeiling: number;
  private readonly facts = new Map<string, Promise<ModelFacts>>();

  constructor(private readonly options: OllamaProviderOptions = {}) {
    this.host = connectableOllamaHost(options.host ?? process.env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST);
    this.retry = options.retry ?? defaultRetryPolicy;
    const fromEnv = Number.parseInt(process.env.OLLAMA_CONTEXT_LENGTH ?? '', 10);
    this.numCtxCeiling = options.numCtxCeiling ?? (fromEnv > 0 ? fromEnv : DEFAULT_NUM_CTX_CEILING);
  }

  /**
   * Runs one structured call. Refuses with `contextOverflow`, before sending, a prompt whose estimate plus the
   * output cap exceeds the model's context or the `num_ctx` ceiling. A thinking model (capability from
   * `/api/show`) gets twice `maxOutputTokens` as `num_predict`: its thinking counts there too. `keep_alive` holds
   * the model between phases. Every stream line is checked ({@link checkedNdjsonFetch}). Usage is
   * `prompt_eval_count`/`eval_count` (missing = 0).
   * @throws ProviderError (unreachable, timeout, cancelled, modelNotFound, rateLimited, overloaded, serverError,
   *   loadFailed, unreadable, badRequest, contextOverflow)
   */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const who = { provider: this.kind, model: req.model };
    const deadline = new CallDeadline(req.timeoutMs, req.signal, who);
    const seen: { retryAfterMs?: number } = {};
    const client = this.client(deadline.signal, seen, req.model);
    const toProviderError = (e: unknown) => deadline.abortError(e) ?? toOllamaError(e, req.model);
    try {
      deadline.throwIfAborted();
      const facts = await this.factsWith(client, req.model).catch((e: unknown) => {
        throw toProviderError(e);
      });
      const numPredict = facts.thinks ? req.maxOutputTokens * 2 : req.maxOutputTokens;
      // A cloud model runs at its own full context on ollama.com: no num_ctx, no local ceiling (docs/cloud.mdx).
      const numCtx = facts.cloud ? undefined : this.numCtxFor(req, numPredict, facts.contextLength, await this.estimateInputTokens(req));
      return await withBoundedRetry({
        attempt: () => this.once(client, req, { num_ctx: numCtx, num_predict: numPredict }, deadline, started),
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
      return (await this.factsWith(this.client(deadline.signal, {}, model), model)).contextLength;
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
      const { models } = await this.client(deadline.signal, {}, '').list();
      return models.map((m) => m.name);
    } catch (e) {
      throw deadline.abortError(e) ?? toOllamaError(e, '');
    } finally {
      deadline.dispose();
    }
  }

  private async once(client: Ollama, req: ChatRequest, options: { num_ctx?: number; num_predict: number }, deadline: CallDeadline, started: number): Promise<ChatResult> {
    const stream = await client.chat({
      model: req.model,
      stream: true,
      format: req.schema.jsonSchema,
      messages: [...(req.system ? [{ role: 'system', content: req.system }] : []), ...req.messages],
      // `think` is left unset: `think:false` has broken `format` on some thinking models (ollama/ollama#14645, #15260).
      options: options.num_ctx === undefined ? { num_predict: options.num_predict } : { num_ctx: options.num_ctx, num_predict: options.num_predict },
      keep_alive: this.options.keepAlive ?? DEFAULT_KEEP_ALIVE,
    });
    let content = '';
    let usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    let stopReason: string | undefined;
    for await (const part of stream) {
      content += part.message?.content ?? '';
      // A thinking model streams its trace in `message.thinking` before the content; both are output.
      req.onOutput?.((part.message?.thinking ?? '') + (part.message?.content ?? ''));
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
   * the model's context and the ceiling. Ollama reloads the model whenever `num_ctx` changes, so coarse steps keep
   * reloads rare.
   * @throws ProviderError contextOverflow (the chain moves on to the next model)
   */
  private numCtxFor(req: ChatRequest, numPredict: number, contextLength: number, promptTokens: number): number {
    const need = promptTokens + numPredict;
    const limit = Math.min(contextLength, this.numCtxCeiling);
    if (need > limit) {
      const which = limit < contextLength ? `the num_ctx ceiling of ${limit} tokens (config ollama.numCtxCeiling / OLLAMA_CONTEXT_LENGTH)` : `${req.model}'s context of ${contextLength} tokens`;
      throw new ProviderError('contextOverflow', `prompt ~${promptTokens} tokens + ${numPredict} output tokens exceed ${which}`, { provider: this.kind, model: req.model });
    }
    return Math.min(limit, Math.max(MIN_NUM_CTX, 2 ** Math.ceil(Math.log2(need))));
  }

  private factsWith(client: Ollama, model: string): Promise<ModelFacts> {
    let known = this.facts.get(model);
    if (!known) {
      const override = this.options.contextLengths?.[model];
      known = client.show({ model }).then((show) => ({
        contextLength: override ?? contextLengthIn(show.model_info),
        thinks: (show.capabilities ?? []).includes('thinking'),
        // `remote_host` is set on models proxied to ollama.com (docs/cloud.mdx); ollama-js 0.6 does not type it.
        cloud: isOllamaCloudModel(model) || ('remote_host' in show && Boolean(show.remote_host)),
      }));
      known.catch(() => this.facts.delete(model));
      this.facts.set(model, known);
    }
    return known;
  }

  /**
   * An ollama-js client whose every request is bound to `signal`, records `retry-after` into `seen`, and has every
   * NDJSON line checked.
   */
  private client(signal: AbortSignal, seen: { retryAfterMs?: number }, model: string): Ollama {
    const boundFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      seen.retryAfterMs = response.ok ? undefined : retryAfterMs(response.headers);
      return response;
    };
    return new Ollama({ host: this.host, fetch: checkedNdjsonFetch(boundFetch, { provider: this.kind, model }) });
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
    // A model that cannot load (not enough memory for its weights and num_ctx) fails the same way on a retry
    // (llm/server.go lines 249-267 at fb30760: "model requires more system memory …", runner terminated).
    if (status === 500 && LOAD_FAILURE.test(message)) return new ProviderError('loadFailed', message, { ...who });
    if (status >= 500) return new ProviderError('serverError', message, withStatus);
    return new ProviderError('badRequest', message, withStatus);
  }
  if (e instanceof TypeError && message === 'fetch failed') return new ProviderError('unreachable', `cannot reach Ollama: ${causeText(e)}`, who);
  return new ProviderError('serverError', message, who);
}

/** Ollama's texts for a model that could not be loaded (https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/llm/server.go). */
const LOAD_FAILURE = /requires more system memory|out of memory|failed to load model|llama runner process has terminated|unable to allocate/i;

/** An Ollama cloud model by name (`gpt-oss:120b-cloud`, `…:cloud`): proxied to ollama.com (docs/cloud.mdx). */
export function isOllamaCloudModel(model: string): boolean {
  return /[:-]cloud$/.test(model);
}

function causeText(e: Error): string {
  const cause: unknown = e.cause;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return e.message;
}
