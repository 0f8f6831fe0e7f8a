import { Plan } from '../../deliverables/plan';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { deliverableMarkdown } from '../deliverableMarkdown';
import type { Objection } from '../objection';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';
import { specBrief } from '../specBrief';
import { TechSpec } from '../../deliverables/techSpec';

/** The files the accepted design names, as extra words for ranking the map. */
function designFiles(ctx: PhaseContext): string[] {
  return TechSpec.parse(ctx.deliverables.techSpec).components.flatMap((c) => c.files);
}

/** Planning: the design (and the repository map) → tasks naming their files and tests, validated against the design. */
export async function planningPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  // The criteria, not the whole functional spec: the design already answers it, and tasks cite criteria ids.
  const brief = specBrief(ctx);
  const functionalSpec = brief.criteria();
  const design = deliverableMarkdown(ctx, 'techSpec');
  // Half the map, ranked by the design's files too: the design has chosen where the change goes.
  const repoMap = await repoMapFor(ctx, 'planning', { share: 0.5, keywords: designFiles(ctx) });
  const { code } = await codeContextFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'planning',
    prompt: 'planning',
    schema: Plan,
    schemaName: 'Plan',
    vars: { ticket, functionalSpec, techSpec: design, repoMap, code },
    moreFiles: moreFilesFor(ctx),
    // The validator checks tasks against components, files and test strategy: the design brief.
    previous: { name: 'tech spec', markdown: brief.design() },
    render: (v) => renderDeliverable('planning', v),
    check: (plan) => duplicateTaskIds(plan.tasks.map((t) => t.id)),
  });
}

/** Task ids must be unique: implementation and review refer to tasks by id. */
function duplicateTaskIds(ids: string[]): Objection[] {
  const seen = new Set<string>();
  const dup = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  return dup.length ? [{ source: 'schema', message: `task ids must be unique; repeated: ${[...new Set(dup)].join(', ')}` }] : [];
}
