import { FunctionalSpec } from '../deliverables/functionalSpec';
import { TechSpec } from '../deliverables/techSpec';
import { ticketAsMarkdown } from './ticketAsMarkdown';
import type { PhaseContext } from './phaseContext';

/**
 * Context as a budget: the parts of the functional spec and the design a later session needs, instead of both
 * rendered in full. Measured (perf-2026-11.md §1.2): re-sent deliverables were 54 % of a feature ticket's input;
 * the tests step and review got both specs (≈ 3.2k tokens each) where the criteria and the components (≈ 0.3k)
 * say what to test and what to check. What each brief keeps, and why:
 * - `criteria`: acceptance criteria (id + text) and out of scope — what the change must do and must not.
 *   Planning maps tasks to criteria ids; the techSpec validator checks the design covers each criterion and adds
 *   nothing out of scope. The summary, user stories and open questions were turned into criteria by discovery.
 * - `design`: each component with its files, the test strategy and the criteria it covers — where the change goes
 *   and how it is tested. Overview, data flow and risks are prose for the planner, who reads the whole design.
 * Each returns '' for a deliverable the route did not produce.
 */
export interface SpecBrief {
  criteria(): string;
  design(): string;
  /** criteria + design: what the tests step and review read. */
  both(): string;
}

/** The briefs of the ticket's accepted discovery and techSpec deliverables (the ticket when there is no spec). */
export function specBrief(ctx: Pick<PhaseContext, 'deliverables' | 'ticket'>): SpecBrief {
  const spec = ctx.deliverables.discovery !== undefined ? FunctionalSpec.parse(ctx.deliverables.discovery) : undefined;
  const design = ctx.deliverables.techSpec !== undefined ? TechSpec.parse(ctx.deliverables.techSpec) : undefined;
  const criteria = (): string => {
    if (!spec) return ticketAsMarkdown(ctx.ticket);
    return [
      `## Acceptance criteria`,
      ...spec.acceptanceCriteria.map((c) => `- ${c.id}: ${c.text}`),
      ...(spec.outOfScope.length > 0 ? [`### Out of scope`, ...spec.outOfScope.map((o) => `- ${o}`)] : []),
    ].join('\n');
  };
  const designBrief = (): string => {
    if (!design) return '';
    return [
      `## Design: components`,
      ...design.components.map((c) => `- ${c.name}: ${c.responsibility}${c.files.length > 0 ? ` (${c.files.join(', ')})` : ''}`),
      `## Test strategy`,
      design.testStrategy,
      ...(design.coversCriteria.length > 0 ? [`Covers: ${design.coversCriteria.join(', ')}`] : []),
    ].join('\n');
  };
  return { criteria, design: designBrief, both: () => [criteria(), designBrief()].filter((t) => t !== '').join('\n\n') };
}
