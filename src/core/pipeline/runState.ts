import { z } from 'zod';
import { Ticket } from '../ticket/ticket';
import { PhaseId, Role } from './phaseId';

const ObjectionSchema = z.object({
  source: z.enum(['validator', 'schema', 'tests', 'edit', 'review', 'human']),
  message: z.string(),
  where: z.string().optional(),
});

/** One attempt of a phase: the model that produced it and what was objected (empty when accepted). */
export const AttemptRecord = z.object({
  attempt: z.number().int().positive(),
  modelKey: z.string(),
  model: z.string(),
  why: z.string(),
  objections: z.array(ObjectionSchema),
  accepted: z.boolean(),
  /** Position in the role's chain of the model that answered (after any fall-through). */
  chainIndex: z.number().int().nonnegative().default(0),
  /** True for attempts made after the attempt cap moved the phase to the next model. */
  escalated: z.boolean().default(false),
  /** The deliverable of an objected attempt that parsed: where a person's edit starts from. */
  draft: z.unknown().optional(),
});
export type AttemptRecord = z.infer<typeof AttemptRecord>;

/** A phase's progress. `deliverable` is the accepted, parsed deliverable; `markdown` its rendering. */
export const PhaseRecord = z.object({
  phase: PhaseId,
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  attempts: z.array(AttemptRecord),
  deliverable: z.unknown().optional(),
  markdown: z.string().optional(),
  path: z.string().optional(),
  /** Attempts before this index were made before a person's retry: they still count as objections, not toward the cap. */
  countFrom: z.number().int().nonnegative().default(0),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type PhaseRecord = z.infer<typeof PhaseRecord>;

/** One billed model call (see LedgerRecord), persisted with the run. */
export const LedgerRecordSchema = z.object({
  ticketId: z.string(),
  phase: Role,
  attempt: z.number().int().positive(),
  provider: z.enum(['ollama', 'anthropic', 'openai']),
  /** Ran on this machine (see LedgerRecord.local); absent in older runs. */
  local: z.boolean().optional(),
  modelKey: z.string(),
  model: z.string(),
  why: z.string(),
  usage: z.object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cacheWriteTokens: z.number().int().nonnegative(),
    cacheReadTokens: z.number().int().nonnegative(),
    /** Thinking inside outputTokens, when the provider reported it (see Usage). */
    thinkingTokens: z.number().int().nonnegative().optional(),
    /** 1-hour cache writes inside cacheWriteTokens (see Usage). */
    cacheWrite1hTokens: z.number().int().nonnegative().optional(),
  }),
  usd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  at: z.string(),
  /** Estimated o200k tokens per part of the input (see InputParts); absent in older runs. */
  inputParts: z
    .object({ fixed: z.number(), ticket: z.number(), deliverables: z.number(), code: z.number(), map: z.number(), objections: z.number() })
    .optional(),
});

/**
 * A ticket's whole run, kept by RunStore under `<git common dir>/shipwright/runs/<id>/`: `state.json` (all but the
 * ledger, written atomically after every step) and `ledger.jsonl` (appended per billed call), so
 * `shipwright resume <id>` continues it.
 */
export const RunState = z.object({
  version: z.literal(1),
  ticket: Ticket,
  state: z.enum(['queued', 'running', 'awaiting-approval', 'needs-human', 'budget-exceeded', 'ready', 'done', 'failed', 'cancelled']),
  /** Why the state is what it is (for people). */
  reason: z.string(),
  route: z.array(PhaseId),
  phases: z.array(PhaseRecord),
  ledger: z.array(LedgerRecordSchema),
  budgetUsd: z.number().positive(),
  worktree: z
    .object({ path: z.string(), branch: z.string(), baseCommit: z.string(), repoRoot: z.string() })
    .optional(),
  /** Child ticket ids of an epic. */
  children: z.array(z.string()).default([]),
  handoff: z
    .object({
      ticketId: z.string(),
      phase: PhaseId,
      attempts: z.array(z.object({ attempt: z.number(), modelKey: z.string(), model: z.string(), objections: z.array(ObjectionSchema) })),
      openObjections: z.array(ObjectionSchema),
      text: z.string(),
      kind: z.literal('setup').optional(),
    })
    .optional(),
  /** A person's "retry with this model": the phase's chain starts with `modelKey` until the phase is done. */
  forcedModel: z.object({ phase: PhaseId, modelKey: z.string() }).optional(),
  /** A person's edited deliverable for a stuck phase, taken as that phase's result when the run continues. */
  acceptedByHuman: z.object({ phase: PhaseId, deliverable: z.unknown(), markdown: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RunState = z.infer<typeof RunState>;
