/**
 * Where a ticket stands.
 * - queued: accepted, not started (epic children waiting for dependencies or a concurrency slot)
 * - running: a phase is in progress
 * - awaiting-approval: a checkpoint or the diff waits for a person
 * - needs-human: the validator loop gave up after escalation; see the handoff summary
 * - budget-exceeded: the next call would pass the ticket's budget; everything done so far is kept
 * - ready: review passed; the branch holds the change, waiting for approval/merge
 * - done: merged, or the branch kept for a pull request; an epic whose children are all done
 * - failed: an error no retry or model could get past (the reason is in the state)
 * - cancelled: a person stopped it
 */
export type TicketState =
  | 'queued'
  | 'running'
  | 'awaiting-approval'
  | 'needs-human'
  | 'budget-exceeded'
  | 'ready'
  | 'done'
  | 'failed'
  | 'cancelled';

/** States a run does not leave by itself (resume or a person's action may restart it). */
export const stoppedStates: readonly TicketState[] = ['needs-human', 'budget-exceeded', 'ready', 'done', 'failed', 'cancelled'];
