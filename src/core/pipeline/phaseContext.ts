import type { BaselineRun } from './implementation/baselineRun';
import type { z } from 'zod';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import type { ApprovalPort } from '../ports/approvalPort';
import type { Ticket } from '../ticket/ticket';
import type { Objection } from './objection';
import type { PhaseId, Role } from './phaseId';
import type { EventSink } from './pipelineEvent';
import type { RetryRate } from './retryRate';
import type { AttemptRecord } from './runState';

/** The ticket's git worktree (see src/core/workspace). */
export interface WorktreeInfo {
  /** Canonical absolute path of the worktree. */
  path: string;
  /** `shipwright/<id>` or `shipwright/<id>-<short slug>` (see WorktreeManager.branchName) */
  branch: string;
  /** The commit the ticket started from (the user's HEAD when it was created). */
  baseCommit: string;
  /** Canonical absolute path of the user's repository (its working tree root). */
  repoRoot: string;
}

/** A request for one structured model session. */
export interface SessionRequest<T> {
  role: Role;
  /** The phase the call is billed to (for `validation`, the phase being validated). */
  phase: PhaseId;
  /** 1-based attempt within the phase; recorded in the ledger. */
  attempt: number;
  /** Index into the role's chain to start from (0 = first model); raised by escalation. */
  chainIndex: number;
  /** Why the session starts at chainIndex (recorded with the call), e.g. `escalated after 3 attempts on local-large`. */
  reason?: string;
  /** Name of a prompt file in prompts/ without `.md`. */
  prompt: string;
  /** Values for the prompt's `{{variables}}`; a missing one is an error. */
  vars: Record<string, string>;
  /** The deliverable's schema; sent as JSON schema, and the answer is parsed with it. */
  schema: z.ZodType<T>;
  /** The deliverable's name, used as the Anthropic tool name (letters, digits, `_`). */
  schemaName: string;
  /**
   * `none` when no later call can read this call's prompt cache (the last attempt on a model before escalation
   * or a hand-off): nothing is marked for caching. `{ gapMs, readers }`: up to `readers` later calls (retries on
   * this model) may read it, the first after about `gapMs` ms (measured between attempts, e.g. across a test run);
   * each coming with probability `retryProbability` (default 1; see RetryRate); the session picks the lifetime
   * that pays (cacheLifetime). `systemSharers`: other calls of the run, before or after this one, that share only
   * the system prompt and schema (the other phases' validators, the other code steps): they may pay for caching
   * the system block alone.
   * Default: the stable start is marked for 5 minutes.
   */
  cache?: 'none' | { gapMs: number; readers: number; retryProbability?: number; systemSharers?: number };
}

/** What a session returned: a parsed deliverable, or an objection when the answer did not fit the schema. */
export type SessionResult<T> =
  | { ok: true; value: T; modelKey: string; model: string; chainIndex: number; why: string }
  | { ok: false; objection: Objection; raw: string; modelKey: string; model: string; chainIndex: number; why: string };

/**
 * Runs model sessions: renders the prompt, picks the model (router; provider errors fall through the chain),
 * checks the budget before the call, records usage in the ledger after it, emits events, zod-parses the answer.
 * @throws BudgetExceededError when the call would pass the ticket's budget
 * @throws ChainExhaustedError when every model from chainIndex on failed with a provider error
 * @throws ProviderError('cancelled') when the run was cancelled
 */
export interface ModelSession {
  run<T>(req: SessionRequest<T>): Promise<SessionResult<T>>;
  /** Number of models in the chain of `role`. */
  chainLength(role: Role): number;
  /** The model a call at `chainIndex` would try first (before any fall-through), for `phaseStarted` events. */
  peek(role: Role, chainIndex: number): { modelKey: string; model: string };
}

/** Everything a phase receives. A phase takes only the deliverables it needs from `deliverables`. */
export interface PhaseContext {
  ticket: Ticket;
  config: ShipwrightConfig;
  /** Parsed deliverables of earlier phases of this ticket, by phase. */
  deliverables: Partial<Record<PhaseId, unknown>>;
  worktree: WorktreeInfo;
  session: ModelSession;
  approvals: ApprovalPort;
  emit: EventSink;
  signal: AbortSignal;
  /** How often first attempts in this repository needed a retry (learned; weighs prompt-cache writes). */
  retryRate: RetryRate;
  /**
   * The phase's attempts so far (non-empty when a run resumes mid-phase), and the way to persist a new one:
   * `recordAttempt` writes the run state atomically, so a killed run resumes with every earlier objection.
   */
  progress: {
    attempts: readonly AttemptRecord[];
    /** Attempts before this index predate a person's retry: their objections still count, not toward the cap. */
    countFrom: number;
    recordAttempt(a: AttemptRecord): Promise<void>;
  };
  /** Implementation: the test run made before the ticket's first model call (testPreflight), to reuse as the baseline. */
  baselineRun?: BaselineRun;
}
