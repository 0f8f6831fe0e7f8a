import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { TechSpec } from '../../deliverables/techSpec';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';
import { criteriaBrief, designBrief, specBrief } from '../specBrief';
import { FunctionalSpec } from '../../deliverables/functionalSpec';

/** Tech spec: the functional spec (and the repository map) → a design, validated against the spec. */
export async function techSpecPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  // The functional spec without its summary, which restates the ticket given beside it (criteriaBrief with the
  // stories and open questions: what discovery's validator judged). ~300 tokens on the bench's feature ticket.
  const spec = criteriaBrief(FunctionalSpec.parse(ctx.deliverables.discovery), { stories: true, questions: true });
  const repoMap = await repoMapFor(ctx, 'techSpec');
  const { code } = await codeContextFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'techSpec',
    prompt: 'techSpec',
    schema: TechSpec,
    schemaName: 'TechSpec',
    vars: { ticket, functionalSpec: spec, repoMap, code },
    moreFiles: moreFilesFor(ctx),
    // The validator checks coverage of each criterion and scope: the criteria brief, not the user stories.
    previous: { name: 'functional spec', markdown: specBrief(ctx).criteria() },
    render: (v) => renderDeliverable('techSpec', v),
    // The validator judges the overview, components, files, test strategy, coverage and risks (see specBrief).
    judged: { sections: 'overview, components, test strategy, criteria covered, risks', text: (v) => designBrief(v, { overview: true, risks: true }) },
  });
}
