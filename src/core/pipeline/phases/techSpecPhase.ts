import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { TechSpec } from '../../deliverables/techSpec';
import { deliverableMarkdown } from '../deliverableMarkdown';
import type { PhaseContext } from '../phaseContext';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/** Tech spec: the functional spec (and the repository map) → a design, validated against the spec. */
export async function techSpecPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const spec = deliverableMarkdown(ctx, 'discovery');
  const repoMap = await repoMapFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'techSpec',
    prompt: 'techSpec',
    schema: TechSpec,
    schemaName: 'TechSpec',
    vars: { ticket, functionalSpec: spec, repoMap },
    previous: { name: 'functional spec', markdown: spec },
    render: (v) => renderDeliverable('techSpec', v),
  });
}
