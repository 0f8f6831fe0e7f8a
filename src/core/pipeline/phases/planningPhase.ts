import { Plan } from '../../deliverables/plan';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { deliverableMarkdown } from '../deliverableMarkdown';
import type { Objection } from '../objection';
import type { PhaseContext } from '../phaseContext';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/** Planning: the design (and the repository map) → tasks naming their files and tests, validated against the design. */
export async function planningPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const functionalSpec = deliverableMarkdown(ctx, 'discovery');
  const design = deliverableMarkdown(ctx, 'techSpec');
  const repoMap = await repoMapFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'planning',
    prompt: 'planning',
    schema: Plan,
    schemaName: 'Plan',
    vars: { ticket, functionalSpec, techSpec: design, repoMap },
    previous: { name: 'tech spec', markdown: design },
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
