import { codeList, joinSections, oneLine } from './markdownText';
import type { Plan } from './plan';

/** The plan as markdown for people: one section per task, in order, with its files, tests and criteria. */
export function renderPlan(plan: Plan): string {
  const tasks = plan.tasks.map((t) =>
    [
      `## ${oneLine(t.id)}: ${oneLine(t.title)}`,
      t.description.trim(),
      [`- Files: ${codeList(t.files)}`, `- Tests: ${codeList(t.tests)}`, `- Criteria: ${t.criteria.length ? t.criteria.map(oneLine).join(', ') : 'none'}`].join('\n'),
    ].join('\n\n'),
  );
  return joinSections(['# Plan', ...tasks]);
}
