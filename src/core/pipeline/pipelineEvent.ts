import type { LedgerRecord } from '../models/ledgerRecord';
import type { TicketKind } from '../ticket/ticket';
import type { HandoffSummary } from './handoffSummary';
import type { Objection } from './objection';
import type { PhaseId, Role } from './phaseId';
import type { TicketState } from './ticketState';

/**
 * The one typed event stream out of the engine. The CLI, the VS Code panel, the status bar and the run log all
 * read it. `at` is an ISO 8601 time. Every event names its ticket.
 */
export type PipelineEvent =
  | { type: 'ticketStarted'; at: string; ticketId: string; title: string; kind: TicketKind; route: PhaseId[]; parentId?: string }
  | { type: 'stateChanged'; at: string; ticketId: string; state: TicketState; reason: string }
  | {
      type: 'phaseStarted';
      at: string;
      ticketId: string;
      phase: PhaseId;
      attempt: number;
      modelKey: string;
      model: string;
      /** Why the router picked this model. */
      why: string;
    }
  /**
   * A model call is streaming: its output so far, at most every `DEFAULT_PROGRESS_INTERVAL_MS` (500 ms) per call
   * (see StreamMeter). Transient: not written to the run log; the billed figures come with the call's `usage`.
   */
  | {
      type: 'progress';
      at: string;
      ticketId: string;
      /** The phase the call works for (for `validation`, the phase being validated). */
      phase: PhaseId;
      role: Role;
      attempt: number;
      modelKey: string;
      /** Output tokens streamed so far in this call (o200k count of the text received; thinking included), tokens. */
      outputTokens: number;
      /** Output tokens per second since the first streamed text, tokens/s. */
      tokensPerSecond: number;
      /** Time since the call was sent, ms. */
      elapsedMs: number;
    }
  | { type: 'usage'; at: string; ticketId: string; record: LedgerRecord; ticketUsd: number; budgetUsd: number }
  | {
      type: 'validatorVerdict';
      at: string;
      ticketId: string;
      phase: PhaseId;
      attempt: number;
      pass: boolean;
      objections: Objection[];
      /**
       * `checks`: neither a validator model nor a person read this attempt — its mechanical checks decided (they
       * objected, or config.modelValidation leaves the phase to them). Absent when a model or a person decided, and
       * when the answer did not parse (its schema objected, before any check).
       */
      judge?: 'checks';
    }
  | {
      type: 'phaseFinished';
      at: string;
      ticketId: string;
      phase: PhaseId;
      attempts: number;
      /** The deliverable rendered as markdown for people. */
      markdown: string;
      /** Where that markdown was written (in the worktree), when it was. */
      path?: string;
    }
  | { type: 'handoff'; at: string; ticketId: string; summary: HandoffSummary }
  | { type: 'childTickets'; at: string; ticketId: string; children: { id: string; title: string; dependsOn: string[] }[] }
  | { type: 'testRun'; at: string; ticketId: string; phase: PhaseId; expect: 'red' | 'green'; passed: boolean; exitCode: number | null; timedOut: boolean; summary: string }
  | { type: 'filesChanged'; at: string; ticketId: string; files: { path: string; added: number; removed: number; status: 'added' | 'modified' | 'deleted' }[] }
  | { type: 'log'; at: string; ticketId: string; level: 'info' | 'warn' | 'error'; message: string; role?: Role }
  /** The ticket's spend (USD) passed `multiple` × the median of the user's `tickets` recent tickets of its kind. */
  | { type: 'costWarning'; at: string; ticketId: string; kind: TicketKind; usd: number; medianUsd: number; multiple: number; tickets: number };

/** A function that receives the engine's events. */
export type EventSink = (event: PipelineEvent) => void;

/** Adds the timestamp. */
export function stamp<E extends Omit<PipelineEvent, 'at'>>(e: E): E & { at: string } {
  return { ...e, at: new Date().toISOString() };
}
