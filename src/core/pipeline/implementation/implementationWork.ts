import { Diagnosis } from '../../deliverables/diagnosis';
import { FunctionalSpec } from '../../deliverables/functionalSpec';
import { Plan, type PlanTask } from '../../deliverables/plan';
import { TechSpec } from '../../deliverables/techSpec';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import type { PhaseContext } from '../phaseContext';
import { specBrief } from '../specBrief';
import { criterionKey } from '../criterionKey';
import { ticketAsMarkdown } from '../ticketAsMarkdown';

/** What implementation works through: the tasks, the spec texts each kind of session gets, the test files. */
export interface ImplementationWork {
  tasks: PlanTask[];
  /** Every test file the plan (or the diagnosis) names. */
  testPaths: Set<string>;
  /**
   * For review: the criteria and design briefs (feature, see specBrief: ≈ 10 % of both specs rendered in full),
   * or the diagnosis (hotfix).
   */
  brief: string;
  /**
   * For the tests step: every acceptance criterion and the design's test strategy (feature) — what to test and
   * how — or the diagnosis (hotfix). Not the out-of-scope list or the components, which restate the tasks' files:
   * like a code step, the tests step reads the criteria it covers.
   */
  testsBrief: string;
  /** For the tests step: what to test, as one task text covering every task of the plan. */
  testsTask: string;
  /** For a code or fix session: only the acceptance criteria (all of them, or those of the given ids). */
  criteria: (ids?: readonly string[]) => string;
}

/**
 * Reads the plan (feature) or the diagnosis (hotfix) from earlier deliverables. A hotfix becomes one task:
 * the fix of the diagnosed root cause, with the reproducing test as its test.
 * @throws Error when neither a plan nor a diagnosis was accepted earlier (the route is wrong)
 */
export function implementationWork(ctx: PhaseContext): ImplementationWork {
  const spec = ctx.deliverables.discovery !== undefined ? FunctionalSpec.parse(ctx.deliverables.discovery) : undefined;
  const criteria = (ids?: readonly string[]): string => {
    const all = spec?.acceptanceCriteria.map((c) => ({ id: c.id, text: c.text })) ?? ctx.ticket.acceptanceCriteria.map((text, i) => ({ id: `AC-${i + 1}`, text }));
    // Matched as planChecks matched them (criterionKey): a plan citing `ac2` passed the checks, so AC-2 is shown.
    const wanted = new Set((ids ?? []).map(criterionKey));
    const chosen = ids !== undefined && ids.length > 0 ? all.filter((c) => wanted.has(criterionKey(c.id))) : all;
    return (chosen.length > 0 ? chosen : all).map((c) => `- ${c.id}: ${c.text}`).join('\n') || ticketAsMarkdown(ctx.ticket);
  };

  if (ctx.deliverables.planning !== undefined) {
    const plan = Plan.parse(ctx.deliverables.planning);
    return {
      tasks: plan.tasks,
      testPaths: new Set(plan.tasks.flatMap((t) => t.tests)),
      brief: specBrief(ctx).both(),
      testsBrief: [
        `## Acceptance criteria\n${criteria()}`,
        ...(ctx.deliverables.techSpec !== undefined ? [`## Test strategy\n${TechSpec.parse(ctx.deliverables.techSpec).testStrategy}`] : []),
      ].join('\n\n'),
      testsTask: ['Write the tests of every task of the plan below (tests only; no code yet).', ...plan.tasks.map(taskText)].join('\n\n'),
      criteria,
    };
  }
  if (ctx.deliverables.diagnosis !== undefined) {
    const d = Diagnosis.parse(ctx.deliverables.diagnosis);
    const task: PlanTask = {
      id: 'FIX',
      title: `Fix: ${d.symptom}`.slice(0, 200),
      description: `Root cause: ${d.rootCause}\n\nFix: ${d.fix}`,
      files: d.suspectFiles,
      tests: [d.reproTest.path],
      criteria: [],
    };
    return {
      tasks: [task],
      testPaths: new Set([d.reproTest.path]),
      brief: renderDeliverable('diagnosis', d),
      testsBrief: renderDeliverable('diagnosis', d),
      testsTask: `Write the test that reproduces the bug, in \`${d.reproTest.path}\`: ${d.reproTest.description}\nIt must fail now, because of the bug, and pass once it is fixed.`,
      criteria: () => `${ticketAsMarkdown(ctx.ticket)}\n\nRoot cause: ${d.rootCause}`,
    };
  }
  throw new Error(`implementation of ${ctx.ticket.id} needs an accepted plan or diagnosis`);
}

/** One task as prompt text. */
export function taskText(t: PlanTask): string {
  return [
    `## ${t.id}: ${t.title}`,
    t.description,
    `Files: ${t.files.join(', ')}`,
    t.tests.length > 0 ? `Tests: ${t.tests.join(', ')}` : 'Tests: none named',
    t.criteria.length > 0 ? `Satisfies: ${t.criteria.join(', ')}` : '',
  ].filter((l) => l !== '').join('\n');
}
