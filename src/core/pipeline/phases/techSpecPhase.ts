import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { TechSpec } from '../../deliverables/techSpec';
import { deliverableMarkdown } from '../deliverableMarkdown';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';
import { designBrief, specBrief } from '../specBrief';

/** Tech spec: the functional spec (and the repository map) → a design, validated against the spec. */
export async function techSpecPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const spec = deliverableMarkdown(ctx, 'discovery');
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
