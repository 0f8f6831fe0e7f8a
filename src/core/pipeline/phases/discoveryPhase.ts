import { FunctionalSpec } from '../../deliverables/functionalSpec';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/** Discovery: the ticket (and a budgeted repository map) → a functional spec, validated against the ticket. */
export async function discoveryPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const repoMap = await repoMapFor(ctx, 'discovery');
  const { code } = await codeContextFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'discovery',
    prompt: 'discovery',
    schema: FunctionalSpec,
    schemaName: 'FunctionalSpec',
    vars: { ticket, repoMap, code },
    moreFiles: moreFilesFor(ctx),
    previous: { name: 'ticket', markdown: ticket },
    render: (v) => renderDeliverable('discovery', v),
  });
}
