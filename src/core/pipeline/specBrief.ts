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
 * The validators of discovery and techSpec judge the same briefs of the new deliverable (criteriaBrief with the
 * open questions, designBrief with the overview), not its whole rendering: on the bench's feature ticket that was
 * 1,627 and 2,471 tokens, the stories, summary, data flow and risks elaborating what the briefs state.
 * Each returns '' for a deliverable the route did not produce.
 */
export interface SpecBrief {
  criteria(): string;
  design(): string;
  /** criteria + design: what the tests step and review read. */
  both(): string;
}

/**
 * The criteria brief of a functional spec: acceptance criteria (id + text) and out of scope; with `questions`, its
 * open questions too (what discovery's validator judges: the summary and user stories restate the criteria).
 */
export function criteriaBrief(spec: FunctionalSpec, opts: { questions?: boolean } = {}): string {
  return [
    `## Acceptance criteria`,
    ...spec.acceptanceCriteria.map((c) => `- ${c.id}: ${c.text}`),
    ...(spec.outOfScope.length > 0 ? [`### Out of scope`, ...spec.outOfScope.map((o) => `- ${o}`)] : []),
    ...(opts.questions && spec.openQuestions.length > 0 ? [`### Open questions`, ...spec.openQuestions.map((q) => `- ${q}`)] : []),
  ].join('\n');
}

/**
 * The design brief of a tech spec: each component with its files, the test strategy and the criteria it covers;
 * with `overview`, the overview first (what techSpec's validator judges: data flow and risks elaborate it).
 */
export function designBrief(design: TechSpec, opts: { overview?: boolean } = {}): string {
  return [
    ...(opts.overview ? [`## Overview`, design.overview] : []),
    `## Design: components`,
    ...design.components.map((c) => `- ${c.name}: ${c.responsibility}${c.files.length > 0 ? ` (${c.files.join(', ')})` : ''}`),
    `## Test strategy`,
    design.testStrategy,
    ...(design.coversCriteria.length > 0 ? [`Covers: ${design.coversCriteria.join(', ')}`] : []),
  ].join('\n');
}

/** The briefs of the ticket's accepted discovery and techSpec deliverables (the ticket when there is no spec). */
export function specBrief(ctx: Pick<PhaseContext, 'deliverables' | 'ticket'>): SpecBrief {
  const spec = ctx.deliverables.discovery !== undefined ? FunctionalSpec.parse(ctx.deliverables.discovery) : undefined;
  const design = ctx.deliverables.techSpec !== undefined ? TechSpec.parse(ctx.deliverables.techSpec) : undefined;
  const criteria = (): string => (spec ? criteriaBrief(spec) : ticketAsMarkdown(ctx.ticket));
  const designText = (): string => (design ? designBrief(design) : '');
  return { criteria, design: designText, both: () => [criteria(), designText()].filter((t) => t !== '').join('\n\n') };
}
