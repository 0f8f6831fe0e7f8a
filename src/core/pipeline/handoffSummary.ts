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
  /**
   * `setup`: the project's test set-up must be fixed by a person (the test command cannot run, cannot be found, or
   * cannot tell its failures apart); there is no deliverable to edit and no model to choose, a plain resume goes on.
   */
  kind?: 'setup';
}
