/**
 * Why a provider call failed. Every reason but `cancelled` lets the router fall through to the next model
 * of the phase's chain.
 * - unreachable: connection refused / DNS / socket closed (ollama-js `TypeError: fetch failed`, SDK `APIConnectionError`)
 * - timeout: the call took longer than its timeout, or a stream went silent
 * - modelNotFound: HTTP 404 (`model 'X' not found` from Ollama, `not_found_error` from Anthropic)
 * - rateLimited: HTTP 429 still failing after the bounded retries
 * - overloaded: HTTP 529 (Anthropic `overloaded_error`) or 503 still failing after the bounded retries
 * - serverError: other 5xx still failing after the bounded retries, or an error event mid-stream
 * - auth: HTTP 401/403, or no API key configured
 * - badRequest: HTTP 400/413 (e.g. model does not support tools or format)
 * - contextOverflow: the prompt would not fit the model's context window (refused before sending, or the API's
 *   `model_context_window_exceeded` stop)
 * - truncated: the answer was cut at the output cap (`max_tokens` / `length`) even after one retry with a larger cap
 * - refused: the model declined (Anthropic `stop_reason: "refusal"`; `details.code` is the category, e.g. `cyber`)
 * - billing: a spend cap, billing problem or exhausted quota (Anthropic 429 `enforced_spend_limit_reached`, 402
 *   `billing_error`, a 400 about a spend limit): every model of that provider is stopped for the rest of the run
 * - unreadable: a stream line that is not valid JSON (the answer would be silently shorter)
 * - loadFailed: Ollama could not load the model (a 500 about memory or a terminated runner); not retried
 * - budget: the call's estimate would exceed the ticket's budget (refused before sending)
 * - cancelled: the caller aborted the run
 */
export type ProviderErrorReason =
  | 'unreachable'
  | 'timeout'
  | 'modelNotFound'
  | 'rateLimited'
  | 'overloaded'
  | 'serverError'
  | 'auth'
  | 'badRequest'
  | 'contextOverflow'
  | 'truncated'
  | 'refused'
  | 'billing'
  | 'unreadable'
  | 'loadFailed'
  | 'cancelled';

/** An error from a model provider, tagged with a reason the router can act on. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly reason: ProviderErrorReason,
    message: string,
    /** `code`: the API's machine-readable cause when it gave one (`error.details.error_code`, a refusal category). */
    readonly details: { provider: string; model: string; status?: number; cause?: unknown; code?: string },
  ) {
    super(message, { cause: details.cause });
  }

  /** True when the router should try the next model in the chain. */
  get fallsThrough(): boolean {
    return this.reason !== 'cancelled';
  }

  static is(e: unknown, reason?: ProviderErrorReason): e is ProviderError {
    return e instanceof ProviderError && (reason === undefined || e.reason === reason);
  }
}
