import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ProviderError } from './providerError';

/**
 * Maps what the `openai` client throws to a ProviderError the router acts on. The API's error body is
 * `{"error": {"message", "type", "param", "code"}}` (https://platform.openai.com/docs/guides/error-codes):
 * - `APIConnectionTimeoutError` → timeout; `APIConnectionError` (refused, DNS, reset) → unreachable
 * - 401/403 → auth; 404 (`code: model_not_found`, "The model `x` does not exist or you do not have access to it.") → modelNotFound
 * - 429 (`rate_limit_exceeded`; `insufficient_quota` too, which no retry cures) → rateLimited
 * - 400 with `code: context_length_exceeded` ("This model's maximum context length is N tokens…") → contextOverflow
 * - 503 → overloaded; other 5xx → serverError; other 4xx → badRequest
 * - an `{"error"}` chunk inside a 200 stream (an APIError without status) → serverError without status, so it
 *   is not retried (the stream may already have been billed).
 * `insufficient_quota` is rateLimited, not retried: its `retry-after` never comes.
 */
export function toOpenAiError(e: unknown, model: string): ProviderError {
  const who = { provider: 'openai', model, cause: e };
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof APIConnectionTimeoutError) return new ProviderError('timeout', message, who);
  if (e instanceof APIConnectionError) return new ProviderError('unreachable', `cannot reach the OpenAI-compatible server: ${causeText(e)}`, who);
  if (!(e instanceof APIError) || e.status === undefined) return new ProviderError('serverError', message, who);
  const status = e.status;
  const withStatus = { ...who, status };
  if (status === 401 || status === 403) return new ProviderError('auth', message, withStatus);
  if (status === 404) return new ProviderError('modelNotFound', message, withStatus);
  if (status === 429) {
    // The bounded retry repeats a 429; a spent quota would only be asked again, so it carries no status to retry on.
    return e.code === 'insufficient_quota' ? new ProviderError('rateLimited', message, who) : new ProviderError('rateLimited', message, withStatus);
  }
  if (e.code === 'context_length_exceeded') return new ProviderError('contextOverflow', message, withStatus);
  if (status === 503) return new ProviderError('overloaded', message, withStatus);
  if (status >= 500) return new ProviderError('serverError', message, withStatus);
  return new ProviderError('badRequest', message, withStatus);
}

function causeText(e: Error): string {
  const cause: unknown = e.cause;
  if (cause instanceof Error) {
    const inner: unknown = cause.cause;
    if (inner instanceof Error && 'code' in inner && typeof inner.code === 'string') return inner.code;
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  }
  return e.message;
}
