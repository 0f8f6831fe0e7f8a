import type { Diagnosis } from './diagnosis';
import { bulletList, inlineCode, joinSections } from './markdownText';

/** A hotfix diagnosis as markdown for people: symptom, root cause, suspect files, reproducing test, fix. */
export function renderDiagnosis(d: Diagnosis): string {
  return joinSections([
    '# Diagnosis',
    `## Symptom\n\n${d.symptom.trim()}`,
    `## Root cause\n\n${d.rootCause.trim()}`,
    `## Suspect files\n\n${bulletList(d.suspectFiles.map(inlineCode))}`,
    `## Reproducing test\n\n${inlineCode(d.reproTest.path)}: ${d.reproTest.description.trim()}`,
    `## Fix\n\n${d.fix.trim()}`,
  ]);
}
