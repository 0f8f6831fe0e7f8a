import { ProviderError } from './providerError';

/**
 * The abort signal of one whole model call (every retry and wait included): it fires when `timeoutMs` passes or
 * when the caller's own signal aborts, and remembers which of the two happened, so whatever error the client
 * library throws on abort (an `AbortError`, `APIUserAbortError`, or a silently ended stream) becomes a
 * `timeout` or `cancelled` ProviderError. Call `dispose()` when the call is over.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private why: 'timeout' | 'cancelled' | undefined;
  private readonly onOuterAbort = () => this.stop('cancelled');

  constructor(
    private readonly timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
    private readonly who: { provider: string; model: string },
  ) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (outer?.aborted) this.stop('cancelled');
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Aborts when the call times out or is cancelled. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * The ProviderError for an aborted call (`timeout` or `cancelled`, with `cause`), or undefined while the call
   * is still live (then the caller maps `cause` itself).
   */
  abortError(cause?: unknown): ProviderError | undefined {
    if (this.why === 'timeout') return new ProviderError('timeout', `no complete answer within ${this.timeoutMs} ms`, { ...this.who, cause });
    if (this.why === 'cancelled') return new ProviderError('cancelled', 'the call was cancelled', { ...this.who, cause });
    return undefined;
  }

  /** Throws {@link abortError} when the call was aborted. @throws ProviderError */
  throwIfAborted(): void {
    const e = this.abortError();
    if (e) throw e;
  }

  /** Clears the timer and the listener on the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private stop(why: 'timeout' | 'cancelled'): void {
    if (this.why) return;
    this.why = why;
    this.controller.abort(new Error(why));
  }
}
