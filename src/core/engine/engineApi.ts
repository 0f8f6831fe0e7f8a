import type { PhaseId, Role } from '../pipeline/phaseId';
import type { EventSink } from '../pipeline/pipelineEvent';
import type { RunState } from '../pipeline/runState';
import type { Ticket } from '../ticket/ticket';
import type { FileDecision } from '../ports/approvalPort';
import type { RuledOut } from '../models/modelRouter';

/** Options of {@link EngineApi.run}. */
export interface RunOptions {
  /**
   * Models found unusable before the run (`ModelResolution.ruledOut` of `resolvePhaseModels`): the router leaves
   * them out of every chain, so nothing is sent to them and no failure is logged. An epic's children inherit it.
   */
  ruledOut?: RuledOut;
}

/** Options of {@link EngineApi.resume}. */
export interface ResumeOptions extends RunOptions {
  /** Forces the model of the retried phase (config key); tried even when ruled out. */
  modelKey?: string;
  /** Replaces the ticket's budget first, USD > 0 (a person raising it after `budget-exceeded`). */
  budgetUsd?: number;
}

/**
 * Per-phase forecast of a dry run: the model the router would pick and the expected tokens and USD when every
 * deliverable is accepted first time (`inputTokens`, `outputTokens` in tokens, `usd` in USD), and the same with one
 * retry per call (`high`).
 */
export interface PhaseForecast {
  phase: PhaseId | 'validation';
  modelKey: string;
  model: string;
  why: string;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  /** Model calls in the low case (implementation: the tests step and one per expected task). */
  calls: number;
  high: { inputTokens: number; outputTokens: number; usd: number };
}

/**
 * What the adapters (CLI, VS Code) use of the engine. Built once in the composition root
 * (`activate()`, the CLI's `main`) and shared.
 */
export interface EngineApi {
  /** Subscribe to every event of every ticket. Returns the unsubscribe function. */
  onEvent(sink: EventSink): () => void;
  /** Run a ticket to a stopping state (ready, needs-human, budget-exceeded, failed, cancelled…). */
  run(ticket: Ticket, opts?: RunOptions): Promise<RunState>;
  /**
   * Continue a stopped or crashed run from its last written step. `modelKey` forces the model for the retried
   * phase; `budgetUsd` (USD, > 0) replaces the ticket's budget first (a person raising it after `budget-exceeded`).
   */
  resume(ticketId: string, opts?: ResumeOptions): Promise<RunState>;
  /** Delete a stopped ticket: worktree, branch, stored run and log. @throws Error when it is running */
  deleteRun(ticketId: string): Promise<void>;
  /**
   * A person's way past `needs-human`: accept `deliverable` (the stuck phase's deliverable, edited by hand; checked
   * against its schema) as that phase's result, then continue the run. @throws Error when it does not fit the schema
   */
  continueWith(ticketId: string, deliverable: unknown): Promise<RunState>;
  /** Cancel a running ticket (or stop a waiting one); its state becomes `cancelled` and nothing written is lost. */
  cancel(ticketId: string): void;
  /** Every run of this workspace, newest first. */
  list(): Promise<RunState[]>;
  get(ticketId: string): Promise<RunState | undefined>;
  /**
   * The route, models and token/USD forecast, with no model call. `picked`: per role, the config key of the model
   * that will really run (from `resolvePhaseModels`); default the first model of each chain.
   */
  forecast(ticket: Ticket, picked?: Partial<Record<Role, string>>): Promise<PhaseForecast[]>;
  /** Apply a person's per-file decisions to a `ready` ticket: merge the approved files into the user's branch. */
  finish(ticketId: string, decisions: FileDecision[], mode: 'merge' | 'keep-branch'): Promise<RunState>;
}
