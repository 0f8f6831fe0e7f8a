import { Plan } from '../../deliverables/plan';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { deliverableMarkdown } from '../deliverableMarkdown';
import { planChecks, type PlanSources } from '../planChecks';
import { FunctionalSpec } from '../../deliverables/functionalSpec';
import type { PhaseContext } from '../phaseContext';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { runValidatedPhase } from '../validatedPhase';
import { specBrief } from '../specBrief';
import { TechSpec } from '../../deliverables/techSpec';

/**
 * Planning: the design (and the repository map) → tasks naming their files and tests, checked against the
 * functional spec's criteria, the design's files and the repository (planChecks); a validator model reads it too
 * only when `config.modelValidation.planning` is `always`.
 */
export async function planningPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  // No ticket: the functional spec's criteria (checked against it by discovery's validator) and the design say
  // what to plan, as the prompt says; the ticket's words were ~150 tokens read a third time.
  // The criteria, not the whole functional spec: the design already answers it, and tasks cite criteria ids.
  const brief = specBrief(ctx);
  const functionalSpec = brief.criteria();
  const design = deliverableMarkdown(ctx, 'techSpec');
  // What the plan is checked against. Half the map, ranked by the design's files too: the design chose where the
  // change goes.
  const planSources = sources(ctx);
  const repoMap = await repoMapFor(ctx, 'planning', { share: 0.5, keywords: planSources.designFiles.map((f) => f.path) });
  const { code } = await codeContextFor(ctx);
  return runValidatedPhase(ctx, {
    phase: 'planning',
    prompt: 'planning',
    schema: Plan,
    schemaName: 'Plan',
    vars: { functionalSpec, techSpec: design, repoMap, code },
    moreFiles: moreFilesFor(ctx),
    // The validator checks tasks against components, files and test strategy: the design brief.
    previous: { name: 'tech spec', markdown: brief.design() },
    render: (v) => renderDeliverable('planning', v),
    check: (plan) => planChecks(plan, planSources),
    // The checks compare the plan with the specs and the repository; a validator model is opt-in (config).
    modelJudges: () => ctx.config.modelValidation.planning === 'always',
  });
}

/** What the plan is checked against: the functional spec's criteria ids, the design's files, the worktree. */
function sources(ctx: PhaseContext): PlanSources {
  const criteriaIds = ctx.deliverables.discovery !== undefined ? FunctionalSpec.parse(ctx.deliverables.discovery).acceptanceCriteria.map((c) => c.id) : [];
  const designFiles = TechSpec.parse(ctx.deliverables.techSpec).components.flatMap((c) => c.files.map((path) => ({ path, component: c.name })));
  return { criteriaIds, designFiles, worktreePath: ctx.worktree.path };
}
