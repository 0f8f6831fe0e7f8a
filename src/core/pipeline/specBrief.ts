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
 * The validators of discovery and techSpec judge briefs of the new deliverable (criteriaBrief with the stories and
 * open questions, designBrief with the overview and risks), not its whole rendering: the summary and the data flow
 * restate or detail what the briefs hold (on the bench's feature ticket they were 1,627 and 2,471 tokens in full).
 * Each returns '' for a deliverable the route did not produce.
 */
export interface SpecBrief {
  criteria(): string;
  design(): string;
  /** criteria + design: what the tests step and review read. */
  both(): string;
}

/**
 * The criteria brief of a functional spec: acceptance criteria (id + text) and out of scope; with `stories` and
 * `questions`, the user stories first and the open questions last (what discovery's validator judges: only the
 * summary, which restates them, is left out).
 */
export function criteriaBrief(spec: FunctionalSpec, opts: { questions?: boolean; stories?: boolean } = {}): string {
  return [
    ...(opts.stories && spec.userStories.length > 0 ? [`## User stories`, ...spec.userStories.map((u) => `- ${u}`)] : []),
    `## Acceptance criteria`,
    ...spec.acceptanceCriteria.map((c) => `- ${c.id}: ${c.text}`),
    ...(spec.outOfScope.length > 0 ? [`### Out of scope`, ...spec.outOfScope.map((o) => `- ${o}`)] : []),
    ...(opts.questions && spec.openQuestions.length > 0 ? [`### Open questions`, ...spec.openQuestions.map((q) => `- ${q}`)] : []),
  ].join('\n');
}

/**
 * The design brief of a tech spec: each component with its files, the test strategy and the criteria it covers;
 * with `overview` the overview first, with `risks` the risks last (what techSpec's validator judges, since a risk
 * can carry scope; only the data flow, which details the components, is left out).
 */
export function designBrief(design: TechSpec, opts: { overview?: boolean; risks?: boolean } = {}): string {
  return [
    ...(opts.overview ? [`## Overview`, design.overview] : []),
    `## Design: components`,
    ...design.components.map((c) => `- ${c.name}: ${c.responsibility}${c.files.length > 0 ? ` (${c.files.join(', ')})` : ''}`),
    `## Test strategy`,
    design.testStrategy,
    ...(design.coversCriteria.length > 0 ? [`Covers: ${design.coversCriteria.join(', ')}`] : []),
    ...(opts.risks && design.risks.length > 0 ? [`## Risks`, ...design.risks.map((r) => `- ${r}`)] : []),
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
