import { FunctionalSpec } from '../../deliverables/functionalSpec';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { criteriaBrief } from '../specBrief';
import { runValidatedPhase } from '../validatedPhase';

/** Discovery: the ticket (with half the repository map and the relevant code) → a functional spec, validated against the ticket. */
export async function discoveryPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  // Half the map: discovery says what the change must do, not where it goes; the files the ticket is about come
  // first in the map and their code is in `code`. techSpec, which places the change, reads the whole map.
  const repoMap = await repoMapFor(ctx, 'discovery', { share: 0.5 });
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
    // The validator judges stories, criteria, scope and open questions against the ticket (see specBrief).
    judged: { sections: 'user stories, acceptance criteria, out of scope, open questions', text: (v) => criteriaBrief(v, { stories: true, questions: true }) },
  });
}
