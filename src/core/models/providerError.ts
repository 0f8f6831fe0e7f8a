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
 * - contextOverflow: the prompt would not fit the model's context window (refused before sending)
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
  | 'cancelled';

/** An error from a model provider, tagged with a reason the router can act on. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly reason: ProviderErrorReason,
    message: string,
    readonly details: { provider: string; model: string; status?: number; cause?: unknown } ,
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
