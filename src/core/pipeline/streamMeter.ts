import { countO200kTokens } from '../models/estimateTokens';

/** How often a call's progress may be reported, ms: two updates a second keep a panel live and cheap. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 500;

/** One throttled reading of a streaming call. */
export interface StreamReading {
  /** Output tokens streamed so far (thinking and tool JSON included), o200k count of the streamed text, tokens. */
  outputTokens: number;
  /** Output tokens per second since the first streamed text, tokens/s (0 before a second reading). */
  tokensPerSecond: number;
  /** Time since the call was sent, ms. */
  elapsedMs: number;
}

/**
 * Counts what a streaming call has produced and reports it at most once per `intervalMs`. Providers report usage
 * only when a stream ends (Ollama's last line, Anthropic's `message_delta`, OpenAI's usage chunk), so the count
 * while it streams is the o200k token count of the text received (the billed figure arrives with `usage`).
 * Text is tokenised only when a reading is due, so a provider streaming one token per chunk costs one string
 * append per chunk. The first reading comes `intervalMs` after the first text; a call shorter than that reports
 * nothing (its `usage` event follows at once).
 */
export class StreamMeter {
  private tokens = 0;
  private pending = '';
  private firstAt: number | undefined;
  private lastAt = 0;

  /**
   * @param report receives each due reading
   * @param intervalMs least time between readings, ms
   * @param now clock, ms (tests may pass their own)
   */
  constructor(
    private readonly report: (r: StreamReading) => void,
    private readonly intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
    private readonly startedAt = now(),
  ) {}

  /** Takes one streamed piece of output text; reports when a reading is due. */
  take(text: string): void {
    if (text === '') return;
    const at = this.now();
    if (this.firstAt === undefined) this.firstAt = this.lastAt = at;
    this.pending += text;
    if (at - this.lastAt < this.intervalMs) return;
    this.tokens += countO200kTokens(this.pending);
    this.pending = '';
    this.lastAt = at;
    const seconds = (at - this.firstAt) / 1000;
    this.report({ outputTokens: this.tokens, tokensPerSecond: seconds > 0 ? Math.round((this.tokens / seconds) * 10) / 10 : 0, elapsedMs: at - this.startedAt });
  }
}
