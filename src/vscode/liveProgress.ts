import type { PipelineEvent } from '../core/pipeline/pipelineEvent';

/** The attempt a ticket is working on, as the engine's last `phaseStarted` said. `startedAt` is ISO 8601. */
export interface LiveAttempt {
  phase: string;
  attempt: number;
  modelKey: string;
  model: string;
  why: string;
  startedAt: string;
  /** The model call streaming now, from the engine's last `progress` event (cleared when its usage is billed). */
  streamed?: { role: string; outputTokens: number; tokensPerSecond: number };
}

/**
 * What each ticket is doing right now, kept from the engine's events (the stored run only knows finished
 * attempts): set on `phaseStarted`, cleared when the phase finishes or the ticket leaves `running`.
 */
export class LiveProgress {
  private readonly now = new Map<string, LiveAttempt>();

  /** Takes one engine event. */
  take(e: PipelineEvent): void {
    if (e.type === 'phaseStarted') {
      this.now.set(e.ticketId, { phase: e.phase, attempt: e.attempt, modelKey: e.modelKey, model: e.model, why: e.why, startedAt: e.at });
    } else if (e.type === 'progress' || e.type === 'usage') {
      const live = this.now.get(e.ticketId);
      if (!live) return;
      if (e.type === 'usage') delete live.streamed;
      else if (e.phase === live.phase) live.streamed = { role: e.role, outputTokens: e.outputTokens, tokensPerSecond: e.tokensPerSecond };
    } else if (e.type === 'phaseFinished' || (e.type === 'stateChanged' && e.state !== 'running' && e.state !== 'queued')) {
      this.now.delete(e.ticketId);
    }
  }

  /** The attempt at work on a ticket, if any. */
  of(ticketId: string): LiveAttempt | undefined {
    return this.now.get(ticketId);
  }
}
