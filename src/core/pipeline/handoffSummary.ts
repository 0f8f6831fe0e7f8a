import type { Objection } from './objection';
import type { PhaseId } from './phaseId';

/** What a person needs to take over a ticket the validator loop gave up on. */
export interface HandoffSummary {
  ticketId: string;
  phase: PhaseId;
  /** Every attempt, in order: which model produced it and what was objected. */
  attempts: { attempt: number; modelKey: string; model: string; objections: Objection[] }[];
  /** The objections of the last attempt, still unresolved. */
  openObjections: Objection[];
  /** One paragraph for people: what was tried and why it stopped. */
  text: string;
}
