import { EpicSplit } from '../../deliverables/epicSplit';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { dependencyOrder } from '../dependencyOrder';
import { deliverableMarkdown } from '../deliverableMarkdown';
import type { PhaseContext } from '../phaseContext';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/** Epic split: the spec and design → child feature tickets with dependencies, validated against the design. */
export async function splitPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const spec = deliverableMarkdown(ctx, 'discovery');
  const design = deliverableMarkdown(ctx, 'techSpec');
  return runValidatedPhase(ctx, {
    phase: 'split',
    prompt: 'split',
    schema: EpicSplit,
    schemaName: 'EpicSplit',
    vars: { ticket: ticketAsMarkdown(ctx.ticket), functionalSpec: spec, techSpec: design },
    previous: { name: 'tech spec', markdown: design },
    render: (v) => renderDeliverable('split', v),
    // Unknown or circular dependencies would deadlock the scheduler: object before spending a validator call.
    check: (v) => {
      const r = dependencyOrder(v.children.map((c) => ({ id: c.key, dependsOn: c.dependsOn })));
      return r.ok ? [] : [{ source: 'schema', message: r.error }];
    },
  });
}
