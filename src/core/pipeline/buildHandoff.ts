import type { HandoffSummary } from './handoffSummary';
import { objectionText } from './objection';
import type { PhaseId } from './phaseId';
import type { AttemptRecord } from './runState';

/**
 * The summary a person gets when a phase gave up: every attempt, its model and objections, and what is still open.
 * `stoppedBecause`: when the phase stopped because no further model could be used (no key, unreachable, billing),
 * that reason, in words; it leads the text.
 */
export function buildHandoff(ticketId: string, phase: PhaseId, attempts: readonly AttemptRecord[], stoppedBecause?: string): HandoffSummary {
  const last = attempts[attempts.length - 1];
  const models = [...new Set(attempts.map((a) => a.modelKey))];
  const open = last?.objections ?? [];
  // Implementation's log also holds the steps that were accepted (the tests, earlier tasks): only some were objected to.
  const objected = attempts.filter((a) => !a.accepted).length;
  const tried = `${phase} was tried ${attempts.length} time(s) on ${models.join(' then ')}`;
  return {
    ticketId,
    phase,
    attempts: attempts.map((a) => ({ attempt: a.attempt, modelKey: a.modelKey, model: a.model, objections: a.objections })),
    openObjections: open,
    text:
      (stoppedBecause
        ? `${phase} stopped: ${stoppedBecause}. ` + (attempts.length ? `Before that it was tried ${attempts.length} time(s) on ${models.join(' then ')}. ` : '')
        : objected === attempts.length ? `${tried} and each deliverable was objected to. ` : `${tried}; ${objected} of those answers were objected to. `) +
      `Still open: ${open.map(objectionText).join(' | ') || 'nothing recorded'}. ` +
      `Retry with another model, edit the deliverable and continue, or stop the ticket.`,
  };
}
