import { bulletList, codeList, joinSections, oneLine } from './markdownText';
import type { TechSpec } from './techSpec';

/** The tech spec as markdown for people: overview, one subsection per component with its files, then the rest. */
export function renderTechSpec(spec: TechSpec): string {
  const components = spec.components.map((c) => `### ${oneLine(c.name)}\n\n${c.responsibility.trim()}\n\nFiles: ${codeList(c.files)}`);
  return joinSections([
    '# Technical specification',
    `## Overview\n\n${spec.overview.trim()}`,
    `## Components\n\n${components.join('\n\n')}`,
    `## Data flow\n\n${spec.dataFlow.trim() || '_Not described._'}`,
    `## Risks\n\n${bulletList(spec.risks)}`,
    `## Test strategy\n\n${spec.testStrategy.trim()}`,
    `## Criteria covered\n\n${spec.coversCriteria.length ? spec.coversCriteria.map(oneLine).join(', ') : '_None._'}`,
  ]);
}
