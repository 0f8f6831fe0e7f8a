import type { FunctionalSpec } from './functionalSpec';
import { bulletList, joinSections, oneLine } from './markdownText';

/** Discovery's functional spec as markdown for people: summary, user stories, criteria by id, scope, questions. */
export function renderFunctionalSpec(spec: FunctionalSpec): string {
  return joinSections([
    '# Functional specification',
    `## Summary\n\n${spec.summary.trim()}`,
    `## User stories\n\n${bulletList(spec.userStories)}`,
    `## Acceptance criteria\n\n${bulletList(spec.acceptanceCriteria.map((c) => `**${oneLine(c.id)}**: ${c.text}`))}`,
    `## Out of scope\n\n${bulletList(spec.outOfScope)}`,
    `## Open questions\n\n${bulletList(spec.openQuestions)}`,
  ]);
}
