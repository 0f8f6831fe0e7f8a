import type { PhaseContext } from './phaseContext';
import type { PhaseId } from './phaseId';
import { renderDeliverable } from '../deliverables/renderMarkdown';

/**
 * The markdown of an earlier phase's accepted deliverable, for a later phase's prompt.
 * @throws Error when the route did not produce it yet (a phase asked for context it cannot have)
 */
export function deliverableMarkdown(ctx: PhaseContext, phase: PhaseId): string {
  const value = ctx.deliverables[phase];
  if (value === undefined) throw new Error(`${phase} has no accepted deliverable for ticket ${ctx.ticket.id}`);
  return renderDeliverable(phase, value);
}
