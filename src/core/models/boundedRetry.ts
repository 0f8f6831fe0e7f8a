import type { CallDeadline } from './callDeadline';
import { ProviderError, type ProviderErrorReason } from './providerError';

/** Bounded retry of transient HTTP failures (config `retry`). */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  maxRetries: number;
  /** Cap on one wait, ms: a server's `retry-after` above it is cut down to it (the SDKs honour it unbounded). */
  maxRetryAfterMs: number;
  /** Told before each wait (e.g. for a "retrying in 2 s" event). */
  onRetry?: (notice: RetryNotice) => void;
}

/** One upcoming retry. */
export interface RetryNotice {
  provider: string;
  model: string;
  /** 1-based number of the retry about to happen. */
  retry: number;
  /** Wait before it, ms: the server's `retry-after` (or an exponential backoff) capped at `maxRetryAfterMs`. */
  delayMs: number;
  reason: ProviderErrorReason;
  status?: number;
}

/** Default retry policy, matching the config defaults. */
export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, maxRetryAfterMs: 20_000 };

/** Backoff when the server names no wait: 1 s, 2 s, 4 s… (before the cap). */
const backoffMs = (retry: number): number => 1000 * 2 ** retry;

/**
 * True for failures worth repeating: HTTP 429, 529, 503 and other 5xx. An error without an HTTP status (an
 * error event in the middle of a stream, a connection refused) is not retried: the stream already billed
 * tokens, and an unreachable server should fall through to the next model at once.
 */
export function isRetryable(e: ProviderError): boolean {
  const transient: ProviderErrorReason[] = ['rateLimited', 'overloaded', 'serverError'];
  return transient.includes(e.reason) && e.details.status !== undefined;
}

/**
 * A `retry-after-ms` or `retry-after` header (seconds, or an HTTP date) in ms; undefined when absent or not
 * positive. Header names per RFC 9110 §10.2.3; `retry-after-ms` is what the Anthropic SDK also reads.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (ms > 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  const fromDate = Date.parse(raw) - Date.now();
  const value = Number.isNaN(seconds) ? fromDate : seconds * 1000;
  return value > 0 ? value : undefined;
}

/**
 * Runs `attempt` and repeats it after retryable failures ({@link isRetryable}) up to `policy.maxRetries` times,
 * waiting the server's `retry-after` (from `waitHintMs`) or an exponential backoff, capped at
 * `policy.maxRetryAfterMs`. Waits end early when the deadline fires.
 * @throws ProviderError: the deadline's `timeout`/`cancelled`, or `toProviderError` of the last failure.
 */
export async function withBoundedRetry<T>(args: {
  attempt: () => Promise<T>;
  policy: RetryPolicy;
  deadline: CallDeadline;
  who: { provider: string; model: string };
  toProviderError: (raw: unknown) => ProviderError;
  waitHintMs: (raw: unknown) => number | undefined;
}): Promise<T> {
  const { policy, deadline } = args;
  for (let retry = 0; ; retry++) {
    try {
      return await args.attempt();
    } catch (raw) {
      const err = deadline.abortError(raw) ?? (raw instanceof ProviderError ? raw : args.toProviderError(raw));
      if (!isRetryable(err) || retry >= policy.maxRetries) throw err;
      const delayMs = Math.min(args.waitHintMs(raw) ?? backoffMs(retry), policy.maxRetryAfterMs);
      policy.onRetry?.({ ...args.who, retry: retry + 1, delayMs, reason: err.reason, status: err.details.status });
      await sleep(delayMs, deadline.signal);
      deadline.throwIfAborted();
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
